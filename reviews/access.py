"""Who may see and do what with a review or a round: the one place that answers it.

Every view, htmx fragment and download of a review asks this module. It follows
PRODUCT.md's table "Who sees what":

    what                                    employee  manager   anyone else   HR
    own preparation before sharing          author    author    never         never
    shared preparation, ratings, notes      yes       yes       never         never
    agreed focus areas and goals, status    yes       yes       never         yes
    review status and dates                 yes       yes       never         yes
    talk notes                              yes       yes       never         never

The manager is the one recorded on the review: when HR moves a review to another
manager, access moves with it.

How refusals answer, everywhere: an object one may not see is a 404, so that its
existence is not confirmed; a page only HR uses is a 403; an action one may not take
on an object one can see is refused with a message that says why (a 403 page, or the
page one came from with the message on it).
"""

from dataclasses import dataclass, field
from functools import cached_property, wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from mus.models import Person, User
from reviews import trail
from reviews.models import TRANSITIONS, Party, Preparation, Review, Round, State

# From the talk on, both preparations lie open between the two.
TALK_STATES = {State.TALK_STARTED, State.TALK_HELD, State.CONCLUDED}


def preparing_parties(review: Review) -> set[str]:
    """Who fills in a preparation, by the round's mode."""
    return review.round.preparing_parties


def person_of(user: User) -> Person | None:
    # The reverse one-to-one is cached on the user after the first access.
    return getattr(user, "person", None) if user.is_authenticated else None


HR_RIGHT = ("reviews", "change_round")  # app label, codename


def is_hr(user: User) -> bool:
    """HR runs the rounds: the HR group, or a superuser, holds the right to change rounds."""
    if not user.is_authenticated:
        return False
    if hasattr(user, "holds_hr_right"):  # read with the user by mus.auth.Backend
        return user.is_active and (user.is_superuser or user.holds_hr_right)
    return user.has_perm(".".join(HR_RIGHT))


