"""apply_retention: reviews that ended more than N years ago go, with everything in them."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from reviews.access import access_to
from reviews.factories import AnswerFactory
from reviews.models import (
    Answer,
    FocusArea,
    Goal,
    Mark,
    Preparation,
    Reflection,
    Review,
    Round,
    State,
)
from reviews.services import close_round
from reviews.services import open_round as open_
from tests.conftest import make_round
from tests.test_review_pdf import conclude
from trail.models import ReviewEvent, TrailRemoval

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def everything(review) -> dict:
    return {
        "preparations": Preparation.objects.filter(review=review).count(),
        "answers": Answer.objects.filter(preparation__review=review).count(),
        "marks": Mark.objects.filter(preparation__review=review).count(),
        "focus areas": FocusArea.objects.filter(review=review).count(),
        "goals": Goal.objects.filter(review=review).count(),
        "reflections": Reflection.objects.filter(review=review).count(),
        "trail entries": ReviewEvent.objects.filter(review=review).count(),
    }


@pytest.fixture
def old_and_new(client, review, employee, manager, colleague, kl_catalogue, kl_questions, office):
    """Anne's MUS 2027, concluded six years ago; Bo's in the same round never concluded;
    and this year's round, under way for both."""
    with time_machine.travel(NOW - datetime.timedelta(days=6 * 365 + 10)):
        old = conclude(client, review, employee, manager)
        question = old.round.question_set.themes.first().questions.first()
        AnswerFactory(
            preparation=old.preparations.get(party="employee"), question=question, text="Svar"
        )
    bo_old = old.round.reviews.get(employee=colleague)
    new_round = make_round(kl_catalogue, kl_questions, name="MUS 2033")
    new_round.departments.add(office)
    open_(new_round)
    return old, bo_old, new_round.reviews.get(employee=employee)


def test_a_dry_run_says_what_would_go_and_changes_nothing(old_and_new):
    old, _bo, _new = old_and_new
    parts = everything(old)
    before = Review.objects.count(), ReviewEvent.objects.count()
    output = run("--years", "5", "--dry-run")
    assert "Would remove the reviews that ended before" in output
    assert "MUS 2027: 1 review" in output
    assert f"{parts['answers']} answers" in output and f"{parts['goals']} goals" in output
    assert (Review.objects.count(), ReviewEvent.objects.count()) == before
    assert not TrailRemoval.objects.exists()


def test_concluded_reviews_past_the_period_go_with_everything_in_them(old_and_new):
    old, bo_old, new = old_and_new
    parts = everything(old)
    assert all(parts.values()), parts  # something of every kind, to see it go
    output = run("--years", "5")
    assert "Removed the reviews that ended before" in output
    assert "MUS 2027: 1 review" in output
    assert (
        f"{parts['marks']} marks" in output and f"{parts['trail entries']} trail entries" in output
    )
    assert not Review.objects.filter(pk=old.pk).exists()
    assert all(count == 0 for count in everything(old).values())
    # Bo's review of the same round has not ended (the round is open), and this year's stays.
    assert Review.objects.filter(pk__in=[bo_old.pk, new.pk]).count() == 2
    assert Round.objects.filter(name="MUS 2027").exists()
    removal = TrailRemoval.objects.get()
    assert "apply_retention --years 5" in removal.reason and not removal.active


def test_within_the_period_nothing_goes(old_and_new):
    assert "nothing to do" in run("--years", "7")
    assert Review.objects.count() == 4  # two in each round
    assert not TrailRemoval.objects.exists()


def test_a_closed_round_goes_with_its_unconcluded_reviews_when_left_empty(old_and_new):
    old, _bo, _new = old_and_new
    with time_machine.travel(NOW - datetime.timedelta(days=6 * 365)):
        close_round(old.round)
    output = run("--years", "5")
    assert "MUS 2027: 2 reviews" in output
    assert "Removed the rounds left empty: MUS 2027." in output
    assert not Round.objects.filter(name="MUS 2027").exists()
    assert set(Review.objects.values_list("round__name", flat=True)) == {"MUS 2033"}


def test_the_default_period_is_the_setting(old_and_new, settings):
    settings.RETENTION_YEARS = 7
    assert "nothing to do" in run("--dry-run")
    settings.RETENTION_YEARS = 5


def test_years_below_one_are_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        run("--years", "0")


def test_a_review_reopened_and_concluded_again_counts_from_the_last_conclusion(
    old_and_new, hr_user
):
    from reviews import talk

    old, _bo, _new = old_and_new
    talk.reopen(access_to(hr_user, old), "Rettelse")
    Review.objects.filter(pk=old.pk).update(state=State.CONCLUDED, state_changed_at=NOW)
    assert "nothing to do" in run("--years", "5")
