"""Rounds and reviews.

A round is HR's yearly MUS cycle over a set of participants; opening it gives each
participant one review with their current manager. A review moves through the states
of the cycle, and which moves are allowed is written down once, in ``TRANSITIONS``.
"""

import datetime
import hashlib
import json
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, int_list_validator
from django.db import models
from django.db.models.functions import Now
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.fields import WrittenLine, WrittenText, own_field
from competencies.models import Catalogue, QuestionSet
from competencies.wheel import Level
from organisation.models import Department, Person, User
from trail.models import ReviewEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class RoundClosedError(ValidationError):
    pass


class Round(models.Model):
    class Mode(models.TextChoices):
        BOTH = "both", _("Both prepare")
        EMPLOYEE_ONLY = "employee", _("Only the employee prepares")
        NONE = "none", _("Nobody fills in; the wheel is inspiration only")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = WrittenLine(_("name"), max_length=200, unique=True)
    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("catalogue"), on_delete=models.PROTECT, related_name="rounds"
    )
    question_set = models.ForeignKey(
        QuestionSet, verbose_name=_("question set"), on_delete=models.PROTECT, related_name="rounds"
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.BOTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    preparation_deadline = models.DateField(_("preparation deadline"))
    talks_start = models.DateField(_("talks from"))
    talks_end = models.DateField(_("talks until"))
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("departments"),
        blank=True,
        related_name="+",
        help_text=_("Everyone in these departments and the departments under them."),
    )
    people = models.ManyToManyField(
        Person, verbose_name=_("chosen people"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # When those who have not shared their preparation are reminded by e-mail.
    reminder_days_before = models.CharField(
        _("reminders before the deadline"),
        max_length=100,
        blank=True,
        default="14,2",
        validators=[int_list_validator(message=_("Write whole numbers of days, e.g. “14, 2”."))],
        help_text=_("Days before the preparation deadline, separated by commas. Empty: none."),
    )
    overdue_reminder_after = models.PositiveSmallIntegerField(
        _("first reminder after the deadline"),
        null=True,
        blank=True,
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days after the deadline. Empty: no reminders once it has passed."),
    )
    overdue_reminder_every = models.PositiveSmallIntegerField(
        _("then every"),
        null=True,
        blank=True,
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days between reminders while overdue, until the talks end. Empty: once."),
    )

    # What an opened round's reviews rest on: the seal depends on the mode, and the
    # preparations answer the catalogue and questions (docs/threat-model.md).
    FIXED_ONCE_OPENED = ("mode", "catalogue", "question_set")

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-talks_start", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.check_fixed_once_opened(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def clean(self):
        if (
            self.preparation_deadline
            and self.talks_start
            and self.preparation_deadline > self.talks_start
        ):
            raise ValidationError(
                {
                    "preparation_deadline": _(
                        "The preparation deadline must come before the talks begin."
                    )
                }
            )
        if self.talks_start and self.talks_end and self.talks_start > self.talks_end:
            raise ValidationError({"talks_end": _("The talks cannot end before they begin.")})

    def check_fixed_once_opened(self, update_fields: Iterable[str] | None = None) -> None:
        """Refuse what an opened round no longer allows, compared with the stored row:
        its setup changed, or its status moved back (opening and closing go through
        reviews.services, which create the reviews and set the dates)."""
        saved = {"status", *self.FIXED_ONCE_OPENED}
        if update_fields is not None:
            saved &= {self._meta.get_field(name).name for name in update_fields}
            if not saved:
                return
        columns = {name: own_field(self, name).attname for name in saved | {"status"}}
        stored = Round.objects.filter(pk=self.pk).values(*columns.values()).first()
        if stored is None or stored["status"] == self.Status.DRAFT:
            return
        errors = {
            name: gettext("The round has been opened, so this can no longer be changed.")
            for name in saved - {"status"}
            if getattr(self, columns[name]) != stored[columns[name]]
        }
        if "status" in saved and self.status != stored["status"]:
            if stored["status"] == self.Status.CLOSED:
                errors["status"] = gettext("A closed round cannot be opened again.")
            elif self.status == self.Status.DRAFT:
                errors["status"] = gettext("An opened round cannot become a draft again.")
        if errors:
            raise ValidationError(errors)

    @property
    def preparing_parties(self) -> "set[Party]":
        """Who fills in a preparation, by the round's mode."""
        by_mode: dict[str, set[Party]] = {
            self.Mode.BOTH: {Party.EMPLOYEE, Party.MANAGER},
            self.Mode.EMPLOYEE_ONLY: {Party.EMPLOYEE},
            self.Mode.NONE: set(),
        }
        return by_mode[self.mode]

    def reminder_days(self) -> list[int]:
        days = {int(day) for day in self.reminder_days_before.split(",") if day}
        return sorted(days, reverse=True)

    def reminder_dates(self) -> list[datetime.date]:
        """Every day a reminder to prepare falls on, in order: before the deadline, then
        after it (repeating while the talks' window lasts)."""
        if not self.preparing_parties:
            return []
        deadline = self.preparation_deadline
        dates = [deadline - datetime.timedelta(days=days) for days in self.reminder_days()]
        if self.overdue_reminder_after:
            day = deadline + datetime.timedelta(days=self.overdue_reminder_after)
            while day <= self.talks_end:
                dates.append(day)
                if not self.overdue_reminder_every:
                    break
                day += datetime.timedelta(days=self.overdue_reminder_every)
        return sorted(set(dates))

    def reminder_due_on(self, today: datetime.date) -> datetime.date | None:
        """The day of the latest reminder that has come due by ``today``, if any: a
        reminder missed while nothing ran is sent late, but only the latest one."""
        due = [day for day in self.reminder_dates() if day <= today]
        return due[-1] if due else None

    def check_accepts_changes(self):
        if self.status == self.Status.CLOSED:
            raise RoundClosedError(_("The round is closed and accepts no changes."))

    def participants(self):
        """Everyone selected: the chosen people and all in the chosen departments' subtrees."""
        departments = Department.objects.subtree_ids(self.departments.values_list("pk", flat=True))
        return Person.objects.filter(
            models.Q(department__in=departments) | models.Q(pk__in=self.people.all())
        )


class State(models.TextChoices):
    INVITED = "invited", _("Not started")
    PREPARING = "preparing", _("Preparing")
    SHARED = "shared", _("Shared")
    TALK_STARTED = "talk_started", _("Talk started")
    TALK_HELD = "talk_held", _("Talk held")
    CONCLUDED = "concluded", _("Concluded")


# The whole cycle: from each state, where a review may go next.
TRANSITIONS: dict[str, set[str]] = {
    State.INVITED: {State.PREPARING, State.TALK_STARTED},
    State.PREPARING: {State.SHARED, State.TALK_STARTED},
    State.SHARED: {State.PREPARING, State.TALK_STARTED},  # back: sharing taken back
    State.TALK_STARTED: {State.TALK_HELD},
    State.TALK_HELD: {State.CONCLUDED, State.TALK_STARTED},
    State.CONCLUDED: {State.TALK_HELD},  # HR reopens, with a reason
}

# From the talk on, both preparations lie open between the two who hold it.
TALK_STATES = {State.TALK_STARTED, State.TALK_HELD, State.CONCLUDED}

# States in which preparation is not finished by the deadline.
NOT_PREPARED: list[str] = [State.INVITED, State.PREPARING]

# States in which the talk has taken place: what the MED committee counts as a MUS held,
# and from which the focus areas are agreed.
HELD: list[str] = [State.TALK_HELD, State.CONCLUDED]


# What each party does next, by state; a round where nobody fills in skips preparation.
NEXT_STEPS: dict[tuple[str, str], "StrPromise"] = {
    (State.INVITED, "employee"): _("Prepare: answer the questions and mark the wheel"),
    (State.INVITED, "manager"): _("Prepare for the talk"),
    (State.PREPARING, "employee"): _("Finish your preparation and share it"),
    (State.PREPARING, "manager"): _("Finish your preparation and share it"),
    (State.SHARED, "employee"): _("Wait for your manager to start the talk"),
    (State.SHARED, "manager"): _("Start the talk"),
    (State.TALK_STARTED, "employee"): _("The talk is under way"),
    (State.TALK_STARTED, "manager"): _("Record what you agreed"),
    (State.TALK_HELD, "employee"): _("Confirm that the talk took place"),
    (State.TALK_HELD, "manager"): _("Waiting for the employee’s confirmation"),
    (State.CONCLUDED, "employee"): _("Follow up on your goals"),
    (State.CONCLUDED, "manager"): _("Follow up on the goals"),
}
NO_PREPARATION_STEPS: dict[str, "StrPromise"] = {
    "employee": _("Your manager will invite you to the talk"),
    "manager": _("Agree a time and start the talk"),
}


class InvalidTransitionError(ValidationError):
    pass


class EditConflictError(ValidationError):
    """A save based on an outdated version: the text saved meanwhile is kept for the user."""

    def __init__(self, current_text: str, current_version: int) -> None:
        super().__init__(_("This text was changed in another window."), code="conflict")
        self.current_text, self.current_version = current_text, current_version
        self.mine = ""  # what the user sent, set by whoever shows the conflict


class VersionedText(models.Model):
    """Texts saved as one types: each save names the version of the text it was based on.

    Every text field ``x`` has a counter ``x_version``. A save based on an older version
    than the stored one (another tab saved in between) is refused with the stored text,
    so that nothing is ever overwritten unseen.
    """

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save_text(self, field: str, text: str, base_version: int) -> None:
        text = own_field(self, field).clean(text, self)  # length, control characters
        counter = f"{field}_version"
        updated = (
            type(self)
            ._default_manager.filter(pk=self.pk, **{counter: base_version})
            .update(**{field: text, counter: base_version + 1, "updated_at": timezone.now()})
        )
        if not updated:
            current = type(self)._default_manager.get(pk=self.pk)
            if getattr(current, field) != text:  # the same words from two tabs are no conflict
                raise EditConflictError(getattr(current, field), getattr(current, counter))
            base_version = getattr(current, counter) - 1
        setattr(self, field, text)
        setattr(self, counter, base_version + 1)

    def save_texts(
        self, texts: dict[str, tuple[str, int]]
    ) -> tuple[list[str], dict[str, EditConflictError]]:
        """Texts posted together, each on the version its writer saw: the fields saved,
        and the conflicts by field, each holding the words it refused. A text posted
        unchanged with the others gets no new version; the others are saved whatever
        happens to one, so nothing typed is dropped."""
        saved: list[str] = []
        conflicts: dict[str, EditConflictError] = {}
        for field, (text, version) in texts.items():
            if getattr(self, field) == text:
                continue
            try:
                self.save_text(field, text, version)
            except EditConflictError as conflict:
                conflict.mine = text
                conflicts[field] = conflict
            else:
                saved.append(field)
        return saved, conflicts


class Review(VersionedText):
    """One employee's MUS in one round, with the manager responsible for it."""

    State = State

    # URLs name reviews by this random id, so one review's address says nothing of another's.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="reviews"
    )
    employee = models.ForeignKey(
        Person, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="reviews"
    )
    manager = models.ForeignKey(
        Person,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="managed_reviews",
    )
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.INVITED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    state_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # The talk: notes both may write, and the manager's summary of what was agreed.
    talk_notes = WrittenText(_("talk notes"), blank=True, max_length=20000)
    talk_notes_version = models.PositiveIntegerField(default=0)
    summary = WrittenText(_("summary"), blank=True, max_length=20000)
    summary_version = models.PositiveIntegerField(default=0)
    # The employee confirms that the talk took place, which is not agreeing to everything.
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    disagreement = WrittenText(_("disagreement"), blank=True, max_length=4000)
    # The talk in the calendar: the manager sets it, both get an invitation. A cancelled
    # time is kept, so that the cancellation names the meeting it cancels.
    talk_at = models.DateTimeField(_("time of the talk"), null=True, blank=True)
    talk_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=60)
    talk_place = WrittenLine(_("place"), max_length=200, blank=True)
    # The place as the manager types it, saved as they type (version 0: never typed, the
    # invitation's place stands). The invitation carries ``talk_place``, changed and sent
    # only when they send it: a calendar update per keystroke would flood both calendars.
    talk_place_draft = WrittenLine(
        _("place as typed"), max_length=200, blank=True, default="", db_default=""
    )
    talk_place_draft_version = models.PositiveIntegerField(default=0, db_default=0)
    talk_cancelled = models.BooleanField(_("talk cancelled"), default=False)
    # RFC 5545's SEQUENCE: raised by every change, so calendars replace the older version.
    talk_sequence = models.PositiveIntegerField(default=0)
    # Who led the talk: its writing is between the employee and them; a manager given the
    # review later follows up on what was agreed only (reviews.access).
    talk_manager = models.ForeignKey(
        Person,
        verbose_name=_("manager in the talk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-round__talks_start", "employee__user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "employee"], name="one_review_per_round"),
            # A talk under way or held always says whose it is: access depends on it.
            models.CheckConstraint(
                condition=~models.Q(state__in=sorted(TALK_STATES))
                | models.Q(talk_manager__isnull=False),
                name="a_talk_has_its_manager",
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "state"]),
            models.Index(fields=["round", "state"]),
        ]

    def __str__(self):
        return f"{self.round} · {self.employee}"

    def save(self, *args, **kwargs):
        if self.in_talk and self.talk_manager_id is None:
            # Saved in a talk's state directly (data built by hand, e.g. a demo's): the
            # talk was led by the manager it has. The cycle's moves record it themselves.
            self.talk_manager_id = self.manager_id
        super().save(*args, **kwargs)

    @property
    def in_talk(self) -> bool:
        return self.state in TALK_STATES

    @property
    def talk_handed_over(self) -> bool:
        """The review moved to another manager after its talk began: the talk is over for
        changes (the one who held it has left it), what was agreed is followed up."""
        return self.in_talk and self.talk_manager_id != self.manager_id

    @property
    def manager_of_record_id(self) -> int:
        """The manager whose preparation and reflections belong to this review: the one who
        led the talk once it has begun, else the one who leads it now."""
        # A talk always has its manager (the constraint a_talk_has_its_manager).
        if self.in_talk and self.talk_manager_id is not None:
            return self.talk_manager_id
        return self.manager_id

    def lock(self) -> None:
        """Re-read the state, the manager and whether the round is open, holding the
        review's row lock until the transaction ends.

        Writes whose permission depends on the state call this first, so that two of
        them on one review run one after the other instead of deciding on the same old
        state. Readers are not blocked (and SQLite runs one write at a time anyway).
        """
        self.state, self.manager_id, self.talk_manager_id, self.round.status = (
            Review.objects.select_for_update(of=("self",))
            .values_list("state", "manager_id", "talk_manager_id", "round__status")
            .get(pk=self.pk)
        )

    def move_to(
        self, state: str, actor: User | None = None, note: str = "", role: str = ""
    ) -> None:
        """Move along the cycle, or refuse with a message and change nothing.

        The update is conditional on the state this object was read in, so two
        requests racing for the same move cannot both make it. The move goes into the
        review's trail with who made it, in which role, and any reason given.
        """
        if state not in TRANSITIONS[self.state]:
            raise InvalidTransitionError(
                _("A review that is “%(current)s” cannot become “%(target)s”."),
                params={"current": self.get_state_display(), "target": State(state).label},
                code="invalid_transition",
            )
        now = timezone.now()
        # Starting the talk makes it the talk of the manager the review has at that moment:
        # set with the state, in one statement, so no talk is ever without its manager.
        starts = state == State.TALK_STARTED and self.state not in TALK_STATES
        led = {"talk_manager": models.F("manager")} if starts else {}
        moved = Review.objects.filter(pk=self.pk, state=self.state).update(
            state=state, state_changed_at=now, **led
        )
        if not moved:
            raise InvalidTransitionError(
                _("Someone else changed this review just now. Reload the page and try again."),
                code="stale",
            )
        ReviewEvent.objects.create(
            review=self,
            actor=actor,
            role=role,
            kind=ReviewEvent.Kind.STATE,
            old=self.state,
            new=state,
            note=note,
        )
        self.state, self.state_changed_at = state, now
        if starts:
            self.talk_manager_id = self.manager_id

    @property
    def state_label(self) -> str:
        # get_state_display() builds the field's choices anew on each call; a manager's
        # list shows a state per employee.
        return str(State(self.state).label)

    def next_step(self, party: str) -> str:
        if self.round.mode == Round.Mode.NONE and self.state == State.INVITED:
            return str(NO_PREPARATION_STEPS[party])
        preparing = self.round.preparing_parties
        if self.state in (State.INVITED, State.PREPARING) and party in preparing:
            # Whether each has shared is the step itself: waiting, or the other waits.
            other = Party.MANAGER if party == Party.EMPLOYEE else Party.EMPLOYEE
            shared = self.shared_by()
            other_name = (self.manager if party == Party.EMPLOYEE else self.employee).first_name
            if party in shared and other in preparing and other not in shared:
                return gettext("You have shared – waiting for %(name)s") % {"name": other_name}
            if party not in shared and other in shared:
                return gettext("%(name)s has shared – finish your preparation and share it") % {
                    "name": other_name
                }
        return str(NEXT_STEPS[(self.state, party)])

    def shared_by(self) -> set[str]:
        """The parties whose preparation of record is shared: from the annotations
        ``employee_shared`` and ``manager_shared`` (reviews.progress), else read."""
        if hasattr(self, "employee_shared"):
            flags = {
                Party.EMPLOYEE: self.employee_shared,
                Party.MANAGER: getattr(self, "manager_shared", False),
            }
            return {party for party, shared in flags.items() if shared}
        authors = set(
            Preparation.objects.of_record(self)
            .filter(shared_at__isnull=False)
            .values_list("author_id", flat=True)
        )
        return {
            party
            for party, author in (
                (Party.EMPLOYEE, self.employee_id),
                (Party.MANAGER, self.manager_of_record_id),
            )
            if author in authors
        }

    @property
    def is_concluded(self) -> bool:
        return self.state == State.CONCLUDED

    @property
    def has_talk_time(self) -> bool:
        return self.talk_at is not None and not self.talk_cancelled

    @property
    def typed_place(self) -> str:
        """The place as the manager last typed it, sent or not."""
        return self.talk_place_draft if self.talk_place_draft_version else self.talk_place

    @property
    def place_unsent(self) -> bool:
        """A place typed since the invitation went out, which it does not carry yet."""
        return self.has_talk_time and self.typed_place != self.talk_place

    @property
    def talk_ends_at(self) -> datetime.datetime | None:
        if self.talk_at is None:
            return None
        return self.talk_at + datetime.timedelta(minutes=self.talk_minutes)

    def talk_time_display(self) -> str:
        """E.g. "Tuesday 16 February 2027, 10:00 to 11:00", in local time and language."""
        start = timezone.localtime(self.talk_at)
        return gettext("%(day)s, %(start)s–%(end)s") % {
            # The weekday, then the date as the language writes it (no format name has both).
            "day": f"{formats.date_format(start, 'l')} {formats.date_format(start)}",
            "start": formats.time_format(start, "TIME_FORMAT"),
            "end": formats.time_format(timezone.localtime(self.talk_ends_at), "TIME_FORMAT"),
        }


