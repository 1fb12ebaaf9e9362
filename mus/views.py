from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from mus.models import Person


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    person = (
        Person.objects.select_related("department", "manager__user")
        .filter(user=request.user)
        .first()
    )
    reports = (
        list(person.reports.select_related("user", "department").order_by("user__first_name"))
        if person
        else []
    )
    return render(
        request,
        "mus/dashboard.html",
        {"person": person, "reports": reports, "is_hr": request.user.is_hr},
    )


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on pages that name no icon, such as the admin's.
    return redirect(static("favicon.svg"))
