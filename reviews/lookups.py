"""Finding the review a request names, for the person asking: reviews.access decides, and
this module enforces the answer and notes it in the review's trail.

How refusals answer, everywhere: an object one may not see is a 404, so that its existence
is not confirmed; a page only HR uses is a 403; an action one may not take on an object one
can see is refused with a message that says why (a 403 page). Every refusal of a review
goes into its trail; what a page shows is noted by the view (``shows``, or
``trail.recording.shown``).
"""

import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Concatenate, NoReturn

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponseBase
from django.utils.translation import gettext as _

from organisation.http import AuthenticatedHttpRequest
from organisation.models import User
from organisation.roles import is_hr
from reviews.access import ReviewAccess, access_to
from reviews.models import Review, Round
from reviews.refusals import forbidden
from trail import recording
from trail.models import Action


def _one(reviews: QuerySet[Review]) -> Review | None:
    # By a unique key: without .first()'s ORDER BY, which costs more to build than to run.
    return next(iter(reviews.order_by()[:1]), None)


def refuse(access: ReviewAccess, reason: str) -> NoReturn:
    """Refuse an action on a review one can see (403, saying why), on its trail."""
    raise forbidden(access, reason)


def _not_found(access: ReviewAccess) -> NoReturn:
    """A review one may not see: a 404, as for one that does not exist; on its trail."""
    recording.refused(access, _("Has no part in this MUS."))
    raise Http404


# Read with a review for its pages: every one shows its round's catalogue or questions
# and names its two parties (and, once the talk has begun, the manager who held it).
SHOWN = (
    "round__catalogue",
    "round__question_set",
    "employee__user",
    "manager__user",
    "talk_manager__user",
)


def _review(public_id: uuid.UUID, related: Iterable[str] = SHOWN, lock: bool = False) -> Review:
    reviews = Review.objects.select_related("round", *related).filter(public_id=public_id)
    if lock:  # the review's row alone: never its round, which all its reviews share
        reviews = reviews.select_for_update(of=("self",))
    review = _one(reviews)
    if review is None:
        raise Http404
    return review


def _party_access(
    user: User, public_id: uuid.UUID, related: Iterable[str] = SHOWN, lock: bool = False
) -> tuple[Review, ReviewAccess]:
    review = _review(public_id, related, lock)
    access = access_to(user, review, locked=lock)
    if not access.is_party:
        _not_found(access)
    return review, access


def review_for_party(
    user: User,
    public_id: uuid.UUID,
    shows: str = "",
    related: Iterable[str] = SHOWN,
    lock: bool = False,
) -> tuple[Review, ReviewAccess]:
    """The review, for its employee or its manager; a 404 for anyone else, HR included.

    ``shows``: what the page shows of it (a trail Action), noted for the review's trail.
    """
    review, access = _party_access(user, public_id, related, lock)
    if shows:
        recording.shown(access, shows)
    return review, access


def review_for_the_two(
    user: User, public_id: uuid.UUID, shows: str = "", related: Iterable[str] = SHOWN
) -> tuple[Review, ReviewAccess]:
    """The review's own writing (preparations, the talk, reflections): for the employee and
    the manager of record; 403 for a manager who took it over after the talk began."""
    review, access = _party_access(user, public_id, related)
    if not access.is_one_of_the_two:
        refuse(access, access.talk_refusal())
    if shows:
        recording.shown(access, shows)
    return review, access


def review_for_employee(user: User, public_id: uuid.UUID) -> tuple[Review, ReviewAccess]:
    """The review, for its employee alone (its trail); a 404 for anyone else."""
    review, access = _party_access(user, public_id)
    if not access.can_see_trail:
        _not_found(access)
    return review, access


def review_to_prepare(user: User, public_id: uuid.UUID) -> tuple[Review, ReviewAccess]:
    """The review, for a party who may still write their preparation; 403 if they may not.

    For views that write in one transaction (``transaction.atomic``): the review and the
    preparations are read under the review's row lock, which the write then holds, so
    the write need not read them again (``ReviewAccess.lock``). Those views answer with a
    fragment or a redirect, which name no one: only the round's catalogue is read with it.
    """
    review, access = _party_access(user, public_id, related=("round__catalogue",), lock=True)
    if not access.can_prepare:
        refuse(access, _("This preparation can no longer change."))
    recording.shown(access, Action.OPENED_PREPARATION)  # a conflict shows one's saved text
    return review, access


def review_to_schedule(user: User, public_id: uuid.UUID) -> tuple[Review, ReviewAccess]:
    """The review, for its manager while the talk's time may be set; 403 for the employee.

    The time and place are among the review's dates, not its confidential content: no
    trail entry (trail.recording).
    """
    review, access = _party_access(user, public_id)
    if not access.can_schedule_talk:
        refuse(
            access,
            _("Only the manager sets the time of the talk, and only until the talk begins."),
        )
    return review, access


def review_with_talk_time(user: User, public_id: uuid.UUID) -> tuple[Review, ReviewAccess]:
    """The review as a calendar entry, for its two parties; 404 while no time is set."""
    review, access = _party_access(user, public_id)
    if not review.has_talk_time:
        raise Http404
    return review, access


def review_for_record(user: User, public_id: uuid.UUID) -> tuple[Review, ReviewAccess]:
    """A concluded review as a record (the PDF): its parties and HR, each seeing their part.

    Anyone else gets a 404; a review not yet concluded has no record yet (403).
    """
    review = _review(public_id, related=("round__catalogue", "employee__user", "manager__user"))
    review_access = access_to(user, review)
    if not review_access.can_see_record:
        _not_found(review_access)
    if not review.is_concluded:
        refuse(review_access, _("The review is not concluded, so it has no record yet."))
    recording.shown(review_access, Action.DOWNLOADED_PDF)
    return review, review_access


def round_for_hr(user: User, pk: int) -> Round:
    if not is_hr(user):
        raise Http404
    try:
        return Round.objects.select_related("catalogue", "question_set").get(pk=pk)
    except Round.DoesNotExist:
        raise Http404 from None


def review_for_hr(user: User, round_: Round, public_id: uuid.UUID) -> tuple[Review, ReviewAccess]:
    """A review as HR handles it (manager changes, reopening): status, never contents."""
    review = _one(
        Review.objects.select_related("round", "employee__user", "manager__user").filter(
            round=round_, public_id=public_id
        )
    )
    if review is None:
        raise Http404
    access = access_to(user, review)
    if not access.hr:
        _not_found(access)
    return review, access


def hr_required[**P, R: HttpResponseBase](
    view: Callable[Concatenate[AuthenticatedHttpRequest, P], R],
) -> Callable[Concatenate[AuthenticatedHttpRequest, P], R]:
    """For HR's own pages (no object of theirs in the URL): 403 for everyone else."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if not is_hr(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