@dataclass(frozen=True)
class ReviewAccess:
    review: Review
    party: Party | None
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

    def lock(self) -> None:
        """Re-read the review's state and the preparations under the review's row lock.

        Every write whose permission depends on them calls this first, inside its
        transaction: two such writes to one review then run one after the other, and the
        second decides on what the first left (two tabs' first marks, sharing while the
        manager starts the talk, both sharing at once). An access read under the lock
        already, in this transaction (``review_to_prepare``), has nothing to re-read.
        """
        if self.locked and transaction.get_connection().in_atomic_block:
            return
        self.review.lock()
        if self.party:
            self.preparations.clear()
            self.preparations.update(
                {p.party: p for p in Preparation.objects.filter(review=self.review)}
            )

    @property
    def other_party(self) -> Party | None:
        if self.party is None:
            return None
        return Party.MANAGER if self.party == Party.EMPLOYEE else Party.EMPLOYEE

    @property
    def own_preparation(self) -> Preparation | None:
        return self.preparations.get(self.party)

    @property
    def prepares(self) -> bool:
        """Whether this party fills in a preparation in this round at all."""
        return self.party in preparing_parties(self.review)

    @property
    def can_prepare(self) -> bool:
        """Edit one's own preparation: until one shares it or the talk begins."""
        own = self.own_preparation
        return (
            self.prepares and self.review.state not in TALK_STATES and not (own and own.is_shared)
        )

    def can_see_preparation(self, party: str) -> bool:
        """Sealed until both have shared: no one is anchored by the other's marks.

        One's own is always one's own. The other party's is seen once it is shared
        and the viewer has shared too (or does not prepare in this round's mode),
        or once the talk has begun. HR and everyone else never see it.
        """
        if not self.is_party:
            return False
        if party == self.party:
            return True
        theirs = self.preparations.get(party)
        if theirs is None or not theirs.is_shared:
            return False
        own = self.own_preparation
        return (
            self.review.state in TALK_STATES
            or not self.prepares
            or (own is not None and own.is_shared)
        )

    @property
    def can_take_back(self) -> bool:
        """Sharing can be undone only while the other party has not seen it."""
        own = self.own_preparation
        return (
            own is not None
            and own.is_shared
            and own.seen_at is None
            and self.review.state not in TALK_STATES
        )

    @property
    def is_party(self) -> bool:
        return self.party is not None

    @property
    def can_see_status(self) -> bool:
        return self.is_party or self.hr

    @property
    def can_see_agreement(self) -> bool:
        """Agreed focus areas and development goals, with their status."""
        return self.is_party or self.hr

    @property
    def can_see_talk_notes(self) -> bool:
        return self.is_party

    @property
    def can_start_talk(self) -> bool:
        return self.party == Party.MANAGER and State.TALK_STARTED in TRANSITIONS[self.review.state]

    @property
    def can_see_comparison(self) -> bool:
        """Both wheels and the marks side by side: the parties, once the talk has begun."""
        return self.is_party and self.review.state in TALK_STATES

    @property
    def can_see_previous_agreements(self) -> bool:
        """The employee's earlier agreed focus areas and goals, to follow up on: both parties
        of this review, so a new manager sees them too."""
        return self.is_party

    @property
    def can_see_summary(self) -> bool:
        """The manager's summary records what was agreed, like the goals: HR sees it too."""
        return self.can_see_agreement

    @property
    def can_see_confirmation(self) -> bool:
        """That the talk took place, and any disagreement the employee recorded with it:
        part of the record of what was agreed, so the parties and HR."""
        return self.can_see_agreement

    def can_see_reflection(self, reflection) -> bool:
        """Refleksioner efter MUS: the author's own, the other's only once shared."""
        return self.is_party and (
            reflection.party == self.party or reflection.shared_at is not None
        )

    @property
    def can_talk(self) -> bool:
        """Agree on focus areas and goals, write notes: from the start of the talk until
        the employee confirms it; a concluded review is read-only for everyone."""
        return self.is_party and self.review.state in {State.TALK_STARTED, State.TALK_HELD}

    @property
    def can_write_summary(self) -> bool:
        return self.can_talk and self.party == Party.MANAGER

    @property
    def can_end_talk(self) -> bool:
        return self.party == Party.MANAGER and self.review.state == State.TALK_STARTED

    @property
    def can_follow_up(self) -> bool:
        """Goal status through the year: both parties, also after the review is concluded."""
        return self.is_party and self.review.state in TALK_STATES

    @property
    def can_reassign(self) -> bool:
        return self.hr and not self.review.is_concluded

    @property
    def can_schedule_talk(self) -> bool:
        """Set, change or cancel the talk's time and place (each sends both a calendar
        invitation): the manager, until the talk begins, while the round is not closed."""
        return (
            self.party == Party.MANAGER
            and self.review.state not in TALK_STATES
            and self.review.round.status != Round.Status.CLOSED
        )

    @property
    def can_see_talk_time(self) -> bool:
        """The agreed time of the talk is among "review status and dates": parties and HR."""
        return self.can_see_status

    @property
    def can_see_trail(self) -> bool:
        """Who has opened my MUS: the employee's to know, about their own review."""
        return self.party == Party.EMPLOYEE


def _one(reviews) -> Review | None:
    # By a unique key: without .first()'s ORDER BY, which costs more to build than to run.
    return next(iter(reviews.order_by()[:1]), None)


def access_to(user: User, review: Review, locked: bool = False) -> ReviewAccess:
    person = person_of(user)
    party = None
    if person is not None:
        if review.employee_id == person.pk:
            party = Party.EMPLOYEE
        elif review.manager_id == person.pk:
            party = Party.MANAGER
    preparations = {p.party: p for p in Preparation.objects.filter(review=review)} if party else {}
    return ReviewAccess(
        review=review, party=party, preparations=preparations, user=user, locked=locked
    )


