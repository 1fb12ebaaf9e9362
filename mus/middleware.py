from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DanishByDefaultLocaleMiddleware(LocaleMiddleware):
    """Danish unless the user chose another language with the switch.

    Django's own middleware would follow the browser's Accept-Language, but a
    Danish workplace's MUS speaks Danish even on an English-language laptop.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
