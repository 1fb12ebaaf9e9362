"""Writes of the talk: starting it, agreeing focus areas and goals, ending it.

Each takes the ``ReviewAccess`` of the person acting and refuses what it does not allow,
with a message that says why; nothing is changed then.
"""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import signals
from reviews.access import ReviewAccess
from reviews.models import (
    EditConflictError,
    FocusArea,
    Goal,
    LockedError,
    Preparation,
    Reflection,
    Review,
    State,
)
from reviews.refusals import forbidden, refused
from trail import recording
from trail.models import Action


def _require(access: ReviewAccess, allowed: bool, reason: str = "") -> None:
    """Refuse, with why and on the review's trail, what reviews.access does not allow."""
    if not allowed:
        raise refused(access, reason or _("This review can no longer be changed here."))


def _locked(access: ReviewAccess) -> ReviewAccess:
    """The access re-read under the review's lock: the state it allows is the current one."""
    access.lock()
    return access


@transaction.atomic
def start_talk(access: ReviewAccess) -> None:
    """The manager starts the talk: both preparations are locked and lie open to both.

    The talk is theirs from now on: the review records who led it (``talk_manager``).
    Only the two preparations of record are shared, never a former manager's.
    """
    _require(access, _locked(access).can_start_talk)
    Preparation.objects.of_record(access.review).filter(shared_at__isnull=True).update(
        shared_at=timezone.now()
    )
    access.review.move_to(State.TALK_STARTED, **recording.by(access))


@transaction.atomic
def schedule_talk(
    access: ReviewAccess,
    at: datetime.datetime,
    minutes: int,
    place: str,
    place_version: int | None = None,
) -> bool:
    """The manager sets or changes the talk's time and place; both receive the invitation
    (an update, if there was one). Saving the same again sends nothing. True if changed.

    ``place_version``: the version of the typed place the page was based on. A place typed
    meanwhile in another window, and different, is not replaced unseen (EditConflictError)."""
    _require(access, _locked_talk_time(access).can_schedule_talk)
    review = access.review
    if (
        place_version is not None
        and place_version != review.talk_place_draft_version
        and review.talk_place_draft != place
    ):
        raise EditConflictError(review.talk_place_draft, review.talk_place_draft_version)
    if review.talk_place_draft_version and review.talk_place_draft != place:
        # What is sent is what was typed last: the page shows it, no longer as unsent.
        review.save_text("talk_place_draft", place, review.talk_place_draft_version)
    if review.has_talk_time and (review.talk_at, review.talk_minutes, review.talk_place) == (
        at,
        minutes,
        place,
    ):
        return False
    _change_talk_time(review, talk_at=at, talk_minutes=minutes, talk_place=place)
    return True


@transaction.atomic
def save_talk_place(access: ReviewAccess, place: str, base_version: int) -> None:
    """The place as the manager types it, saved on the version they saw, and not sent: a
    calendar update per keystroke would flood both calendars. The invitation (or its
    update) goes out when they send the form (schedule_talk)."""
    _require(access, _locked_talk_time(access).can_schedule_talk)
    review = access.review
    if review.typed_place != place:
        review.save_text("talk_place_draft", place, base_version)


@transaction.atomic
def cancel_talk(access: ReviewAccess) -> None:
    """The time no longer holds: both receive a cancellation for their calendars."""
    _require(access, _locked_talk_time(access).can_schedule_talk)
    if not access.review.has_talk_time:
        raise LockedError(_("No time is set for the talk, so there is nothing to cancel."))
    _change_talk_time(access.review, talk_cancelled=True)


TALK_TIME_FIELDS = [
    "talk_at",
    "talk_minutes",
    "talk_place",
    "talk_cancelled",
    "talk_sequence",
    "talk_place_draft",
    "talk_place_draft_version",
]


def _locked_talk_time(access: ReviewAccess) -> ReviewAccess:
    """Under the review's lock, with its talk time as it is now: two changes at once (two
    tabs) run one after the other, each sending its own version."""
    _locked(access).review.refresh_from_db(fields=TALK_TIME_FIELDS)
    return access


def _change_talk_time(review: Review, **fields: Any) -> None:
    fields.setdefault("talk_cancelled", False)
    Review.objects.filter(pk=review.pk).update(talk_sequence=F("talk_sequence") + 1, **fields)
    review.refresh_from_db(fields=[*fields, "talk_sequence"])
    signals.talk_time_changed.send(Review, review=review)


