"""Writes that span several models: opening a round, adding people, moving a review."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mus.models import Department, Person, User
from notifications import outbox
from reviews.models import Review, ReviewEvent, Role, Round


@dataclass
class Opened:
    created: int
    without_manager: list[Person]


def _locked(round_: Round) -> Round:
    """The round as it is now, its row locked until the transaction ends."""
    return Round.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def open_round(round_: Round) -> Opened:
    """Give every participant without one a review with their current manager, and
    tell each new one's employee and manager by e-mail.

    Safe to repeat and to race: the round's row lock makes openings and additions
    run one after the other, the unique (round, employee) constraint makes a second
    review for the same person impossible, and existing ones are left alone.
    """
    round_ = _locked(round_)
    round_.check_accepts_changes()
    participants = list(round_.participants().select_related("user"))
    have_review = set(round_.reviews.values_list("employee_id", flat=True))
    new = [
        Review(round=round_, employee=person, manager_id=person.manager_id)
        for person in participants
        if person.manager_id and person.pk not in have_review
    ]
    Review.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    if round_.status == Round.Status.DRAFT:
        round_.status, round_.opened_at = Round.Status.OPEN, timezone.now()
        round_.save(update_fields=["status", "opened_at"])
    outbox.queue_invitations(round_)
    return Opened(created=len(new), without_manager=[p for p in participants if not p.manager_id])


@transaction.atomic
def add_participants(
    round_: Round, departments: list[Department], people: list[Person]
) -> Opened | None:
    """Widen a round's selection; an open round gets the new people's reviews at once.

    Under the round's lock, so that an opening at the same moment either sees the new
    people or has finished before and they are given their reviews here.
    """
    round_ = _locked(round_)
    round_.check_accepts_changes()
    round_.departments.add(*departments)
    round_.people.add(*people)
    if round_.status == Round.Status.OPEN:
        return open_round(round_)
    return None


@transaction.atomic
def close_round(round_: Round) -> None:
    round_ = _locked(round_)
    round_.check_accepts_changes()
    round_.status, round_.closed_at = Round.Status.CLOSED, timezone.now()
    round_.save(update_fields=["status", "closed_at"])


@transaction.atomic
def move_to_manager(review: Review, manager: Person, reason: str, actor: User) -> None:
    """HR gives a review to another manager; access moves with it, and it is recorded."""
    review.round.check_accepts_changes()
    old = review.manager
    Review.objects.filter(pk=review.pk).update(manager=manager)
    ReviewEvent.objects.create(
        review=review,
        actor=actor,
        role=Role.HR,
        kind=ReviewEvent.Kind.MANAGER,
        old_manager=old,
        new_manager=manager,
        note=reason or _("No reason given"),
    )
    review.manager = manager
