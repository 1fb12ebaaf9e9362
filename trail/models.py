"""The audit trail of reviews: who read, wrote or was refused what, when and in which role.

Append-only (``TrailQuerySet``, and database triggers: migration 0001); entries go only
with their review, inside ``trail.recording.removal()``. The app knows reviews by
reference ("reviews.Review") and never imports them: reviews record here, not the other
way round (docs/architecture.md).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import WrittenText
from organisation.models import Person, User

# Set only inside trail.recording.removal(): the one door through which entries go.
_removing: ContextVar[bool] = ContextVar("review_trail_removal", default=False)


@contextmanager
def permitting_removal():
    token = _removing.set(True)
    try:
        yield
    finally:
        _removing.reset(token)


class TrailIsAppendOnlyError(Exception):
    pass


class TrailQuerySet(models.QuerySet):
    """The trail only grows: no update, and no delete but through ``trail.recording.removal``.

    The database holds the same line (a trigger, see migration 0002), also against a
    deletion that Django's cascade makes without this queryset.
    """

    def update(self, **kwargs):
        raise TrailIsAppendOnlyError("The trail of a review cannot be changed.")

    def delete(self):
        if not _removing.get():
            raise TrailIsAppendOnlyError("The trail of a review is removed only with the review.")
        return super().delete()


class Action(models.TextChoices):
    """What someone did with a review's confidential content, as its trail says it."""

    # Reads.
    OPENED_REVIEW = "opened_review", _("opened the review")
    OPENED_PREPARATION = "opened_preparation", _("opened their preparation")
    READ_BOTH_PREPARATIONS = "read_preparations", _("read both preparations")
    OPENED_TALK = "opened_talk", _("opened the talk and the comparison")
    OPENED_REFLECTIONS = "opened_reflections", _("opened the reflections")
    DOWNLOADED_PDF = "downloaded_pdf", _("downloaded the review as PDF")
    EXPORTED_ROUND = "exported_round", _("exported the review as PDF with its round")
    EXPORTED_PERSONAL_DATA = "exported_data", _("downloaded it with their personal data")
    READ_PREVIOUS = "read_previous", _("read what was agreed, to follow it up in the next MUS")
    READ = "read", _("read the review")  # a page the trail has no words for yet
    # Writes.
    SAVED_ANSWER = "saved_answer", _("saved an answer")
    SAVED_NOTE = "saved_note", _("wrote a note on a competence")
    NAMED_COMPETENCE = "named_competence", _("named a competence of their own")
    MARKED_COMPETENCE = "marked_competence", _("marked a competence")
    SHARED_PREPARATION = "shared_preparation", _("shared their preparation")
    TOOK_BACK_PREPARATION = "took_back", _("took back the sharing of their preparation")
    CHOSE_FOCUS_AREAS = "chose_focus_areas", _("chose the focus areas")
    ADDED_GOAL = "added_goal", _("added a development goal")
    REWORDED_GOAL = "reworded_goal", _("reworded a development goal")
    ACCEPTED_GOAL = "accepted_goal", _("accepted a development goal")
    REMOVED_GOAL = "removed_goal", _("removed a development goal")
    SET_GOAL_STATUS = "goal_status", _("updated the status of a goal")
    WROTE_SUMMARY = "wrote_summary", _("wrote the summary")
    WROTE_TALK_NOTES = "wrote_notes", _("wrote in the talk notes")
    SAVED_REFLECTIONS = "saved_reflections", _("wrote their reflections")
    SHARED_REFLECTIONS = "shared_reflections", _("shared their reflections")


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("employee")
    MANAGER = "manager", _("manager")
    HR = "hr", _("HR")
    ADMIN = "admin", _("administrator")  # a superuser: the break-glass account
    OUTSIDER = "outsider", _("no part in this MUS")


class ReviewEvent(models.Model):
    """The review's trail: every move, manager change and reopening, and every read and
    write of its confidential content: who (and in which role), when, and what.

    Append-only (see TrailQuerySet). People are referenced, not copied: when a person is
    removed, their login is anonymised and the trail names them so without being edited.
    """

    class Kind(models.TextChoices):
        STATE = "state", _("Status changed")
        MANAGER = "manager", _("Manager changed")
        READ = "read", _("Read")
        WRITE = "write", _("Written")
        REFUSED = "refused", _("Refused")

    Action = Action

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    # None: the system moved it, or HR from the command line (an export).
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # An Action (kept out of the field's choices, so new wording needs no migration).
    action = models.CharField(max_length=20, blank=True)
    # A move: the two states. A manager change: the state then (old), what stayed with the
    # old manager (new), the reason (note). A refusal: the URL's name (action), why (note).
    old = models.CharField(max_length=200, blank=True)
    new = models.CharField(max_length=200, blank=True)
    old_manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = WrittenText(blank=True)

    objects = TrailQuerySet.as_manager()

    class Meta:
        verbose_name = _("trail entry")
        verbose_name_plural = _("trail of the reviews")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["review", "at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.action or f'{self.old} → {self.new}'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TrailIsAppendOnlyError("The trail of a review cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TrailIsAppendOnlyError("The trail of a review is removed only with the review.")

    @property
    def what(self) -> str:
        return str(Action(self.action).label) if self.action in Action.values else self.action


class TrailRemoval(models.Model):
    """A removal of trail entries, with the reviews they belonged to: retention, or a person
    removed. While one is ``active`` (only inside its own transaction), the database lets
    trail entries be deleted; afterwards it stays as the record that the removal ran."""

    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("removal from the trail")
        verbose_name_plural = _("removals from the trail")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason}"
