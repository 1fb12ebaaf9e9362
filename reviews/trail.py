"""The trail of a review: who read or wrote its confidential content, when, and what.

Three kinds of entry, all ``ReviewEvent`` rows, one table and one source of truth:

* moves and manager changes (with their reasons), written where they happen
  (``Review.move_to``, ``services.move_to_manager``);
* writes, recorded by the write itself (``write()``, called by reviews.preparation and
  reviews.talk) inside its transaction: no write without its entry;
* reads, noted where access is granted (``opened()``, called by reviews.access) and
  recorded by ``TrailMiddleware`` once the view has answered 200, in the words of
  ``READS`` for the page that was shown. A request that wrote needs no read entry too.
  An earlier review's agreements shown to follow them up are a read of that review
  (``opened_earlier()``);
* refusals: every attempt that reviews.access refuses, noted where it is refused
  (``refused()``) and recorded by ``TrailMiddleware`` whatever the answer, outside the
  refused write's transaction, which rolls back.

The cost is one INSERT per request that shows or changes a review's content, and no
query more: the access already holds the user, the review and the role.

The trail is append-only (``TrailQuerySet`` and a database trigger); it goes only with
its review, inside ``removal()`` (retention, removing a person).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models.signals import post_save
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews.models import TALK_STATES as TALK_STATES_
from reviews.models import Action, ReviewEvent, Role, State, TrailRemoval

if TYPE_CHECKING:
    from reviews.access import ReviewAccess

log = logging.getLogger(__name__)


@dataclass
class RequestTrail:
    """What one request read, wrote and was refused, so far."""

    reads: dict[int, ReviewAccess] = field(default_factory=dict)  # by review pk
    earlier: dict[int, ReviewAccess] = field(default_factory=dict)  # earlier review pk: access
    refusals: list[tuple[ReviewAccess, str]] = field(default_factory=list)  # (access, why)
    written: set[int] = field(default_factory=set)  # reviews with an entry already
    recorded: set[tuple[int, str]] = field(default_factory=set)  # (review pk, action)


_request: ContextVar[RequestTrail | None] = ContextVar("review_trail", default=None)
_removing: ContextVar[bool] = ContextVar("review_trail_removal", default=False)


def by(access: ReviewAccess) -> dict:
    """Who acts, for a trail entry: the user, and their role on this review."""
    return {"actor": access.user, "role": access.role}


def opened(access: ReviewAccess) -> None:
    """Access to a review's content was granted in this request: record it if it is shown."""
    if (trail := _request.get()) is not None:
        trail.reads[access.review.pk] = access


def opened_earlier(access: ReviewAccess, earlier) -> None:
    """What was agreed in the employee's earlier review is shown with this one, to follow
    it up: a read of that earlier review, by this person in their role on this one."""
    if (trail := _request.get()) is not None:
        trail.earlier[earlier.pk] = access


def refused(access: ReviewAccess, reason: str) -> None:
    """Someone was refused something on a review; recorded when the request has answered
    (``TrailMiddleware``), so that the refused write's rollback does not take it along."""
    if (trail := _request.get()) is not None:
        trail.refusals.append((access, str(reason)))


def write(access: ReviewAccess, action: Action) -> None:
    """Record a write, inside the caller's transaction; once per action and request."""
    trail, key = _request.get(), (access.review.pk, action)
    if trail is not None and key in trail.recorded:
        return
    ReviewEvent.objects.create(
        review=access.review, kind=ReviewEvent.Kind.WRITE, action=action, **by(access)
    )
    if trail is not None:
        trail.recorded.add(key)


def read_many(reads, action: Action, actor=None) -> None:
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


def _written(sender, instance, created, **kwargs):
    if created and (trail := _request.get()) is not None:
        trail.written.add(instance.review_id)


post_save.connect(_written, sender=ReviewEvent, dispatch_uid="review_trail_written")


def _preparation(access: ReviewAccess) -> Action:
    other = access.other_party
    if other and access.can_see_preparation(other) and other in access.preparations:
        return Action.READ_BOTH_PREPARATIONS
    return Action.OPENED_PREPARATION


