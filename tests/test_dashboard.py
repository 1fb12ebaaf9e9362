"""The dashboard greets the user by name and shows their role; it never shows another's reports."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_employee_is_greeted_with_name_role_and_manager(client, employee):
    client.force_login(employee.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Hej, Anne Andersen" in page
    assert '<span class="badge">Medarbejder</span>' in page
    assert '<span class="badge">Leder</span>' not in page
    assert "Mette Madsen" in page  # her manager
    assert "Dine medarbejdere" not in page


def test_manager_sees_their_own_reports_only(client, employee, colleague, outsider, manager):
    client.force_login(manager.user)
    response = client.get(reverse("dashboard"))
    page = response.content.decode()
    assert '<span class="badge">Leder</span>' in page
    assert [p.name for p in response.context["reports"]] == ["Anne Andersen", "Bo"]
    assert "Olga" not in page


def test_hr_sees_the_hr_role_and_links(client, hr_user):
    client.force_login(hr_user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Hej, Hanne Rasmussen" in page
    assert '<span class="badge">HR</span>' in page
    assert reverse("admin:competencies_catalogue_changelist") in page


def test_outsider_sees_no_one_elses_data(client, employee, outsider):
    client.force_login(outsider.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Anne" not in page
    assert "Hej, Olga" in page


def test_english_when_chosen(client, employee):
    client.force_login(employee.user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("dashboard")).content.decode()
    assert "Hello, Anne Andersen" in page
    assert '<html lang="en">' in page


def test_danish_even_when_the_browser_asks_for_english(client, employee):
    client.force_login(employee.user)
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en-GB,en").content.decode()
    assert "Hej, Anne Andersen" in page


def test_dashboard_query_count_does_not_grow_with_reports(
    client, manager, office, django_assert_max_num_queries
):
    from tests.conftest import make_person

    for n in range(30):
        make_person(f"report{n}", office, manager=manager)
    client.force_login(manager.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dashboard"))
    assert len(response.context["reports"]) == 30


def test_employee_sees_their_mus_with_next_step_and_deadline(client, review, employee):
    client.force_login(employee.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("review_detail", args=[review.public_id]) in page
    assert "MUS 2027" in page
    assert "Forbered dig: besvar spørgsmålene og markér kompetencehjulet" in page
    assert "1. februar 2027" in page


def test_manager_sees_each_reports_review_and_next_step(client, review, manager, colleague):
    client.force_login(manager.user)
    response = client.get(reverse("dashboard"))
    assert {r.employee for r in response.context["led_reviews"]} == {review.employee, colleague}
    assert "Forbered dig på samtalen" in response.content.decode()


def test_colleague_sees_only_their_own_review(client, review, colleague):
    client.force_login(colleague.user)
    response = client.get(reverse("dashboard"))
    assert [r.employee for r in response.context["own_reviews"]] == [colleague]
    assert str(review.public_id) not in response.content.decode()


def test_hr_sees_rounds_under_way(client, hr_user, open_round):
    client.force_login(hr_user)
    response = client.get(reverse("dashboard"))
    (round_,) = response.context["open_rounds"]
    assert (round_.name, round_.total, round_.concluded) == ("MUS 2027", 2, 0)


def _share(review, person):
    from django.utils import timezone

    from reviews.models import Preparation, State

    Preparation.objects.update_or_create(
        review=review,
        author=person,
        defaults={
            "party": "employee" if person == review.employee else "manager",
            "shared_at": timezone.now(),
        },
    )
    if review.state == State.INVITED:
        review.state = State.PREPARING
        review.save()


def test_after_sharing_the_employee_waits_for_her_manager(client, review, employee, manager):
    _share(review, employee)
    client.force_login(employee.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Du har delt – venter på Mette" in page
    assert "Gør din forberedelse færdig, og del den" not in page
    assert "Se forberedelsen" in page  # no longer "Forbered dig"
    # ... and her manager is told that Anne waits for him.
    client.force_login(manager.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Anne har delt – gør din forberedelse færdig, og del den" in page


def test_the_review_page_says_the_same(client, review, employee, manager):
    _share(review, manager)
    client.force_login(manager.user)
    page = client.get(reverse("review_detail", args=[review.public_id])).content.decode()
    assert "Du har delt – venter på Anne" in page
    client.force_login(employee.user)
    page = client.get(reverse("review_detail", args=[review.public_id])).content.decode()
    assert "Mette har delt – gør din forberedelse færdig, og del den" in page


def test_the_team_table_shows_who_has_shared(client, review, employee, manager, colleague):
    _share(review, employee)
    client.force_login(manager.user)
    response = client.get(reverse("dashboard"))
    page = response.content.decode()
    row = page.split(str(review.public_id))[1].split("</tr>")[0]
    assert "Anne: <strong>delt</strong>" in row
    assert "Dig: ikke endnu" in row
    other = page.split(str(colleague.reviews.get().public_id))[1].split("</tr>")[0]
    assert "delt</strong>" not in other


def test_after_the_talk_the_dashboard_follows_the_agreed_goals(client, review, employee):
    import datetime

    from django.utils import timezone

    from reviews.models import Goal, State

    review.state = State.CONCLUDED
    review.save()
    today = timezone.localdate()
    agreed = {"wording": 1, "accepted_by_employee": 1, "accepted_by_manager": 1}
    Goal.objects.create(
        review=review, title="Lære Python", due=today - datetime.timedelta(days=3), **agreed
    )
    Goal.objects.create(
        review=review,
        title="Mentorordning",
        due=today + datetime.timedelta(days=30),
        status=Goal.Status.UNDER_WAY,
        **agreed,
    )
    Goal.objects.create(review=review, title="Uaftalt mål", wording=2, accepted_by_employee=1)
    client.force_login(employee.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Lære Python" in page and "Mentorordning" in page
    assert "Uaftalt mål" not in page
    late = page.split("Lære Python")[1].split("</li>")[0]
    assert "overskredet" in late
    assert "overskredet" not in page.split("Mentorordning")[1].split("</li>")[0]
    assert "I gang" in page
    assert "Forbered dig senest" not in page  # the old preparation deadline is gone


def test_goals_waiting_for_an_acceptance_say_whose(client, review, employee, manager):
    """Issue 16, point 4: until Anne confirms the talk, a goal not agreed yet stands on her
    dashboard saying whose acceptance it waits for."""
    from reviews.models import Goal, State

    review.state = State.TALK_HELD
    review.save()
    Goal.objects.create(review=review, title="Mettes forslag", accepted_by_manager=1)
    Goal.objects.create(review=review, title="Annes forslag", accepted_by_employee=1)
    Goal.objects.create(
        review=review, title="Aftalt", accepted_by_employee=1, accepted_by_manager=1
    )
    client.force_login(employee.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Venter på din accept" in page.split("Mettes forslag")[1].split("</li>")[0]
    assert "Venter på Mettes accept" in page.split("Annes forslag")[1].split("</li>")[0]
    assert "Ikke startet" in page.split("Aftalt</strong>")[1].split("</li>")[0]