@transaction.atomic
def set_focus_areas(access: ReviewAccess, chosen: list[tuple[int | None, str]]) -> None:
    """The agreed focus areas: catalogue competences by id, own ones by name."""
    _require(access, _locked(access).can_talk)
    FocusArea.objects.filter(review=access.review).delete()
    FocusArea.objects.bulk_create(
        FocusArea(review=access.review, competence_id=competence_id, name=name, position=i)
        for i, (competence_id, name) in enumerate(chosen, start=1)
    )
    recording.write(access, Action.CHOSE_FOCUS_AREAS)


def _accepted_field(access: ReviewAccess) -> str:
    return f"accepted_by_{access.party}"


@transaction.atomic
def add_goal(access: ReviewAccess, goal: Goal) -> Goal:
    """A new goal, proposed by one of the two: the writer accepts it, the other is asked."""
    _require(access, _locked(access).can_talk)
    recording.write(access, Action.ADDED_GOAL)
    goal.review = access.review
    goal.position = access.review.goals.count() + 1
    goal.wording = 1
    goal.accepted_by_employee = goal.accepted_by_manager = 0
    setattr(goal, _accepted_field(access), goal.wording)
    goal.save()
    return goal


@transaction.atomic
def save_goal_texts(
    access: ReviewAccess,
    goal: Goal,
    texts: dict[str, tuple[Any, int | None]],
    wording: int | None = None,
) -> tuple[Goal, dict[str, EditConflictError]]:
    """A goal's texts as typed, each on the version its writer saw: the goal as it is now,
    and the conflicts, by field, that were refused (the others are saved).

    The writer accepts their own wording. The other's acceptance lapses only when the goal
    no longer reads as they accepted it, and stands again when a change is undone
    (``Goal.accepted_digest_by_…``): typing does not ask them again at every pause.

    Each save that changes the goal is one REWORDED_GOAL entry in the trail, as each save
    of every text that saves as one types is (the talk's texts, the preparation): the
    trail is the record of every write, append-only, and the history a person reads
    folds a run of them into one line (reviews.history).

    ``wording``: a page from before goals saved as one types names the wording it showed
    instead of versions (None); one changed meanwhile is refused, as it was then.
    """
    _require(access, _locked(access).can_talk)
    # Read again under the review's lock, which every write of its goals holds.
    current = Goal.objects.filter(pk=goal.pk, review=access.review).first()
    if current is None or (wording is not None and current.wording != wording):
        raise LockedError(
            _(
                "The goal was changed or removed meanwhile, so your wording was not saved. "
                "Read the goal as it is now and change it again."
            ),
            code="changed",
        )
    before = current.content_digest()
    saved, conflicts = current.save_texts(
        {
            # A legacy page's text has no version: it is based on the wording checked above.
            field: (value, getattr(current, f"{field}_version") if version is None else version)
            for field, (value, version) in texts.items()
            if field in Goal.TEXTS
        }
    )
    if saved:
        _reworded(access, current, before)
        recording.write(access, Action.REWORDED_GOAL)
    return current, conflicts


def _reworded(access: ReviewAccess, goal: Goal, before: str) -> None:
    """A new wording: the writer's, and the other's too if it reads as they accepted it."""
    other = f"accepted_by_{access.other_party}"
    other_digest = f"accepted_digest_by_{access.other_party}"
    wording = goal.wording + 1
    changes: dict[str, Any] = {"wording": wording, _accepted_field(access): wording}
    if getattr(goal, other) == goal.wording:  # they accepted the wording just changed
        changes[other_digest] = before
    if changes.get(other_digest, getattr(goal, other_digest)) == goal.content_digest():
        changes[other] = wording  # back to the words they accepted
    Goal.objects.filter(pk=goal.pk).update(**changes)
    for name, value in changes.items():
        setattr(goal, name, value)


@transaction.atomic
def accept_goal(access: ReviewAccess, goal: Goal, wording: int) -> None:
    """Accept the wording one has seen; a goal reworded meanwhile is not accepted blindly."""
    _require(access, _locked(access).can_talk)
    accepted = Goal.objects.filter(pk=goal.pk, wording=wording).update(
        **{_accepted_field(access): wording}
    )
    if not accepted:
        raise LockedError(
            _("The goal was changed meanwhile. Read the new wording and accept again.")
        )
    recording.write(access, Action.ACCEPTED_GOAL)


