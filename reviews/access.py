"""Who may see and do what with a review or a round: the one place that answers it.

Every view, htmx fragment and download of a review asks this module. It follows
PRODUCT.md's table "Who sees what", where "the two" are the employee and the manager
of record (the one who leads the review now; from the talk on, the one who led it):

    what                                  employee  manager  new manager¹  others  HR
    own preparation before sharing        author    author   author        never   never
    shared preparation, ratings, notes    yes       yes      no            never   never
    shared reflections                    yes       yes      no            never   never
    agreed focus areas and goals, status  yes       yes      yes           never   yes
    review status and dates               yes       yes      yes           never   yes
    talk notes                            yes       yes      no            never   never
    summary, the disagreement note        yes       yes      no            never   yes (record)
    own reflections after the talk        author (the other of the two if shared)  never

    ¹ a manager given the review after its talk began: they follow up on what was agreed.

What a person writes belongs to them (``Preparation.author``, ``Reflection.author``): a
manager who takes a review over starts writing of their own and never receives their
predecessor's; the predecessor's stays theirs alone (reviews.services.move_to_manager).

HR's powers have edges: a review is never moved to the one moving it nor to anyone who
holds the HR right, HR does not handle a review of their own, and reopening needs an
open round. A closed round accepts nothing more but the goals' status and one's own
reflections.

How refusals answer, everywhere: an object one may not see is a 404, so that its
existence is not confirmed; a page only HR uses is a 403; an action one may not take
on an object one can see is refused with a message that says why (a 403 page, or the
page one came from with the message on it). Each refused attempt on a review goes into
its trail (trail.recording.refused), with the person's real name and role.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from organisation.models import Person, User
from organisation.roles import is_hr
from reviews.models import (
    TALK_STATES,
    TRANSITIONS,
    Goal,
    Party,
    Preparation,
    Reflection,
    Review,
    Round,
    State,
)
from trail.models import Role

__all__ = ["TALK_STATES"]

# The talk is under way: what the two agree and write can still change.
TALKING = {State.TALK_STARTED, State.TALK_HELD}


def preparing_parties(review: Review) -> set[Party]:
    """Who fills in a preparation, by the round's mode."""
    return review.round.preparing_parties


def person_of(user: User | AnonymousUser) -> Person | None:
    """The person a login belongs to: None for one that is no one's (an administrator's)."""
    if not user.is_authenticated:
        return None
    # The reverse one-to-one is cached on the user after the first access.
    person: Person | None = getattr(user, "person", None)
    return person


def preparations_of_record(review: Review) -> dict[str, Preparation]:
    """The two preparations that belong to the review now, by the place of their author."""
    return {
        Party.EMPLOYEE if p.author_id == review.employee_id else Party.MANAGER: p
        for p in Preparation.objects.of_record(review)
    }


