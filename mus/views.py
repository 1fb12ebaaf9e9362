from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views import i18n
from django.views.decorators.http import require_POST

from mus.models import User
from reviews import access, progress
from reviews.models import Round


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Everyone's start page: their own MUS, the ones they lead, and HR's rounds."""
    person = access.person_of(request.user)
    is_hr = access.is_hr(request.user)
    context = {"person": person, "is_hr": is_hr}
    if person:
        led_reviews = progress.reviews_as_manager(person)
        context |= {
            "own_reviews": progress.reviews_as_employee(person),
            "led_reviews": led_reviews,
            # Listed only while no round is under way; the reviews name them otherwise.
            "reports": [] if led_reviews else list(person.reports.select_related("user")),
        }
    if is_hr:
        context["open_rounds"] = progress.rounds_with_counts(
            Round.objects.exclude(status=Round.Status.CLOSED)
        )
    return render(request, "mus/dashboard.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on the logged-in user."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on pages that name no icon, such as the admin's.
    return redirect(static("favicon.svg"))