# What a page shows, by URL name: an Action, or a function of the access for pages that
# show more to some than to others. A page that re-renders after a refused write (a form
# with its errors, a conflict) shows what its page shows.
READS = {
    "review_detail": Action.OPENED_REVIEW,
    "prepare": _preparation,
    "prepare_text": Action.OPENED_PREPARATION,  # a conflict shows one's own saved text
    "talk": Action.OPENED_TALK,
    "goal_add": Action.OPENED_TALK,
    "goal_edit": Action.OPENED_TALK,
    "reflection": Action.OPENED_REFLECTIONS,
    "review_pdf": Action.DOWNLOADED_PDF,
}


def _what_was_read(url_name: str | None, access: ReviewAccess) -> Action:
    what = READS.get(url_name)
    if what is None:
        log.error("The trail has no words for what %s shows; add it to READS.", url_name)
        return Action.READ
    return what(access) if callable(what) else what


class TrailMiddleware:
    """Records the reads of a request once its view has answered 200, and its refusals
    whatever it answered (before anything is sent: if the trail cannot be written, the
    content does not go out either)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(RequestTrail())
        try:
            response = self.get_response(request)
            trail = _request.get()
            url_name = request.resolver_match and request.resolver_match.url_name
            entries = [
                ReviewEvent(
                    review=access.review,
                    kind=ReviewEvent.Kind.REFUSED,
                    action=(url_name or "")[:20],
                    note=reason,
                    **by(access),
                )
                for access, reason in trail.refusals
            ]
            if response.status_code == 200:
                entries += [
                    ReviewEvent(
                        review=access.review,
                        kind=ReviewEvent.Kind.READ,
                        action=_what_was_read(url_name, access),
                        **by(access),
                    )
                    for pk, access in trail.reads.items()
                    if pk not in trail.written
                ]
                entries += [
                    ReviewEvent(
                        review_id=pk,
                        kind=ReviewEvent.Kind.READ,
                        action=Action.READ_PREVIOUS,
                        **by(access),
                    )
                    for pk, access in trail.earlier.items()
                ]
            if entries:
                ReviewEvent.objects.bulk_create(entries)
        finally:
            _request.reset(token)
        return response


@contextmanager
def removal(reason: str):
    """Lets trail entries be deleted with their reviews, inside one transaction.

    The TrailRemoval row is what the database trigger checks; it is active only within
    this transaction, and stays afterwards as the record that the removal ran.
    """
    with transaction.atomic():
        permit = TrailRemoval.objects.create(reason=reason[:300])
        token = _removing.set(True)
        try:
            yield permit
        finally:
            _removing.reset(token)
        TrailRemoval.objects.filter(pk=permit.pk).update(active=False)


def removal_permitted() -> bool:
    return _removing.get()


# Reading the trail: the employee's page, and their data export.


@dataclass
class Line:
    """One line of the trail as the employee reads it; repeats in a row are one line."""

    who: str
    role: str
    what: str
    note: str
    first: datetime
    last: datetime
    count: int = 1
    same_as: tuple = ()  # who, in which role, did what: lines alike in this fold into one

    @property
    def when(self) -> str:
        """The minute it happened, or the span of a run of repeats, in the reader's format."""
        first, last = (
            localtime(t).replace(second=0, microsecond=0) for t in (self.first, self.last)
        )
        start = date_format(first, "DATETIME_FORMAT")
        if first == last:
            return start
        end_format = "TIME_FORMAT" if first.date() == last.date() else "DATETIME_FORMAT"
        return f"{start}–{date_format(last, end_format)}"


def _who(event: ReviewEvent) -> str:
    if event.actor_id:
        return event.actor.get_full_name() or event.actor.get_username()
    return _("HR") if event.role == Role.HR else _("MUS")


