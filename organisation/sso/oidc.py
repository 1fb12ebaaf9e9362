"""OpenID Connect through mozilla-django-oidc: the authorization code flow with PKCE.

The library checks ``state`` (the callback refuses an unknown one) and ``nonce``; this
backend adds what it leaves out: the ID token's issuer, audience and expiry, and that a
person is matched (organisation.sso.match), never created.

The provider's endpoints come from its discovery document (OpenID Connect Discovery 1.0)
at ``OIDC_ISSUER`` + ``/.well-known/openid-configuration``, read the first time a login
or logout needs them, not when Django starts: ``manage.py`` commands, migrations and the
break-glass password login never depend on the provider being reachable. An endpoint
named in the environment overrides the discovered one; with the three required ones named
(a provider that publishes no discovery document), nothing is fetched.
"""

import functools
import logging
from typing import Any, cast
from urllib.parse import urlencode

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from organisation import auth, sso
from organisation.models import User

log = logging.getLogger("organisation.sso")

# MUS's setting for each endpoint, and the discovery document's name for it.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_END_SESSION_ENDPOINT": "end_session_endpoint",  # optional: single logout
}
REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read, or is not the issuer's own."""


def discovery_url(issuer: str) -> str:
    # Discovery 1.0, section 4: a terminating "/" of the issuer is removed first.
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


@functools.cache
def discover(issuer: str) -> dict[str, str]:
    """The endpoints the provider at ``issuer`` publishes, read once per process.

    Refused unless the document names exactly ``issuer`` as its issuer (Discovery 1.0,
    4.3): a document that names another would let that other's keys sign ID tokens for
    MUS. A failure is not kept, so the next login tries again.
    """
    url = discovery_url(issuer)
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url} could not be read: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} is not a discovery document")
    if document.get("issuer") != issuer:
        raise ProviderUnavailable(
            f"{url} names the issuer {document.get('issuer')!r}, not OIDC_ISSUER {issuer!r}"
        )
    missing = [name for name in REQUIRED if not document.get(name)]
    if missing:
        raise ProviderUnavailable(f"{url} names no {', '.join(missing)}")
    log.info("OpenID provider %s discovered at %s", issuer, url)
    return {name: str(document.get(name) or "") for name in ENDPOINTS.values()}


def discovering() -> bool:
    """Whether the endpoints are discovered: OIDC_ISSUER is set and the environment does
    not name all the required ones (a provider without discovery is configured so)."""
    named = all(getattr(settings, s) for s, name in ENDPOINTS.items() if name in REQUIRED)
    return bool(settings.OIDC_ISSUER) and not named


def endpoint(setting: str) -> str:
    """The provider's endpoint for ``setting`` (a key of ENDPOINTS): the one named in the
    environment, else the discovered one; "" for an optional one the provider lacks."""
    if not settings.OIDC_ISSUER:
        # Without it every ID token would be refused (its iss must equal the issuer).
        raise ImproperlyConfigured(
            "OpenID Connect needs OIDC_ISSUER: the provider's endpoints are discovered from "
            "it, and the ID token's iss must equal it."
        )
    explicit = str(getattr(settings, setting))
    if explicit or not discovering():
        return explicit
    name = ENDPOINTS[setting]
    try:
        return discover(settings.OIDC_ISSUER)[name]
    except ProviderUnavailable as error:
        log.error("OpenID provider unavailable: %s", error)
        raise


class Backend(OIDCAuthenticationBackend):
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not sso.oidc_enabled() or request is None:
            return None
        if "code_verifier" in kwargs:  # the provider's answer, not a password login
            # Raises ProviderUnavailable; the callback's view answers it (views.py).
            self.OIDC_OP_TOKEN_ENDPOINT = endpoint("OIDC_OP_TOKEN_ENDPOINT")
            self.OIDC_OP_JWKS_ENDPOINT = endpoint("OIDC_OP_JWKS_ENDPOINT")
        return super().authenticate(request, **kwargs)  # type: ignore[no-any-return]

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is signed with another algorithm.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=60,
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"The ID token was refused: {error}") from error

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        # The signed ID token's claims: what the provider vouched for, nothing fetched after.
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return True  # matching decides (get_or_create_user)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        key = sso.identity_key(payload)
        if not AxesProxyHandler.is_allowed(self.request, {"username": key}):
            self.request.axes_locked_out = True
            sso.refused(self.request, key, "locked out after repeated failures")
            raise PermissionDenied
        verified = payload.get(settings.SSO_EMAIL_VERIFIED_CLAIM) is True
        user = sso.match(payload, email_verified=verified)
        if user is None:
            sso.refused(self.request, key, "matches no active person")
            return None
        groups = payload.get(settings.SSO_GROUPS_CLAIM) or []
        sso.keep_hr_role(user, [str(group) for group in groups])
        return user

    def get_user(self, user_id: int) -> User | None:
        # The session names this backend: read the user as every page expects it.
        return cast("User | None", auth.Backend().get_user(user_id))


def provider_logout_url(request: HttpRequest) -> str | None:
    """The provider's single logout for this session, if it has one (before the logout)."""
    id_token = request.session.get("oidc_id_token")
    if not (sso.oidc_enabled() and id_token):
        return None
    try:
        end_session = endpoint("OIDC_OP_END_SESSION_ENDPOINT")
    except ProviderUnavailable:
        return None  # logged; MUS's own logout goes ahead
    if not end_session:
        return None
    query = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    return f"{end_session}?{urlencode(query)}"
