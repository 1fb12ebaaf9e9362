"""A review as its parties see it, and as a record (PDF) for its parties and HR."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mus.pdf import pdf_response
from reviews import access, record


@login_required
def review_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = access.review_for_party(request.user, public_id)
    context = {"review": review, "access": review_access, "talk_states": access.TALK_STATES}
    return render(request, "reviews/review_detail.html", context)


@login_required
def review_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = access.review_for_record(request.user, public_id)
    return pdf_response(record.review_pdf(review, review_access, request), record.filename(review))
