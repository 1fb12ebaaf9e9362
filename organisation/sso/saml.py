"""SAML 2.0 through djangosaml2 (pysaml2, which verifies with xmlsec1).

SP-initiated only (unsolicited responses are refused); the assertion must be signed by
the identity provider's key from its metadata, for MUS's entity ID as audience, and within
its time conditions. A response is accepted once: its request is forgotten on first use,
so a replayed response answers nothing outstanding and is refused. Who the identity is
in MUS is decided by organisation.sso.match, as for OpenID Connect.

Single logout (SAML 2.0 profiles, 4.4), over the HTTP-Redirect binding only: MUS's policy
lets forms post only to MUS, so it never answers with a form posted on to the IdP.
MUS offers it after its own logout when the IdP's metadata has a SingleLogoutService for
that binding and MUS has its signing key (SAML_SP_KEY_FILE, SAML_SP_CERT_FILE): a
LogoutRequest must be signed. A LogoutRequest from the IdP must be signed with the IdP's
key from its metadata; it ends the MUS session that the IdP's login opened.
"""

import contextlib
import logging
import secrets
from importlib import import_module
from typing import Any, cast
from urllib.parse import urlencode

import saml2
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth as django_auth
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from djangosaml2.backends import Saml2Backend
from djangosaml2.cache import IdentityCache, StateCache
from djangosaml2.utils import get_location
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.ident import code, decode
from saml2.s_utils import status_message_factory, success_status_factory
from saml2.saml import NameID
from saml2.samlp import STATUS_UNKNOWN_PRINCIPAL
from saml2.xmldsig import SIG_RSA_SHA256

from organisation import auth, sso
from organisation.models import User

log = logging.getLogger("organisation.sso")

# What MUS keeps in the SAML session (djangosaml2's own cookie, which outlives MUS's
# session): who the IdP said the person is, the MUS session its login opened, and the
# one-time token of the link to the IdP's single logout.
SUBJECT = "mus_saml_subject"
MUS_SESSION = "mus_saml_session_key"
LOGOUT_TOKEN = "mus_saml_logout_token"


def config(request: HttpRequest | None = None) -> SPConfig:
    """pysaml2's configuration, from the environment (settings), read when it is needed."""
    base = settings.SITE_URL if request is None else request.build_absolute_uri("/").rstrip("/")
    metadata: dict[str, Any] = (
        {"remote": [{"url": settings.SAML_IDP_METADATA_URL}]}
        if settings.SAML_IDP_METADATA_URL
        else {"local": [settings.SAML_IDP_METADATA_FILE]}
    )
    logout_service = f"{base}{reverse('saml2_ls')}"
    key: dict[str, Any] = (
        {"key_file": settings.SAML_SP_KEY_FILE, "cert_file": settings.SAML_SP_CERT_FILE}
        if signing()
        else {}
    )
    conf = SPConfig()
    conf.load(
        {
            "xmlsec_binary": settings.SAML_XMLSEC_BINARY,
            "entityid": settings.SAML_SP_ENTITY_ID or f"{base}{reverse('saml2_metadata')}",
            "allow_unknown_attributes": True,
            "accepted_time_diff": 60,
            "signing_algorithm": SIG_RSA_SHA256,
            **key,
            "service": {
                "sp": {
                    "name": "MUS",
                    "endpoints": {
                        "assertion_consumer_service": [
                            (f"{base}{reverse('saml2_acs')}", saml2.BINDING_HTTP_POST)
                        ],
                        # Where the IdP sends its LogoutResponse and its own LogoutRequest.
                        "single_logout_service": [
                            (logout_service, saml2.BINDING_HTTP_REDIRECT),
                            (logout_service, saml2.BINDING_HTTP_POST),
                        ],
                    },
                    "allow_unsolicited": False,
                    "authn_requests_signed": False,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "name_id_format_allow_create": False,
                    "logout_requests_signed": signing(),
                    "logout_responses_signed": signing(),
                },
            },
            "metadata": metadata,
        }
    )
    # pysaml2 asks this flag, under the "idp" context whatever the entity, whether a
    # request it receives must be signed; for MUS that is the IdP's LogoutRequest.
    conf.setattr("idp", "want_authn_requests_signed", True)
    return conf


def signing() -> bool:
    """Whether MUS has its own key to sign with (needed for single logout)."""
    return bool(settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE)


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


# Single logout.


class LogoutRefused(Exception):
    """A LogoutRequest MUS does not take: unsigned, signed by another key, or not SAML."""


def _client(request: HttpRequest) -> tuple[StateCache, Saml2Client]:
    """pysaml2's client over this browser's SAML session, as djangosaml2's views make it."""
    saml_session = request.saml_session  # type: ignore[attr-defined]
    state = StateCache(saml_session)
    client = Saml2Client(
        config(request), state_cache=state, identity_cache=IdentityCache(saml_session)
    )
    return state, client


def remember_login(request: HttpRequest, session_info: dict[str, Any]) -> None:
    """After a SAML login: who the IdP said this is, and the MUS session it opened."""
    saml_session = request.saml_session  # type: ignore[attr-defined]
    saml_session[SUBJECT] = code(session_info["name_id"])
    saml_session[MUS_SESSION] = request.session.session_key


def _subject(request: HttpRequest) -> NameID | None:
    stored = request.saml_session.get(SUBJECT)  # type: ignore[attr-defined]
    return decode(stored) if stored else None


def _forget(request: HttpRequest) -> None:
    for key in (SUBJECT, MUS_SESSION, LOGOUT_TOKEN):
        request.saml_session.pop(key, None)  # type: ignore[attr-defined]