@transaction.atomic
def delete_goal(access: ReviewAccess, goal: Goal) -> None:
    _require(access, _locked(access).can_talk)
    goal.delete()
    recording.write(access, Action.REMOVED_GOAL)


@transaction.atomic
def set_goal_status(access: ReviewAccess, goal: Goal, status: str) -> None:
    _require(access, _locked(access).can_set_status(goal))
    if status not in Goal.Status.values:
        raise LockedError(_("Choose one of the statuses."))
    Goal.objects.filter(pk=goal.pk).update(status=status)
    recording.write(access, Action.SET_GOAL_STATUS)


@transaction.atomic
def end_talk(access: ReviewAccess) -> None:
    """The manager records that the talk was held; the employee is asked to confirm it."""
    _require(access, _locked(access).can_end_talk)
    access.review.move_to(State.TALK_HELD, **recording.by(access))


@transaction.atomic
def confirm(access: ReviewAccess, disagreement: str) -> None:
    """The employee confirms the talk took place (with any disagreement); it is concluded."""
    _require(access, _locked(access).can_confirm)
    disagreement = Review._meta.get_field("disagreement").clean(disagreement, access.review)
    Review.objects.filter(pk=access.review.pk).update(
        confirmed_at=timezone.now(), disagreement=disagreement
    )
    access.review.move_to(State.CONCLUDED, **recording.by(access))


@transaction.atomic
def reopen(access: ReviewAccess, reason: str) -> None:
    """HR reopens a concluded review of an open round, with the reason on record."""
    review = _locked(access).review
    if refusal := access.reopen_refusal():
        raise refused(access, refusal)
    Review.objects.filter(pk=review.pk).update(confirmed_at=None)
    review.move_to(State.TALK_HELD, note=reason, **recording.by(access))


def own_reflection(access: ReviewAccess) -> Reflection:
    """The writer's own reflection, whoever held their place before (reviews.models.Authored)."""
    author, party = access.person, access.party
    if author is None or party is None:  # only the two reflect: refused before it comes here
        raise forbidden(access, _("Only the employee and the manager write reflections."))
    return Reflection.objects.get_or_create(
        review=access.review, author=author, defaults={"party": party}
    )[0]


@transaction.atomic
def save_reflection(
    access: ReviewAccess, texts: dict[str, tuple[str, int]]
) -> dict[str, EditConflictError]:
    """Save the fields of one's reflection; returns the conflicts, by field, that were refused."""
    _require(access, _locked(access).can_reflect)
    reflection = own_reflection(access)
    _require(access, access.can_edit_reflection(reflection), _("Your reflections are shared."))
    saved, conflicts = reflection.save_texts(
        {field: posted for field, posted in texts.items() if field in Reflection.FIELDS}
    )
    for _field in saved:
        recording.write(access, Action.SAVED_REFLECTIONS)
    return conflicts


@transaction.atomic
def share_reflection(access: ReviewAccess) -> None:
    _require(access, _locked(access).can_reflect)
    shared = Reflection.objects.filter(pk=own_reflection(access).pk, shared_at__isnull=True).update(
        shared_at=timezone.now()
    )
    if shared:
        recording.write(access, Action.SHARED_REFLECTIONS)


TALK_TEXTS = {"summary": Action.WROTE_SUMMARY, "talk_notes": Action.WROTE_TALK_NOTES}


@transaction.atomic
def save_talk_text(access: ReviewAccess, field: str, text: str, base_version: int) -> None:
    """The manager's summary, or the talk notes both write, saved on the version it saw."""
    conflicts = save_talk_texts(access, {field: (text, base_version)})
    if conflicts:
        raise conflicts[field]


@transaction.atomic
def save_talk_texts(
    access: ReviewAccess, texts: dict[str, tuple[str, int]]
) -> dict[str, EditConflictError]:
    """The talk's texts posted together, each on the version it saw; returns the conflicts,
    by field, that were refused (the others are saved: nothing typed is dropped)."""
    for field in texts:
        if not access.writes(field):
            raise forbidden(access, access.write_refusal(field))
    _require(access, _locked(access).can_talk)
    for field in texts:
        _require(access, access.can_write(field))
    saved, conflicts = access.review.save_texts(texts)
    for field in saved:
        recording.write(access, TALK_TEXTS[field])
    return conflicts
