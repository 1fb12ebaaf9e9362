"""OpenID Connect through mozilla-django-oidc: the authorization code flow with PKCE.

The library checks ``state`` (the callback refuses an unknown one) and ``nonce``; this
backend adds what it leaves out: the ID token's issuer, audience and expiry, and that a
person is matched (organisation.sso.match), never created.
"""

from typing import Any, cast
from urllib.parse import urlencode

import jwt
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from organisation import auth, sso
from organisation.models import User


class Backend(OIDCAuthenticationBackend):
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not sso.oidc_enabled() or request is None:
            return None
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
    if not (sso.oidc_enabled() and settings.OIDC_OP_END_SESSION_ENDPOINT and id_token):
        return None
    query = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    return f"{settings.OIDC_OP_END_SESSION_ENDPOINT}?{urlencode(query)}"
