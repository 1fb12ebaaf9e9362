"""The talk as a calendar file, the same the invitations carry."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from notifications import calendar
from organisation.http import AuthenticatedHttpRequest
from reviews import lookups


@login_required
def talk_ics(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The talk as a calendar file, for either party to import by hand."""
    review, _access = lookups.review_with_talk_time(request.user, public_id)
    ics = calendar.talk_calendar(review, method="PUBLISH")
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{calendar.filename(review)}"'
    return response
