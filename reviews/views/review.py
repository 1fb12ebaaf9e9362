"""A review as its parties see it, and as a record (PDF) for its parties and HR."""

from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from common.pdf import pdf_response
from organisation.http import AuthenticatedHttpRequest
from reviews import history, lookups, record
from reviews.models import TALK_STATES, Goal
from trail.models import Action


@login_required
def review_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = lookups.review_for_party(
        request.user, public_id, shows=Action.OPENED_REVIEW
    )
    context = {"review": review, "access": review_access, "talk_states": TALK_STATES}
    if review_access.follows_up_only:  # the talk was not theirs: what was agreed is here
        context |= {
            "agreed_goals": [goal for goal in review.goals.all() if goal.is_agreed],
            "statuses": Goal.Status.choices,
        }
    return render(request, "reviews/review_detail.html", context)


@login_required
def review_pdf(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = lookups.review_for_record(request.user, public_id)
    return pdf_response(record.review_pdf(review, review_access, request), record.filename(review))


@login_required
def review_trail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Who has opened my MUS: the review's trail, for its employee, newest first."""
    review, _access = lookups.review_for_employee(request.user, public_id)
    others_only = request.GET.get("others") == "1"
    events = history.events_of(review)
    if others_only:
        events = events.exclude(actor=request.user)
    lines = history.lines(events)[::-1]
    context = {
        "review": review,
        "page": Paginator(lines, 100).get_page(request.GET.get("page")),
        "others_only": others_only,
        "retention_years": settings.RETENTION_YEARS,
    }
    return render(request, "reviews/review_trail.html", context)
