"""Refusing what reviews.access does not allow: said to the person, noted in the trail.

A refusal is recorded by the request's ``TrailMiddleware``, after the refused write's
transaction has rolled back, with the person's name and role (trail.recording).
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from reviews.access import ReviewAccess
from reviews.models import LockedError
from trail import recording


def refused(access: ReviewAccess, reason: str) -> LockedError:
    """A write that may not happen now: the error to raise, whose message the page shows."""
    recording.refused(access, reason)
    return LockedError(reason)


def forbidden(access: ReviewAccess, reason: str) -> PermissionDenied:
    """An action that is not the person's to take at all: the 403 to raise, saying why."""
    recording.refused(access, reason)
    return PermissionDenied(reason)


def bad_request(messages: list[str]) -> HttpResponse:
    """Posted values a page does not send (htmx shows nothing of a 400): said as plain
    text, so that a value echoed in the message can never run as markup."""
    return HttpResponse(" ".join(messages), status=400, content_type="text/plain; charset=utf-8")
