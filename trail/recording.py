"""Recording the trail: who read, wrote or was refused what in a review, and when.

Four kinds of entry, all ``ReviewEvent`` rows, one table and one source of truth:

* moves and manager changes (with their reasons), written where they happen
  (``Review.move_to``, ``reviews.services.move_to_manager``);
* writes, recorded by the write itself (``write()``, called by reviews.preparation and
  reviews.talk) inside its transaction: no write without its entry;
* reads, noted by the view that shows the content, in the words of what it shows
  (``shown()``, and ``shown_earlier()`` for an earlier review's agreements shown to follow
  them up), and recorded by ``TrailMiddleware`` once the view has answered 200. A request
  that wrote needs no read entry too;
* refusals, noted where reviews.access's answer is enforced (``refused()``) and recorded
  by ``TrailMiddleware`` whatever the answer, outside the refused write's transaction,
  which rolls back.

The cost is one INSERT per request that shows or changes a review's content, and no
query more: the caller already holds the user, the review and the role.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models, transaction
from django.db.models.signals import post_save
from django.http import HttpRequest, HttpResponseBase

from organisation.models import User
from trail.models import Action, ReviewEvent, TrailRemoval, permitting_removal


class Acting(Protocol):
    """Who acts on which review, in which role (reviews.access.ReviewAccess is one)."""

    @property
    def review(self) -> models.Model: ...  # a reviews.Review, which trail does not import

    @property
    def user(self) -> User | None: ...

    @property
    def role(self) -> str: ...


@dataclass
class RequestTrail:
    """What one request showed, wrote and was refused, so far."""

    reads: dict[int, tuple[Acting, str]] = field(default_factory=dict)  # review pk: (who, what)
    refusals: list[tuple[Acting, str]] = field(default_factory=list)  # (who, why)
    written: set[int] = field(default_factory=set)  # reviews with an entry already
    recorded: set[tuple[int, str]] = field(default_factory=set)  # (review pk, action)


_request: ContextVar[RequestTrail | None] = ContextVar("review_trail", default=None)


def by(acting: Acting) -> dict[str, Any]:
    """Who acts, for a trail entry: the user, and their role on this review."""
    return {"actor": acting.user, "role": acting.role}


def shown(acting: Acting, action: str, review: models.Model | None = None) -> None:
    """This request shows (``action``) a review's content: recorded if it answers 200.

    ``review``: another review than the one acted on, shown with it (the earlier
    review's agreements, followed up in the next preparation).
    """
    if (trail := _request.get()) is not None:
        review = review or acting.review
        trail.reads[review.pk] = (acting, action)


def refused(acting: Acting, reason: str) -> None:
    """Someone was refused something on a review; recorded when the request has answered
    (``TrailMiddleware``), so that the refused write's rollback does not take it along."""
    if (trail := _request.get()) is not None:
        trail.refusals.append((acting, str(reason)))


def write(acting: Acting, action: Action) -> None:
    """Record a write, inside the caller's transaction; once per action and request."""
    trail, key = _request.get(), (acting.review.pk, action)
    if trail is not None and key in trail.recorded:
        return
    ReviewEvent.objects.create(
        review_id=acting.review.pk, kind=ReviewEvent.Kind.WRITE, action=action, **by(acting)
    )
    if trail is not None:
        trail.recorded.add(key)


def read_many(reads: Iterable[tuple[int, str]], action: Action, actor: User | None = None) -> None:
    """Reads of many reviews at once (an export), given as (review pk, role) pairs: one
    INSERT per thousand."""
    ReviewEvent.objects.bulk_create(
        (
            ReviewEvent(
                review_id=pk, kind=ReviewEvent.Kind.READ, action=action, actor=actor, role=role
            )
            for pk, role in reads
        ),
        batch_size=1000,
    )


def _written(
    sender: type[ReviewEvent], instance: ReviewEvent, created: bool, **kwargs: Any
) -> None:
    if created and (trail := _request.get()) is not None:
        trail.written.add(instance.review_id)


post_save.connect(_written, sender=ReviewEvent, dispatch_uid="review_trail_written")


class TrailMiddleware:
    """Records what a request showed once its view has answered 200, and what it was
    refused whatever it answered (before anything is sent: if the trail cannot be
    written, the content does not go out either)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        trail = RequestTrail()
        token = _request.set(trail)
        try:
            response = self.get_response(request)
            url_name = request.resolver_match and request.resolver_match.url_name
            entries = [
                ReviewEvent(
                    review_id=acting.review.pk,
                    kind=ReviewEvent.Kind.REFUSED,
                    action=(url_name or "")[:20],  # the page or write that was refused
                    note=reason,
                    **by(acting),
                )
                for acting, reason in trail.refusals
            ]
            if response.status_code == 200:
                entries += [
                    ReviewEvent(review_id=pk, kind=ReviewEvent.Kind.READ, action=what, **by(acting))
                    for pk, (acting, what) in trail.reads.items()
                    if pk not in trail.written
                ]
            if entries:
                ReviewEvent.objects.bulk_create(entries)
        finally:
            _request.reset(token)
        return response


@contextmanager
def removal(reason: str) -> Iterator[TrailRemoval]:
    """Lets trail entries be deleted with their reviews, inside one transaction.

    The TrailRemoval row is what the database trigger checks; it is active only within
    this transaction, and stays afterwards as the record that the removal ran.
    """
    with transaction.atomic():
        permit = TrailRemoval.objects.create(reason=reason[:300])
        with permitting_removal():
            yield permit
        TrailRemoval.objects.filter(pk=permit.pk).update(active=False)
