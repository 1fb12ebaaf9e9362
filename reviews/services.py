"""Writes that span several models: opening a round, adding people, moving a review."""

from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import Department, Person
from reviews import signals
from reviews.access import ReviewAccess
from reviews.models import Party, Preparation, Reflection, Review, Round, State
from reviews.refusals import refused
from trail import recording
from trail.models import ReviewEvent


@dataclass
class Opened:
    created: int
    without_manager: list[Person]


def _locked(round_: Round) -> Round:
    """The round as it is now, its row locked until the transaction ends."""
    return Round.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def open_round(round_: Round, only: Collection[int] | None = None) -> Opened:
    """Give every participant without one a review with their current manager, and
    tell each new one's employee and manager by e-mail. ``only``: of these people alone
    (a part of a large opening, run by a worker).

    Safe to repeat and to race: the round's row lock makes openings and additions
    run one after the other, the unique (round, employee) constraint makes a second
    review for the same person impossible, and existing ones are left alone.
    """
    round_ = _locked(round_)
    round_.check_accepts_changes()
    participants_qs = round_.participants()
    if only is not None:
        participants_qs = participants_qs.filter(pk__in=only)
    participants = list(participants_qs.select_related("user"))
    have = round_.reviews if only is None else round_.reviews.filter(employee_id__in=only)
    have_review = set(have.values_list("employee_id", flat=True))
    new = [
        Review(round=round_, employee=person, manager_id=person.manager_id)
        for person in participants
        if person.manager_id and person.pk not in have_review
    ]
    Review.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    if round_.status == Round.Status.DRAFT:
        round_.status, round_.opened_at = Round.Status.OPEN, timezone.now()
        round_.save(update_fields=["status", "opened_at"])
    signals.reviews_opened.send(Round, round_=round_)
    return Opened(created=len(new), without_manager=[p for p in participants if not p.manager_id])


@transaction.atomic
def add_participants(
    round_: Round, departments: list[Department], people: list[Person], open_reviews: bool = True
) -> Opened | None:
    """Widen a round's selection; an open round gets the new people's reviews at once
    (unless ``open_reviews`` is false: HR's page has a worker give them, hr.jobs).

    Under the round's lock, so that an opening at the same moment either sees the new
    people or has finished before and they are given their reviews here.
    """
    round_ = _locked(round_)
    round_.check_accepts_changes()
    round_.departments.add(*departments)
    round_.people.add(*people)
    if round_.status == Round.Status.OPEN and open_reviews:
        return open_round(round_)
    return None


@transaction.atomic
def close_round(round_: Round) -> None:
    round_ = _locked(round_)
    round_.check_accepts_changes()
    round_.status, round_.closed_at = Round.Status.CLOSED, timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    # What a former manager wrote before a review moved was kept for them until now.
    for model in (Preparation, Reflection):
        model.objects.filter(review__round=round_).of_former_managers().delete()


def kept_by_old_manager(review: Review) -> list[str]:
    """What the manager of record has written in the review that stays theirs alone when
    it moves: "preparation" (before the talk), "reflection" (unshared, after it)."""
    author = review.manager_of_record_id
    kept = []
    if not review.in_talk and Preparation.objects.filter(review=review, author=author).exists():
        kept.append("preparation")
    if Reflection.objects.filter(review=review, author=author, shared_at__isnull=True).exists():
        kept.append("reflection")
    return kept


@dataclass
class Handover:
    """What moving a review to another manager does, for HR to read before confirming."""

    review: Review
    kept: list[str]

    def describe(self) -> list[str]:
        review, names = (
            self.review,
            {
                "old": self.review.manager.name,
                "employee": self.review.employee.name,
            },
        )
        said = []
        if review.in_talk:
            said.append(
                _(
                    "The talk has begun with %(old)s. The new manager follows up on the agreed "
                    "focus areas and goals, and never sees the talk notes, the summary, the "
                    "preparations or the reflections; %(employee)s keeps seeing them."
                )
                % names
            )
        else:
            said.append(
                _(
                    "The new manager prepares on their own. %(employee)s’s preparation is shown "
                    "to them only once it is shared and they have shared theirs too (or the talk "
                    "begins), as it was for %(old)s."
                )
                % names
            )
        if "preparation" in self.kept:
            said.append(
                _(
                    "%(old)s’s preparation stays %(old)s’s alone: the new manager never sees it. "
                    "%(old)s can download it with their data (“Your data”) until the round "
                    "closes; then it is deleted."
                )
                % names
            )
        if "reflection" in self.kept:
            said.append(
                _(
                    "%(old)s’s unshared reflections stay %(old)s’s alone: the new manager never "
                    "sees them. %(old)s can download them with their data (“Your data”)."
                )
                % names
            )
        if review.state == State.SHARED and Party.MANAGER in review.round.preparing_parties:
            said.append(_("The review goes back to “Preparing” until the new manager has shared."))
        said.append(_("%(old)s no longer has access to the review.") % names)
        return said


def handover(review: Review) -> Handover:
    return Handover(review=review, kept=kept_by_old_manager(review))


@transaction.atomic
def move_to_manager(access: ReviewAccess, manager: Person, reason: str) -> None:
    """HR gives a review to another manager; access moves with it, and it is recorded.

    Access moves within the rule of reviews.access: the new manager never receives what
    the old one wrote (it stays theirs alone, ``kept_by_old_manager``), and after the talk
    has begun, only what was agreed. Refused, on the review's trail, when HR may not.
    """
    access.lock()
    review = access.review
    if refusal := access.reassign_refusal() or access.handover_refusal(manager):
        raise refused(access, refusal)
    old = Person.objects.get(pk=review.manager_id)
    kept = kept_by_old_manager(review)
    Review.objects.filter(pk=review.pk).update(manager=manager)
    ReviewEvent.objects.create(
        review=review,
        kind=ReviewEvent.Kind.MANAGER,
        old_manager=old,
        new_manager=manager,
        old=review.state,
        new=",".join(kept),
        note=reason or _("No reason given"),
        **recording.by(access),
    )
    review.manager = manager
    if review.state == State.SHARED and Party.MANAGER in review.round.preparing_parties:
        # Shared by both, but one of the two is new: the review waits for their sharing.
        review.move_to(State.PREPARING, **recording.by(access))