# What a refused attempt tried to do, by the URL's name: "tried to …, and was refused".
ATTEMPTS = {
    "review_detail": gettext_lazy("open the review"),
    "prepare": gettext_lazy("open the preparation"),
    "prepare_text": gettext_lazy("write in the preparation"),
    "prepare_level": gettext_lazy("mark a competence"),
    "prepare_share": gettext_lazy("share the preparation"),
    "prepare_take_back": gettext_lazy("take back the sharing of their preparation"),
    "talk": gettext_lazy("open the talk"),
    "talk_start": gettext_lazy("start the talk"),
    "talk_focus": gettext_lazy("choose the focus areas"),
    "talk_text": gettext_lazy("write in the talk"),
    "talk_end": gettext_lazy("record that the talk was held"),
    "talk_confirm": gettext_lazy("confirm the talk"),
    "goal_add": gettext_lazy("add a development goal"),
    "goal_edit": gettext_lazy("reword a development goal"),
    "goal_accept": gettext_lazy("accept a development goal"),
    "goal_delete": gettext_lazy("remove a development goal"),
    "goal_status": gettext_lazy("update the status of a goal"),
    "reflection": gettext_lazy("open the reflections"),
    "reflection_share": gettext_lazy("share the reflections"),
    "review_pdf": gettext_lazy("download the review as PDF"),
    "review_trail": gettext_lazy("read who has opened the review"),
    "talk_time": gettext_lazy("set the time of the talk"),
    "talk_time_cancel": gettext_lazy("cancel the talk"),
    "talk_ics": gettext_lazy("download the talk for a calendar"),
    "review_move": gettext_lazy("give the review to another manager"),
    "review_reopen": gettext_lazy("reopen the review"),
}


def _moved(event: ReviewEvent) -> str:
    names = {
        "old": event.old_manager.name if event.old_manager else "–",
        "new": event.new_manager.name if event.new_manager else "–",
    }
    said = [_("gave the review to another manager: from %(old)s to %(new)s") % names]
    kept = set(event.new.split(",")) & {"preparation", "reflection"}
    if kept == {"preparation", "reflection"}:
        said.append(
            _("%(old)s’s preparation and reflections stay theirs alone; %(new)s does not see them")
            % names
        )
    elif kept == {"preparation"}:
        said.append(_("%(old)s’s preparation stays theirs alone; %(new)s does not see it") % names)
    elif kept == {"reflection"}:
        said.append(_("%(old)s’s reflections stay theirs alone; %(new)s does not see them") % names)
    if event.old in TALK_STATES_:
        said.append(
            _("The talk had begun, so %(new)s follows up on the agreed focus areas and goals only")
            % names
        )
    return ". ".join(said)


def describe(event: ReviewEvent) -> str:
    """What the entry says happened, in words."""
    if event.kind == ReviewEvent.Kind.MANAGER:
        return _moved(event)
    if event.kind == ReviewEvent.Kind.REFUSED:
        what = ATTEMPTS.get(event.action, gettext_lazy("open or change the review"))
        return _("tried to %(what)s, and was refused") % {"what": what}
    if event.kind == ReviewEvent.Kind.STATE:
        if event.old == State.CONCLUDED:
            return _("reopened the review")
        return _("moved the review from “%(old)s” to “%(new)s”") % {
            "old": State(event.old).label,
            "new": State(event.new).label,
        }
    return event.what


def events_of(review):
    return review.events.select_related("actor", "old_manager__user", "new_manager__user").order_by(
        "at", "pk"
    )


FOLDED = {ReviewEvent.Kind.READ, ReviewEvent.Kind.WRITE, ReviewEvent.Kind.REFUSED}


def lines(events, fold: bool = True) -> list[Line]:
    """The trail in the order it happened, repeats of the same act by the same person in a
    row (autosave writes many) folded into one line with their count."""
    result: list[Line] = []
    for event in events:
        line = Line(
            who=_who(event),
            role=Role(event.role).label if event.role else "",
            what=describe(event),
            # A refusal's reason was said to the one refused ("you have …"); the line says
            # what they tried. The reason stays on the entry, for an audit in Django admin.
            note="" if event.kind == ReviewEvent.Kind.REFUSED else event.note,
            first=event.at,
            last=event.at,
            same_as=(event.actor_id, event.role, event.kind, event.action, event.note),
        )
        previous = result[-1] if result else None
        if fold and previous and event.kind in FOLDED and previous.same_as == line.same_as:
            previous.last, previous.count = event.at, previous.count + 1
        else:
            result.append(line)
    return result
