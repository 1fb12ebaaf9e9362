"""Logging in and out: the lockout after repeated failures, and ending one's sessions.

django-axes counts failed logins (settings: AXES_*); what it answers when it locks
someone out, and which address it counts them by, are decided here.
"""

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisation.http import AuthenticatedHttpRequest
from organisation.models import User


def client_address(request: HttpRequest) -> str | None:
    """The address a login attempt came from.

    Behind TRUSTED_PROXIES reverse proxies, each appends the address it saw to
    X-Forwarded-For, so the client's is that many places from the right; anything
    further left the client could have written itself.
    """
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if settings.TRUSTED_PROXIES and len(forwarded) >= settings.TRUSTED_PROXIES:
        address = forwarded[-settings.TRUSTED_PROXIES]
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:  # a proxy that writes something else is not trusted with it
            pass
    return request.META.get("REMOTE_ADDR")


def attempted_username(
    request: HttpRequest, credentials: Mapping[str, Any] | None = None
) -> str | None:
    """The username a login attempt named, as far as a username can be long.

    No account has a longer one, and axes keeps the name in 255 characters: a longer
    name would fail to be stored (on PostgreSQL) instead of counting as a failure.
    """
    username = (
        (credentials or {}).get("username")
        or request.POST.get("username")
        # A refused single sign-on is counted against the identity (organisation.sso).
        or getattr(request, "sso_identity", None)
    )
    if username is None:
        return None
    return str(username)[: User._meta.get_field("username").max_length]


def login_locked_out(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The login page again, with why logging in is paused.

    The same words whether the username exists or not, so that the lockout tells no one
    which accounts there are; the password is never checked while it lasts.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed attempts to log in. For your security, logging in with this "
        "username from here is paused for %(minutes)d minutes. Try again later, or ask HR "
        "for help if you have forgotten your password."
    ) % {"minutes": minutes}
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout": message, "next": request.POST.get("next", "")}
    return render(
        request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


@login_required
@require_POST
def logout_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log out here and on every other device: all of the user's sessions end at once."""
    request.user.end_all_sessions()
    logout(request)
    messages.success(request, _("You are logged out on every device."))
    return redirect(settings.LOGOUT_REDIRECT_URL)
