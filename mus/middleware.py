from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from whitenoise.middleware import WhiteNoiseFileResponse


class NoStoreMiddleware:
    """Every response but a static file goes out with ``Cache-Control: no-store, private``.

    Reviews, their PDFs, the personal-data zip and HR's exports are confidential: after
    logging out on a shared PC, Back or the history must not bring them up again from
    the browser's cache, and no proxy may keep a copy (OWASP ASVS V8.2.1). Pages, files,
    htmx fragments, redirects and error pages alike, so that no view can forget it.
    First in MIDDLEWARE, so that what the other middleware answer themselves (the HTTPS
    redirect, CSRF refusals, the lockout, error pages) passes through it too. Static
    files (WhiteNoise) are the same for everyone and may be cached.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not isinstance(response, WhiteNoiseFileResponse):
            add_never_cache_headers(response)
        return response


class DanishByDefaultLocaleMiddleware(LocaleMiddleware):
    """Danish unless the user chose another language with the switch.

    Django's own middleware would follow the browser's Accept-Language, but a
    Danish workplace's MUS speaks Danish even on an English-language laptop. The
    choice is kept in a cookie and, for a logged-in user, on the user, so that it
    follows them to another device. Runs after AuthenticationMiddleware.
    """

    def process_request(self, request):
        user = getattr(request, "user", None)
        saved = user.language if user is not None and user.is_authenticated else ""
        chosen = saved or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
