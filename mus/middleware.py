from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
