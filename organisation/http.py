"""The request as the views see it, for the type checker (no behaviour of its own)."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from organisation.models import User


class HtmxHttpRequest(HttpRequest):
    """Any request: django-htmx's middleware (mus.settings) tells whether htmx sent it."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a view behind ``login_required``: its user is a login, never anonymous."""

    user: User