class Party(models.TextChoices):
    EMPLOYEE = "employee", _("employee")
    MANAGER = "manager", _("manager")


class LockedError(ValidationError):
    pass


class AuthoredQuerySet(models.QuerySet):
    def of_record(self, review: Review) -> Self:
        """The writing that belongs to the review now: the employee's, and that of its
        manager of record (``Review.manager_of_record_id``). A former manager's stays in
        the database as theirs alone; it is not among these."""
        return self.filter(
            review=review, author_id__in=[review.employee_id, review.manager_of_record_id]
        )

    def of_former_managers(self) -> Self:
        """Writing whose author is neither the employee nor the review's manager of record:
        a former manager's, kept for them alone after the review moved
        (reviews.services.Handover)."""
        in_talk = models.Q(review__state__in=TALK_STATES)
        return self.exclude(author=models.F("review__employee")).filter(
            (in_talk & ~models.Q(author=models.F("review__talk_manager")))
            | (~in_talk & ~models.Q(author=models.F("review__manager")))
        )


class Authored(models.Model):
    """Writing that belongs to the person who wrote it, whoever holds the party's place later.

    ``party`` is the place they wrote it in. Access is decided by the author and by who
    is a party now (reviews.access), never by the place alone: a manager who takes a
    review over starts writing of their own and never receives their predecessor's.
    """

    author = models.ForeignKey(
        Person, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    party = models.CharField(max_length=10, choices=Party.choices)

    objects = AuthoredQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.author_id is None and self.review_id:
            self.author_id = self.holder_id(self.review, self.party)
        super().save(*args, **kwargs)

    @staticmethod
    def holder_id(review: "Review", party: str) -> int:
        """Who holds the party's place in the review now: who is writing, on a first write."""
        return review.employee_id if party == Party.EMPLOYEE else review.manager_id


class Preparation(Authored):
    """What one person prepares for one review: theirs alone until they share it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="preparations")
    shared_at = models.DateTimeField(null=True, blank=True)
    # When the other party first saw it after sharing: from then on sharing is final.
    seen_at = models.DateTimeField(null=True, blank=True)
    # When its author first saw the other party's: from then on their own sharing is final
    # too, or one could read the other's, take one's own back and copy it.
    saw_other_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "author"], name="one_preparation_per_author")
        ]

    def __str__(self):
        return f"{self.review} · {self.get_party_display()}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class Answer(VersionedText):
    preparation = models.ForeignKey(Preparation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "competencies.Question", on_delete=models.PROTECT, related_name="+"
    )
    text = WrittenText(_("answer"), blank=True, max_length=10000)
    text_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["preparation", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"{self.preparation} · {self.question_id}"


class Mark(VersionedText):
    """One tooth of a party's wheel: a catalogue competence, or one of their own in a slot."""

    preparation = models.ForeignKey(Preparation, on_delete=models.CASCADE, related_name="marks")
    competence = models.ForeignKey(
        "competencies.Competence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    name = WrittenLine(_("own competence"), max_length=100, blank=True)
    name_version = models.PositiveIntegerField(default=0)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    note = WrittenText(_("note"), blank=True, max_length=2000)
    note_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(competence__isnull=False, slot__isnull=True)
                    | models.Q(competence__isnull=True, slot__isnull=False)
                ),
                name="mark_is_competence_or_slot",
            ),
            models.UniqueConstraint(
                fields=["preparation", "competence"], name="one_mark_per_competence"
            ),
            models.UniqueConstraint(fields=["preparation", "slot"], name="one_mark_per_slot"),
        ]

    def __str__(self):
        return f"{self.preparation} · {self.key}"

    @property
    def key(self) -> str:
        return f"c{self.competence_id}" if self.competence_id else f"s{self.slot}"

    @property
    def level_label(self) -> str:
        # get_level_display() builds the field's choices anew on each call, and the talk,
        # the preparation and the PDF ask for a label per competence: ten times faster.
        return str(Level(self.level).label) if self.level else ""


