"""seed_demo: the demo organisation and logins of the README, idempotent."""

import pytest
from django.core.management import CommandError, call_command

from mus.management.commands.seed_demo import DEMO_PASSWORD
from organisation.models import Department, Person, User
from organisation.roles import is_hr
from reviews.models import Review, Round

pytestmark = pytest.mark.usefixtures("catalogues")


def test_demo_people_managers_and_logins():
    call_command("seed_demo", verbosity=0)

    managers = {
        p.user.username: p.manager and p.manager.user.username for p in Person.objects.all()
    }
    assert managers["anne"] == managers["bo"] == managers["carl"] == "mette"
    assert managers["dorte"] == managers["erik"] == "lars"
    hr = User.objects.get(username="hr")
    assert is_hr(hr) and hr.is_staff and not hr.is_superuser
    for username in ["hr", "mette", "lars", "anne", "bo", "carl", "dorte", "erik"]:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    kinds = set(Department.objects.values_list("kind", flat=True))
    assert kinds == {"forvaltning", "center", "kontor"}


def test_running_it_again_changes_nothing():
    call_command("seed_demo", verbosity=0)
    before = (User.objects.count(), Person.objects.count(), Department.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (User.objects.count(), Person.objects.count(), Department.objects.count()) == before


def test_the_open_round_mus_2027_covers_everyone_with_a_manager():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    round_ = Round.objects.get(name="MUS 2027")
    assert (round_.status, round_.mode, round_.catalogue.name) == ("open", "both", "KL MUS 2015")
    reviews = {r.employee.user.username: r.manager.user.username for r in Review.objects.all()}
    assert reviews == {
        "hr": "karen",
        "mette": "karen",
        "lars": "karen",
        "anne": "mette",
        "bo": "mette",
        "carl": "mette",
        "dorte": "lars",
        "erik": "lars",
    }


def test_it_asks_for_the_catalogues_first(db):
    from competencies.models import Catalogue

    Catalogue.objects.all().delete()
    with pytest.raises(CommandError, match="Load the catalogues first"):
        call_command("seed_demo", verbosity=0)


def test_last_years_concluded_round_leaves_anne_goals_to_follow_up():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    review = Review.objects.get(round__name="MUS 2026", employee__user__username="anne")
    assert review.state == "concluded"
    assert [str(area) for area in review.focus_areas.all()] == ["Kommunikation", "Politik"]
    assert all(goal.is_agreed for goal in review.goals.all())
    assert review.goals.count() == 2


def test_hrs_insight_has_figures_to_show_in_the_demo():
    from hr.insight.reports import HIDDEN, focus_map, med_report

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert med_report(2026).totals.cells[:2] == [8, 7]  # everyone with a manager; Carl's not held
    last_year = focus_map(Round.objects.get(name="MUS 2026"))
    column = [c.label for c in last_year.columns].index("Kommunikation")
    assert last_year.totals.cells[column] == 5
    assert last_year.anything_hidden  # a small organisation: most groups are fewer than five
    assert last_year.rows[1].cells[0] is HIDDEN