# Read with a review for its pages: every one shows its round's catalogue or questions
# and names its two parties.
SHOWN = ("round__catalogue", "round__question_set", "employee__user", "manager__user")


def _party_access(
    user: User, public_id, related=SHOWN, lock: bool = False
) -> tuple[Review, ReviewAccess]:
    reviews = Review.objects.select_related(*related).filter(public_id=public_id)
    if lock:  # the review's row alone: never its round, which all its reviews share
        reviews = reviews.select_for_update(of=("self",))
    review = _one(reviews)
    access = access_to(user, review, locked=lock) if review else None
    if access is None or not access.is_party:
        raise Http404
    return review, access


def review_for_party(
    user: User, public_id, related=SHOWN, lock: bool = False
) -> tuple[Review, ReviewAccess]:
    """The review, for its employee or its manager; a 404 for anyone else, HR included.

    What the page shows of it goes into the review's trail (reviews.trail).
    """
    review, access = _party_access(user, public_id, related, lock)
    trail.opened(access)
    return review, access


def review_for_employee(user: User, public_id) -> tuple[Review, ReviewAccess]:
    """The review, for its employee alone (its trail); a 404 for anyone else."""
    review, access = _party_access(user, public_id)
    if not access.can_see_trail:
        raise Http404
    return review, access


def review_to_prepare(user: User, public_id) -> tuple[Review, ReviewAccess]:
    """The review, for a party who may still write their preparation; 403 if they may not.

    For views that write in one transaction (``transaction.atomic``): the review and the
    preparations are read under the review's row lock, which the write then holds, so
    the write need not read them again (``ReviewAccess.lock``). Those views answer with a
    fragment or a redirect, which name no one: only the round's catalogue is read with it.
    """
    review, access = review_for_party(user, public_id, related=("round__catalogue",), lock=True)
    if not access.can_prepare:
        raise PermissionDenied(_("This preparation can no longer change."))
    return review, access


def review_to_schedule(user: User, public_id) -> tuple[Review, ReviewAccess]:
    """The review, for its manager while the talk's time may be set; 403 for the employee.

    The time and place are among the review's dates, not its confidential content: no
    trail entry (reviews.trail).
    """
    review, access = _party_access(user, public_id)
    if not access.can_schedule_talk:
        raise PermissionDenied(
            _("Only the manager sets the time of the talk, and only until the talk begins.")
        )
    return review, access


def review_with_talk_time(user: User, public_id) -> tuple[Review, ReviewAccess]:
    """The review as a calendar entry, for its two parties; 404 while no time is set."""
    review, access = _party_access(user, public_id)
    if not review.has_talk_time:
        raise Http404
    return review, access


def review_for_record(user: User, public_id) -> tuple[Review, ReviewAccess]:
    """A concluded review as a record (the PDF): its parties and HR, each seeing their part.

    Anyone else gets a 404; a review not yet concluded has no record yet (403).
    """
    review = _one(
        Review.objects.select_related("round__catalogue", "employee__user", "manager__user").filter(
            public_id=public_id
        )
    )
    review_access = access_to(user, review) if review else None
    if review_access is None or not (review_access.is_party or review_access.hr):
        raise Http404
    if not review.is_concluded:
        raise PermissionDenied
    trail.opened(review_access)
    return review, review_access


def round_for_hr(user: User, pk: int) -> Round:
    if not is_hr(user):
        raise Http404
    try:
        return Round.objects.select_related("catalogue", "question_set").get(pk=pk)
    except Round.DoesNotExist:
        raise Http404 from None


def review_for_hr(user: User, round_: Round, public_id) -> Review:
    """A review as HR handles it (manager changes, reopening): status, never contents."""
    if not is_hr(user):
        raise Http404
    review = _one(
        Review.objects.select_related("employee__user", "manager__user").filter(
            round=round_, public_id=public_id
        )
    )
    if review is None:
        raise Http404
    return review


def hr_required(view):
    """For HR's own pages (no object of theirs in the URL): 403 for everyone else."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_hr(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
