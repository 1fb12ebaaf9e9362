"""The app's URLs plus one bare view, the bench's reference for "as fast as it gets"."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

# The app's error pages too (the 503 while the database restarts): Django looks for them
# in the root URLconf only. make loadtest serves the app through this one.
from mus.urls import handler400, handler500  # noqa: F401


def bare(request: HttpRequest) -> HttpResponse:
    # Through the same middleware stack (session, auth, CSP, trail …) as every page, but
    # no template, no query of its own: what any page costs before it does anything.
    return HttpResponse("<!doctype html><title>MUS</title><p>OK</p>")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("mus.urls")),
]
