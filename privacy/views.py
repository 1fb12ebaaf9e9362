"""Your data: what MUS keeps about you, all of it to download, and who has opened it."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from organisation.http import AuthenticatedHttpRequest
from privacy import personal_data
from reviews import progress
from reviews.access import person_of


@login_required
def privacy(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = person_of(request.user)
    context = {
        "own_reviews": progress.reviews_as_employee(person) if person else [],
        "retention_years": settings.RETENTION_YEARS,
    }
    return render(request, "privacy/privacy.html", context)


@login_required
def personal_data_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All of one's data as a zip (data.json and the PDFs of one's concluded reviews)."""
    archive = personal_data.export(request.user, request)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, personal_data.export_filename(request.user)
    )
    return response