def single_logout_link(request: HttpRequest) -> str | None:
    """At MUS's logout (before it): the link on to the IdP's single logout, if it offers one.

    A link to MUS with a one-time token, not the IdP's address itself: the LogoutRequest is
    made and signed when the person follows it, so it is fresh, and no other site can send
    a browser off to log out of the municipality's account.
    """
    if not (sso.saml_enabled() and signing()):
        return None
    subject = _subject(request)
    if subject is None:
        return None  # not a SAML session
    _state, client = _client(request)
    if not any(
        saml2.BINDING_HTTP_REDIRECT
        in client.metadata.single_logout_service(entity_id=idp, typ="idpsso")
        for idp in client.users.issuers_of_info(subject)
    ):
        return None
    token = secrets.token_urlsafe(32)
    request.saml_session[LOGOUT_TOKEN] = token  # type: ignore[attr-defined]
    return f"{reverse('saml2_logout')}?{urlencode({'token': token})}"


def logout_request_url(request: HttpRequest, token: str) -> str | None:
    """The IdP's single logout with MUS's signed LogoutRequest, for the token given at
    logout (used once); None if the token is not this browser's or the IdP declines."""
    expected = request.saml_session.pop(LOGOUT_TOKEN, None)  # type: ignore[attr-defined]
    subject = _subject(request)
    if not (expected and constant_time_compare(token, expected) and subject is not None):
        return None
    state, client = _client(request)
    try:
        sent = client.do_logout(
            subject,
            client.users.issuers_of_info(subject),
            reason="",
            expire=None,
            expected_binding=saml2.BINDING_HTTP_REDIRECT,
            sign_alg=SIG_RSA_SHA256,
        )
    except (KeyError, saml2.SAMLError) as error:
        log.warning("SAML single logout could not be started: %r", error)
        return None
    finally:
        state.sync()
    for binding, http_info in (info for info in sent.values() if isinstance(info, tuple)):
        if binding == saml2.BINDING_HTTP_REDIRECT:
            return cast(str, get_location(http_info))
    return None


def _binding(request: HttpRequest) -> tuple[QueryDict, str]:
    if request.method == "POST":
        return request.POST, saml2.BINDING_HTTP_POST
    return request.GET, saml2.BINDING_HTTP_REDIRECT


def logout_confirmed(request: HttpRequest) -> bool:
    """The IdP's LogoutResponse to MUS's LogoutRequest: whether it says the person is out.

    It must answer a LogoutRequest this browser sent (InResponseTo) and come from the IdP
    that was asked; it only confirms a logout MUS has already done.
    """
    data, binding = _binding(request)
    state, client = _client(request)
    try:
        response = client.parse_logout_request_response(data["SAMLResponse"], binding)
    except Exception as error:  # pysaml2 raises many kinds for a message it cannot read
        log.warning("SAML LogoutResponse refused: %r", error)
        return False
    asked = state.pop(response.in_response_to, None) if response else None
    state.sync()
    if asked is None or asked.get("entity_id") != response.issuer():
        log.warning("SAML LogoutResponse answers no LogoutRequest of this browser")
        return False
    _forget(request)
    if not response.status_ok():
        log.warning("SAML single logout declined by %s", response.issuer())
        return False
    return True


def logout_requested(request: HttpRequest) -> str | None:
    """The IdP's own LogoutRequest: end the MUS session its login opened, and answer.

    Returns the address of the signed LogoutResponse (HTTP-Redirect) to send the browser
    to, or None when the IdP takes no answer over that binding. Raises LogoutRefused for a
    request that is not signed by the IdP.
    """
    data, binding = _binding(request)
    state, client = _client(request)
    try:
        asked = client.parse_logout_request(
            data["SAMLRequest"],
            binding,
            relay_state=data.get("RelayState"),
            sigalg=data.get("SigAlg"),
            signature=data.get("Signature"),
        )
    except Exception as error:  # an unsigned, tampered or unreadable request
        raise LogoutRefused(repr(error)) from error
    subject = _subject(request)
    if subject is not None and code(asked.message.name_id) == code(subject):
        end_mus_session(request)
        with contextlib.suppress(KeyError):  # not in pysaml2's identity cache: nothing to forget
            client.local_logout(subject)
        status = success_status_factory()
        log.info("SAML single logout from %s: the MUS session ended", asked.sender())
    else:
        status = status_message_factory("Unknown principal", STATUS_UNKNOWN_PRINCIPAL)
        log.warning("SAML LogoutRequest from %s for a subject not logged in", asked.sender())
    _forget(request)
    state.sync()
    try:
        destination = client.response_args(asked.message, [saml2.BINDING_HTTP_REDIRECT])
    except saml2.SAMLError:
        log.warning("SAML: %s takes no LogoutResponse over HTTP-Redirect", asked.sender())
        return None
    answer = client.create_logout_response(
        asked.message, bindings=[saml2.BINDING_HTTP_REDIRECT], status=status, sign=False
    )
    sent = client.apply_binding(
        destination["binding"],
        answer,
        destination["destination"],
        data.get("RelayState", ""),
        response=True,
        sign=signing(),  # over the redirect binding, the query is signed
        sigalg=SIG_RSA_SHA256,
    )
    return cast(str, get_location(sent))


def end_mus_session(request: HttpRequest) -> None:
    """End the MUS session the SAML login opened, whether or not this request carries it
    (a cross-site POST does not carry MUS's SameSite=Lax cookie)."""
    key = request.saml_session.get(MUS_SESSION)  # type: ignore[attr-defined]
    if key and key == request.session.session_key:
        django_auth.logout(request)
    elif key:
        import_module(settings.SESSION_ENGINE).SessionStore(session_key=key).delete()