class FocusArea(models.Model):
    """A competence agreed in the talk as a focus area for the coming year."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="focus_areas")
    competence = models.ForeignKey(
        "competencies.Competence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = WrittenLine(
        _("own competence"),
        max_length=100,
        blank=True,
        help_text=_("For a competence of one's own."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(competence__isnull=False) | ~models.Q(name=""),
                name="focus_area_names_a_competence",
            )
        ]

    def __str__(self):
        return self.competence.name if self.competence is not None else self.name


class Goal(VersionedText):
    """A development goal: what, with which actions, who does what, by when.

    It is agreed only when both have accepted its current wording: each change raises
    ``wording``, and an acceptance records the wording it accepted. Its texts save as one
    types, each on the version it was based on (VersionedText).

    A change asks the other party again only if the goal no longer reads as they accepted
    it: ``accepted_digest_by_…`` fingerprints the wording their acceptance was of, so that
    typing and then undoing a change leaves their acceptance standing.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Done")

    # The columns that came with saving as one types have database defaults too: the bench
    # (bench/seed_scale.py) writes goals as plain INSERTs of the older columns alone.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="goals")
    title = WrittenLine(_("goal"), max_length=300)
    title_version = models.PositiveIntegerField(default=0, db_default=0)
    actions = WrittenText(_("actions"), blank=True, max_length=4000)
    actions_version = models.PositiveIntegerField(default=0, db_default=0)
    responsible = WrittenText(_("who does what"), blank=True, max_length=2000)
    responsible_version = models.PositiveIntegerField(default=0, db_default=0)
    due = models.DateField(_("by when"), null=True, blank=True)
    due_version = models.PositiveIntegerField(default=0, db_default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    wording = models.PositiveIntegerField(default=1)
    accepted_by_employee = models.PositiveIntegerField(default=0)
    accepted_by_manager = models.PositiveIntegerField(default=0)
    # The fingerprint (content_digest) of the wording each last accepted, kept from the
    # change that moved the goal away from it; a hash, so no copy of the text to remove.
    accepted_digest_by_employee = models.CharField(
        max_length=64, blank=True, editable=False, default="", db_default=""
    )
    accepted_digest_by_manager = models.CharField(
        max_length=64, blank=True, editable=False, default="", db_default=""
    )
    position = models.PositiveSmallIntegerField(default=0)

    TEXTS = ["title", "actions", "responsible", "due"]

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_agreed(self) -> bool:
        return self.accepted_by_employee == self.accepted_by_manager == self.wording

    def awaiting(self) -> list[Party]:
        """The parties whose acceptance of the current wording is still missing."""
        return [p for p in Party if getattr(self, f"accepted_by_{p}") != self.wording]

    def accepted_earlier(self, party: str) -> bool:
        """The party accepted an earlier wording of the goal, changed since."""
        accepted: int = getattr(self, f"accepted_by_{party}")
        return 0 < accepted != self.wording

    def content_digest(self) -> str:
        """A fingerprint of the goal's wording: what an acceptance is of."""
        due = self.due.isoformat() if self.due else None
        content = [self.title, self.actions, self.responsible, due]
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()


class Reflection(VersionedText, Authored):
    """Refleksioner efter MUS: one person's points to hold on to, private unless shared."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reflections")
    # "Pointer til fastholdelse", by the booklet's six aspects, then the longer view.
    role = WrittenText(_("role/function"), blank=True, max_length=4000)
    role_version = models.PositiveIntegerField(default=0)
    behaviour = WrittenText(_("behaviour"), blank=True, max_length=4000)
    behaviour_version = models.PositiveIntegerField(default=0)
    competences = WrittenText(_("competences"), blank=True, max_length=4000)
    competences_version = models.PositiveIntegerField(default=0)
    development = WrittenText(_("competence development"), blank=True, max_length=4000)
    development_version = models.PositiveIntegerField(default=0)
    activities = WrittenText(_("concrete activities"), blank=True, max_length=4000)
    activities_version = models.PositiveIntegerField(default=0)
    other = WrittenText(_("other"), blank=True, max_length=4000)
    other_version = models.PositiveIntegerField(default=0)
    longer_term = WrittenText(_("longer-term considerations"), blank=True, max_length=4000)
    longer_term_version = models.PositiveIntegerField(default=0)
    shared_at = models.DateTimeField(null=True, blank=True)

    POINTS = ["role", "behaviour", "competences", "development", "activities", "other"]
    FIELDS = [*POINTS, "longer_term"]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "author"], name="one_reflection_per_author")
        ]

    def __str__(self):
        return f"{self.review} · {self.get_party_display()}"
