import sys
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults, i18n
from django.views.decorators.http import require_POST

from organisation import roles
from organisation.http import AuthenticatedHttpRequest
from organisation.models import User
from reviews import access, progress
from reviews.models import Round
from trail import recording
from trail.models import Action

# What a request meets while the database cannot be reached (restarting, failing over,
# the network gone): Django's own errors, and psycopg's should one escape Django's wrapping.
DATABASE_UNREACHABLE = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
# A PostgreSQL restart takes seconds; browsers and proxies may wait this long to ask again.
RETRY_AFTER_SECONDS = 10


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone's start page: their own MUS, the ones they lead, and HR's rounds."""
    person = access.person_of(request.user)
    is_hr = roles.is_hr(request.user)
    context: dict[str, Any] = {"person": person, "is_hr": is_hr}
    if person:
        led_reviews = progress.reviews_as_manager(person)
        own_reviews = progress.reviews_as_employee(person)
        goals = progress.goals_to_follow(own_reviews[0]) if own_reviews else []
        if goals:  # what was agreed is the review's content: its reading is on the trail
            recording.shown(
                access.ReviewAccess(review=own_reviews[0], person=person, user=request.user),
                Action.OPENED_REVIEW,
            )
        context |= {
            "own_reviews": own_reviews,
            "followed_goals": goals,
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


def _database_unreachable(error: BaseException | None) -> bool:
    """Whether the error, or one it was raised from or while handling, is the database
    out of reach."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_UNREACHABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page, read from nothing but the request: no user, no session, no database.

    The language is the one the request already chose, or the cookie's, or Danish.
    """
    language = getattr(request, "LANGUAGE_CODE", None) or request.COOKIES.get(
        settings.LANGUAGE_COOKIE_NAME
    )
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    # A page one asked for can simply be asked for again (a form sent cannot), on this site.
    path = request.get_full_path()
    retry = path if request.method == "GET" and url_has_allowed_host_and_scheme(path, None) else ""
    with translation.override(language):
        html = loader.render_to_string("503.html", {"retry": retry})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django's 500 page, or a calm 503 while the database cannot be reached.

    Django sends every exception raised anywhere in the middleware chain or a view here,
    while it handles it (so ``sys.exc_info()`` names it): also a failure inside the
    session or authentication middleware, which read the database before any view runs.
    """
    if _database_unreachable(sys.exc_info()[1]):
        return _unavailable(request)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: Django's 400 page, or the 503 page when the database went away after
    the view had answered and the session could not be saved.

    Django reports a session save that failed as SessionInterrupted, a 400, as it would a
    session someone ended meanwhile (logging out in another tab): that stays a 400.
    """
    if isinstance(exception, SessionInterrupted) and _database_unreachable(exception):
        return _unavailable(request)
    return defaults.bad_request(request, exception)
