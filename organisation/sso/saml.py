"""SAML 2.0 through djangosaml2 (pysaml2, which verifies with xmlsec1).

SP-initiated only (unsolicited responses are refused); the assertion must be signed by
the identity provider's key from its metadata, for MUS's entity ID as audience, and within
its time conditions. A response is accepted once: its request is forgotten on first use,
so a replayed response answers nothing outstanding and is refused. Who the identity is
in MUS is decided by organisation.sso.match, as for OpenID Connect.
"""

import logging
from typing import Any, cast

import saml2
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from djangosaml2.backends import Saml2Backend
from saml2.config import SPConfig

from organisation import auth, sso
from organisation.models import User

log = logging.getLogger("organisation.sso")


def config(request: HttpRequest | None = None) -> SPConfig:
    """pysaml2's configuration, from the environment (settings), read when it is needed."""
    base = settings.SITE_URL if request is None else request.build_absolute_uri("/").rstrip("/")
    metadata: dict[str, Any] = (
        {"remote": [{"url": settings.SAML_IDP_METADATA_URL}]}
        if settings.SAML_IDP_METADATA_URL
        else {"local": [settings.SAML_IDP_METADATA_FILE]}
    )
    conf = SPConfig()
    conf.load(
        {
            "xmlsec_binary": settings.SAML_XMLSEC_BINARY,
            "entityid": settings.SAML_SP_ENTITY_ID or f"{base}{reverse('saml2_metadata')}",
            "allow_unknown_attributes": True,
            "accepted_time_diff": 60,
            "service": {
                "sp": {
                    "name": "MUS",
                    "endpoints": {
                        "assertion_consumer_service": [
                            (f"{base}{reverse('saml2_acs')}", saml2.BINDING_HTTP_POST)
                        ],
                    },
                    "allow_unsolicited": False,
                    "authn_requests_signed": False,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "name_id_format_allow_create": False,
                },
            },
            "metadata": metadata,
        }
    )
    return conf


class Backend(Saml2Backend):
    def authenticate(
        self,
        request: HttpRequest | None,
        session_info: dict[str, Any] | None = None,
        attribute_mapping: Any = None,
        create_unknown_user: bool = False,
        assertion_info: Any = None,
        **kwargs: Any,
    ) -> User | None:
        if not sso.saml_enabled() or request is None or session_info is None:
            return None
        attributes = session_info.get("ava") or {}
        key = sso.identity_key(attributes)
        if not AxesProxyHandler.is_allowed(request, {"username": key}):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            sso.refused(request, key, "locked out after repeated failures")
            raise PermissionDenied
        # A signed assertion: the provider vouches for the address it sends.
        user = sso.match(attributes, email_verified=True)
        if user is None:
            sso.refused(request, key, "matches no active person")
            return None
        groups = attributes.get(settings.SSO_GROUPS_CLAIM) or []
        sso.keep_hr_role(user, [str(group) for group in groups])
        return user

    def get_user(self, user_id: int) -> User | None:
        return cast("User | None", auth.Backend().get_user(user_id))


def acs_failure(
    request: HttpRequest, exception: Exception | None = None, status: int = 403, **kwargs: Any
) -> HttpResponse:
    """A refused SAML response: the refusal page, with the reason only in the log."""
    log.warning("SAML response refused (%s): %r", status, exception)
    context = {"contact": settings.SSO_CONTACT}
    return render(request, "organisation/sso_refused.html", context, status=status)