@dataclass(frozen=True)
class ReviewAccess:
    review: Review
    person: Person | None
    preparations: dict[str, Preparation] = field(default_factory=dict)
    user: User | None = None  # who is acting, for the review's history
    as_hr: bool | None = None  # None: decided from the user, when first asked
    locked: bool = False  # read under the review's row lock, in the writing transaction

    @cached_property
    def hr(self) -> bool:
        # Asked only where being a party does not settle it already: a query saved there.
        if self.as_hr is not None:
            return self.as_hr
        return self.user is not None and is_hr(self.user)

    @property
    def party(self) -> Party | None:
        """The person's place in the review as it is now: read from the review each time,
        so that a review moved meanwhile (read again under its lock) decides anew."""
        if self.person is None:
            return None
        if self.review.employee_id == self.person.pk:
            return Party.EMPLOYEE
        if self.review.manager_id == self.person.pk:
            return Party.MANAGER
        return None

    @property
    def role(self) -> str:
        """In which role the person acts on this review, as its trail names it."""
        if self.party:
            return self.party
        if self.user is not None and self.user.is_superuser:
            return Role.ADMIN
        return Role.HR if self.hr else Role.OUTSIDER

    def lock(self) -> None:
        """Re-read the review's state, its manager and the preparations under its row lock.

        Every write whose permission depends on them calls this first, inside its
        transaction: two such writes to one review then run one after the other, and the
        second decides on what the first left (two tabs' first marks, sharing while the
        manager starts the talk, both sharing at once, a move to another manager). An
        access read under the lock already, in this transaction (``review_to_prepare``),
        has nothing to re-read.
        """
        if self.locked and transaction.get_connection().in_atomic_block:
            return
        self.review.lock()
        self.preparations.clear()
        if self.is_one_of_the_two:
            self.preparations.update(preparations_of_record(self.review))

    @property
    def other_party(self) -> Party | None:
        if self.party is None:
            return None
        return Party.MANAGER if self.party == Party.EMPLOYEE else Party.EMPLOYEE

    @property
    def other_person(self) -> Person | None:
        """The other of the two: for the employee, the manager of record (who held the
        talk, once it has begun); for the manager, the employee."""
        if self.party == Party.EMPLOYEE:
            review = self.review
            return review.talk_manager if review.talk_handed_over else review.manager
        return self.review.employee if self.party else None

    @property
    def is_party(self) -> bool:
        return self.party is not None

    @property
    def is_employee(self) -> bool:
        """For the words a page speaks to each: the employee's, or the manager's."""
        return self.party == Party.EMPLOYEE

    @property
    def follows_up_only(self) -> bool:
        """A manager given the review after its talk began: the talk was not theirs."""
        return self.party == Party.MANAGER and self.review.talk_handed_over

    @property
    def is_one_of_the_two(self) -> bool:
        """The employee, or the manager of record: the two whose writing the review holds."""
        return self.is_party and not self.follows_up_only

    @property
    def round_is_open(self) -> bool:
        return self.review.round.status == Round.Status.OPEN

    @property
    def own_preparation(self) -> Preparation | None:
        party = self.party
        return self.preparations.get(party) if party and self.is_one_of_the_two else None

    @property
    def prepares(self) -> bool:
        """Whether this party fills in a preparation in this round at all."""
        return self.party in preparing_parties(self.review)

    @property
    def can_prepare(self) -> bool:
        """Edit one's own preparation: until one shares it or the talk begins."""
        own = self.own_preparation
        return (
            self.is_one_of_the_two
            and self.prepares
            and self.round_is_open
            and not self.review.in_talk
            and not (own and own.is_shared)
        )

    def can_see_preparation(self, party: str) -> bool:
        """Sealed until both have shared: no one is anchored by the other's marks.

        One's own is always one's own. The other party's is seen once it is shared
        and the viewer has shared too (or does not prepare in this round's mode),
        or once the talk has begun. HR, a manager who came after the talk and everyone
        else never see it.
        """
        if not self.is_one_of_the_two:
            return False
        if party == self.party:
            return True
        theirs = self.preparations.get(party)
        if theirs is None or not theirs.is_shared:
            return False
        own = self.own_preparation
        return self.review.in_talk or not self.prepares or (own is not None and own.is_shared)

    @property
    def can_take_back(self) -> bool:
        """Sharing can be undone only while neither has seen the other's preparation."""
        own = self.own_preparation
        return (
            own is not None
            and own.is_shared
            and own.seen_at is None
            and own.saw_other_at is None
            and self.round_is_open
            and not self.review.in_talk
        )

    def take_back_refusal(self) -> str:
        own = self.own_preparation
        if own is not None and own.saw_other_at is not None:
            return _(
                "You have seen the other party’s preparation, so sharing yours can no longer "
                "be taken back."
            )
        return _("Your preparation has been seen, so sharing it can no longer be taken back.")

    @property
    def can_see_agreement(self) -> bool:
        """Agreed focus areas and development goals, with their status."""
        return self.is_party or self.hr

    @property
    def can_see_talk_notes(self) -> bool:
        return self.is_one_of_the_two

    @property
    def can_start_talk(self) -> bool:
        return (
            self.party == Party.MANAGER
            and self.round_is_open
            and State.TALK_STARTED in TRANSITIONS[self.review.state]
            and not self.review.in_talk
        )

    @property
    def can_see_comparison(self) -> bool:
        """Both wheels and the marks side by side: the two, once the talk has begun."""
        return self.is_one_of_the_two and self.review.in_talk

    @property
    def can_see_previous_agreements(self) -> bool:
        """The employee's earlier agreed focus areas and goals, to follow up on: both parties
        of this review, so a new manager sees them too."""
        return self.is_party

    @property
    def can_see_summary(self) -> bool:
        """The manager's summary goes to the record (the personnel file): the two and HR."""
        return self.is_one_of_the_two or self.hr

    @property
    def can_see_confirmation(self) -> bool:
        """That the talk took place, and any disagreement the employee recorded with it:
        part of the record, so the two and HR."""
        return self.is_one_of_the_two or self.hr

    def can_see_reflection(self, reflection: Reflection) -> bool:
        """Refleksioner efter MUS: one's own, and the other's of the two once shared."""
        person = self.person
        return (
            person is not None
            and self.is_one_of_the_two
            and reflection.author_id in (self.review.employee_id, self.review.manager_of_record_id)
            and (reflection.author_id == person.pk or reflection.shared_at is not None)
        )

    @property
    def can_reflect(self) -> bool:
        """Write and share one's own reflections: the two, from the talk on and through the
        year, also once the review is concluded and its round closed. Concluding freezes
        the shared record (the talk, the agreement), not one's private notes."""
        return self.is_one_of_the_two and self.review.in_talk

    def can_edit_reflection(self, reflection: Reflection | None) -> bool:
        """One's own reflection, until it is shared (``reflection`` None: not begun yet)."""
        return self.can_reflect and (reflection is None or reflection.shared_at is None)

    @property
    def can_talk(self) -> bool:
        """Agree on focus areas and goals, write notes: the two, from the start of the talk
        until the employee confirms it, in an open round; then it is read-only for all. A
        talk handed over to another manager has lost one of its two: it changes no more."""
        return (
            self.is_one_of_the_two
            and self.round_is_open
            and self.review.state in TALKING
            and not self.review.talk_handed_over
        )

    # Who writes each of the talk's texts: the summary is the manager's, the notes both's.
    TALK_WRITERS = {"summary": {Party.MANAGER}, "talk_notes": {Party.EMPLOYEE, Party.MANAGER}}

    def writes(self, text: str) -> bool:
        """Whether this text of the talk is this party's to write at all (now or not)."""
        return self.party in self.TALK_WRITERS.get(text, ())

    def write_refusal(self, text: str) -> str:
        if text == "summary":
            return _("Only the manager writes the summary.")
        return _("There is no such text in the talk.")

    def can_write(self, text: str) -> bool:
        """Write a text of the talk now: theirs to write, while the talk may change."""
        return self.can_talk and self.writes(text)

    @property
    def can_write_summary(self) -> bool:
        return self.can_write("summary")

    @property
    def can_end_talk(self) -> bool:
        """Record that the talk was held: its manager now, also one who took it over."""
        return (
            self.party == Party.MANAGER
            and self.round_is_open
            and self.review.state == State.TALK_STARTED
        )

    @property
    def can_confirm(self) -> bool:
        return (
            self.party == Party.EMPLOYEE
            and self.round_is_open
            and self.review.state == State.TALK_HELD
        )

    def can_accept(self, goal: Goal) -> bool:
        """Accept a goal's current wording: either of the two in the talk, once."""
        return self.can_talk and getattr(goal, f"accepted_by_{self.party}") != goal.wording

    def can_set_status(self, goal: Goal) -> bool:
        """A goal's status through the year: once both have agreed it."""
        return self.can_follow_up and goal.is_agreed

    @property
    def can_see_record(self) -> bool:
        """The concluded review as a record (the PDF): its parties and HR, each their part."""
        return self.is_party or self.hr

    @property
    def can_follow_up(self) -> bool:
        """Goal status through the year: both parties, also after the review is concluded
        and its round closed."""
        return self.is_party and self.review.in_talk

    def reassign_refusal(self) -> str | None:
        """Why HR may not give this review to another manager, or None if it may."""
        if not self.hr:
            return _("Only HR gives a review to another manager.")
        if self.is_party:
            return _("This is your own MUS: someone else in HR must handle it.")
        if not self.round_is_open:
            return _("The round is closed, so its reviews cannot change manager.")
        if self.review.is_concluded:
            return _("A concluded review keeps its manager.")
        return None

    def handover_refusal(self, candidate: Person) -> str | None:
        """Why this review may not go to ``candidate`` as its manager, or None if it may.

        Never to the one moving it, nor to anyone who holds the HR right: HR would read
        what only the two may read.
        """
        if self.person is not None and candidate.pk == self.person.pk:
            return _("You cannot give a review to yourself.")
        if is_hr(candidate.user):
            return _("%(name)s has HR access, and a review is never given to HR.") % {
                "name": candidate.name
            }
        return None

    def reopen_refusal(self) -> str | None:
        """Why HR may not reopen this review, or None if it may."""
        if not self.hr:
            return _("Only HR reopens a review.")
        if self.is_party:
            return _("This is your own MUS: someone else in HR must handle it.")
        if not self.round_is_open:
            return _("The round is closed, so its reviews cannot be reopened.")
        if not self.review.is_concluded:
            return _("Only a concluded review can be reopened.")
        return None

    @property
    def can_schedule_talk(self) -> bool:
        """Set, change or cancel the talk's time and place (each sends both a calendar
        invitation): the manager, until the talk begins, while the round is not closed."""
        return (
            self.party == Party.MANAGER
            and not self.review.in_talk
            and self.review.round.status != Round.Status.CLOSED
        )

    @property
    def can_see_trail(self) -> bool:
        """Who has opened my MUS: the employee's to know, about their own review."""
        return self.party == Party.EMPLOYEE

    def talk_refusal(self) -> str:
        """Why the talk's pages are not for this party: a manager who came after it began."""
        return _(
            "You took over this review after its talk began. You follow up on the agreed "
            "focus areas and goals; the talk, the preparations and the reflections stay "
            "between %(employee)s and the manager who held it."
        ) % {"employee": self.review.employee.name}

    def readers(self, text: str, shared: bool = False) -> str:
        """Who will read what is typed in a text box, said next to it.

        ``text``: "preparation", "reflection", "talk_notes", "goal", "summary",
        "disagreement" or "talk_place"; ``shared``: a reflection already shared. Names the
        other of the two.
        """
        other_person = self.other_person
        if other_person is None:  # only the two write texts that someone reads
            raise ValueError("Only the employee and the manager are told who reads them.")
        other = other_person.name
        own = self.own_preparation
        if text == "preparation" and (self.review.in_talk or (own and own.is_shared)):
            text = "talk_notes"  # shared: the two of them read it
        if text == "reflection" and shared:
            text = "talk_notes"
        if self.review.talk_handed_over and text in ("summary", "disagreement"):
            # The manager who held the talk has left the review; their successor does not
            # read the record of a talk that was not theirs.
            return _("You and HR (the personnel file).")
        return {
            "preparation": _("Only you, until you share it; then you and %(other)s."),
            "reflection": _("Only you, unless you share it with %(other)s."),
            "talk_notes": _("You and %(other)s."),
            "goal": _("You and %(other)s; once you have both accepted it, HR too."),
            "summary": _("You, %(other)s and HR (the personnel file)."),
            "disagreement": _("You, %(other)s and HR (the personnel file)."),
            "talk_place": _("You, %(other)s and HR."),
        }[text] % {"other": other}


def access_to(user: User, review: Review, locked: bool = False) -> ReviewAccess:
    access = ReviewAccess(review=review, person=person_of(user), user=user, locked=locked)
    if access.is_one_of_the_two:
        access.preparations.update(preparations_of_record(review))
    return access
