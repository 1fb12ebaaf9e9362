"""OpenID Connect: every check on what comes back from the provider, and what SSO turns off.

The ID token is forged here with a key of the test's own (OIDC_RP_IDP_SIGN_KEY pins the
provider's key), so each refusal can be made to happen: a wrong signature, audience,
issuer, expiry, nonce or state. Each is refused, logs why, and changes nothing.
"""

import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from organisation.models import AccountEvent, Person, User
from organisation.sso import oidc as mus_oidc
from organisation.sso.oidc import Backend
from tests.conftest import PASSWORD
from tests.identity_providers import node_provider

pytestmark = pytest.mark.django_db

ISSUER = "https://login.example.test/tenant/v2.0"


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


PROVIDER_KEY = _key()
OTHER_KEY = _key()


@pytest.fixture(autouse=True)
def fresh_discovery():
    """Each test reads the provider's discovery document afresh (it is kept per process)."""
    mus_oidc.discover.cache_clear()
    yield
    mus_oidc.discover.cache_clear()


@pytest.fixture
def oidc(settings):
    """Every endpoint named in the environment, as for a provider without discovery."""
    settings.OIDC_RP_CLIENT_ID = "mus"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/keys"
    settings.OIDC_RP_IDP_SIGN_KEY = (
        PROVIDER_KEY.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings.SSO_HR_GROUPS = ["mus-hr"]
    settings.SSO_BREAK_GLASS_USERS = ["root"]


@pytest.fixture
def discovered(oidc, settings):
    """Only the issuer, as docs/sso.md says for Entra ID: the endpoints are discovered."""
    for setting in mus_oidc.ENDPOINTS:
        setattr(settings, setting, "")


DOCUMENT = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/oauth2/authorize",
    "token_endpoint": f"{ISSUER}/oauth2/token",
    "jwks_uri": f"{ISSUER}/discovery/keys",
    "end_session_endpoint": f"{ISSUER}/oauth2/logout",
}


class Published:
    """The provider's discovery document as requests.get answers it, and who asked."""

    def __init__(self, monkeypatch, document=DOCUMENT, error=None):
        self.document, self.error, self.fetched = document, error, []
        monkeypatch.setattr(mus_oidc.requests, "get", self.get)

    def get(self, url, timeout):
        self.fetched.append(url)
        if self.error:
            raise self.error
        return self

    def raise_for_status(self):
        pass

    def json(self):
        return self.document


@pytest.fixture
def anne(employee):
    employee.employee_number = "E100"
    employee.save()
    employee.user.email = "anne@kommune.dk"
    employee.user.save()
    return employee


def start(client):
    """The login's first leg: MUS sends the browser to the provider with state, nonce, PKCE."""
    response = client.get(reverse("oidc_login"))
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    return query["state"][0], query["nonce"][0]


def token(nonce, key=PROVIDER_KEY, **claims):
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": "mus",
        "sub": "abc",
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        "employee_number": "E100",
        **claims,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, key, algorithm="RS256")


def finish(client, monkeypatch, state, id_token, address="10.0.0.1"):
    """The provider's answer: the code comes back, and the token endpoint gives id_token."""
    monkeypatch.setattr(
        Backend, "get_token", lambda self, payload: {"id_token": id_token, "access_token": "x"}
    )
    return client.get(
        reverse("oidc_authentication_callback"), {"code": "c", "state": state}, REMOTE_ADDR=address
    )


def logged_in(client):
    return "_auth_user_id" in client.session


def test_a_signed_token_for_a_known_employee_number_logs_her_in(client, oidc, anne, monkeypatch):
    state, nonce = start(client)
    response = finish(client, monkeypatch, state, token(nonce))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(anne.user.pk)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Anne Andersen" in page


def test_a_verified_email_is_matched_when_no_number_comes(client, oidc, anne, monkeypatch):
    state, nonce = start(client)
    id_token = token(nonce, employee_number=None, email="ANNE@kommune.dk", email_verified=True)
    finish(client, monkeypatch, state, id_token)
    assert client.session["_auth_user_id"] == str(anne.user.pk)


def test_the_verified_claim_is_configurable_for_entra(client, oidc, anne, monkeypatch, settings):
    settings.SSO_EMAIL_VERIFIED_CLAIM = "xms_edov"
    state, nonce = start(client)
    id_token = token(nonce, employee_number=None, email="anne@kommune.dk", xms_edov=True)
    finish(client, monkeypatch, state, id_token)
    assert client.session["_auth_user_id"] == str(anne.user.pk)


def test_an_unverified_email_is_not_enough(client, oidc, anne, monkeypatch):
    state, nonce = start(client)
    id_token = token(nonce, employee_number=None, email="anne@kommune.dk", email_verified=False)
    response = finish(client, monkeypatch, state, id_token)
    assert response["Location"] == reverse("sso_refused") and not logged_in(client)


def test_an_unknown_person_is_refused_with_whom_to_contact_and_nothing_created(
    client, oidc, anne, monkeypatch, settings, caplog
):
    settings.SSO_CONTACT = "HR på hr@kommune.dk"
    people, users = Person.objects.count(), User.objects.count()
    state, nonce = start(client)
    response = finish(client, monkeypatch, state, token(nonce, employee_number="X999"))
    assert response["Location"] == reverse("sso_refused") and not logged_in(client)
    page = client.get(response["Location"])
    assert page.status_code == 403
    assert "Kontakt HR på hr@kommune.dk" in page.content.decode()
    assert (Person.objects.count(), User.objects.count()) == (people, users)
    assert "X999" in caplog.text and "matches no active person" in caplog.text


def test_a_deactivated_person_cannot_log_in(client, oidc, anne, monkeypatch):
    anne.user.is_active = False
    anne.user.save()
    state, nonce = start(client)
    finish(client, monkeypatch, state, token(nonce))
    assert not logged_in(client)


def test_a_superuser_is_never_matched(client, oidc, anne, monkeypatch):
    anne.user.is_superuser = True
    anne.user.save()
    state, nonce = start(client)
    finish(client, monkeypatch, state, token(nonce))
    assert not logged_in(client)


@pytest.mark.parametrize(
    ("why", "forge"),
    [
        ("wrong signature", lambda nonce: token(nonce, key=OTHER_KEY)),
        ("wrong audience", lambda nonce: token(nonce, aud="another-app")),
        ("unknown issuer", lambda nonce: token(nonce, iss="https://evil.example/")),
        ("expired", lambda nonce: token(nonce, exp=int(time.time()) - 3600)),
        ("wrong nonce", lambda nonce: token("not-the-nonce")),
        ("no nonce", lambda nonce: token(None)),
        ("tampered", lambda nonce: token(nonce)[:-8] + "AAAAAAAA"),
        (
            "unsigned",
            lambda nonce: jwt.encode({"sub": "x", "nonce": nonce}, None, algorithm="none"),
        ),
    ],
)
def test_a_bad_id_token_is_refused_and_changes_nothing(
    client, oidc, anne, monkeypatch, why, forge, caplog
):
    people, users, events = (
        Person.objects.count(),
        User.objects.count(),
        AccountEvent.objects.count(),
    )
    state, nonce = start(client)
    response = finish(client, monkeypatch, state, forge(nonce))
    assert response.status_code == 400, why
    assert not logged_in(client)
    assert (Person.objects.count(), User.objects.count()) == (people, users)
    assert AccountEvent.objects.count() == events
    assert caplog.records, "the refusal is logged"


def test_a_wrong_state_is_refused(client, oidc, anne, monkeypatch, caplog):
    _, nonce = start(client)
    response = finish(client, monkeypatch, "forged-state", token(nonce))
    assert response.status_code == 400 and not logged_in(client)
    assert "state" in caplog.text


def test_a_state_is_used_once(client, oidc, anne, monkeypatch):
    state, nonce = start(client)
    id_token = token(nonce)
    finish(client, monkeypatch, state, id_token)
    client.logout()
    assert finish(client, monkeypatch, state, id_token).status_code in (302, 400)
    assert not logged_in(client)


def test_provider_group_grants_hr_and_losing_it_takes_it(client, oidc, anne, monkeypatch):
    state, nonce = start(client)
    finish(client, monkeypatch, state, token(nonce, groups=["mus-hr", "admins"]))
    user = User.objects.get(pk=anne.user.pk)
    assert user.groups.filter(name="HR").exists()
    assert not (user.is_superuser or user.is_staff)
    assert AccountEvent.objects.filter(subject=user, kind=AccountEvent.Kind.ADDED_TO_GROUP).exists()
    client.logout()
    state, nonce = start(client)
    finish(client, monkeypatch, state, token(nonce, groups=["admins"]))
    assert not user.groups.filter(name="HR").exists()


def test_repeated_refusals_of_one_identity_lock_it_out(client, oidc, anne, monkeypatch, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        state, nonce = start(client)
        finish(client, monkeypatch, state, token(nonce, employee_number="X999"))
    state, nonce = start(client)
    locked = finish(client, monkeypatch, state, token(nonce, employee_number="X999"))
    assert locked.status_code == 429
    # Locked even once the identity would match: the cool-off must pass first.
    Person.objects.filter(pk=anne.pk).update(employee_number="X999")
    state, nonce = start(client)
    assert (
        finish(client, monkeypatch, state, token(nonce, employee_number="X999")).status_code == 429
    )
    assert not logged_in(client)
    Person.objects.filter(pk=anne.pk).update(employee_number="E100")
    # Another identity from the same address (a town hall behind one address) still logs in.
    state, nonce = start(client)
    finish(client, monkeypatch, state, token(nonce))
    assert logged_in(client)


def test_with_sso_on_passwords_open_only_break_glass_accounts(client, oidc, anne, superuser):
    refused = client.post(reverse("login"), {"username": "anne", "password": PASSWORD})
    assert refused.status_code == 200 and not logged_in(client)
    superuser.username = "root"
    superuser.save()
    client.post(reverse("login"), {"username": "root", "password": PASSWORD})
    assert logged_in(client)


def test_with_sso_on_the_password_page_says_where_the_password_lives(client, oidc, anne):
    client.force_login(anne.user)
    page = client.get(reverse("password_change"))
    assert "Du logger ind i MUS med din kommunekonto" in page.content.decode()
    assert "old_password" not in page.content.decode()
    changed = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert changed.status_code == 200
    assert User.objects.get(pk=anne.user.pk).check_password(PASSWORD)


def test_an_sso_session_ends_when_logging_out_everywhere(client, oidc, anne, monkeypatch):
    state, nonce = start(client)
    finish(client, monkeypatch, state, token(nonce))
    key = client.session.session_key
    other = client_class_login(anne)
    other.post(reverse("logout_everywhere"))
    assert client.get(reverse("dashboard")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists() or not logged_in(client)


def client_class_login(person):
    from django.test import Client

    other = Client()
    other.force_login(person.user, backend="organisation.auth.Backend")
    return other


def test_without_sso_the_provider_pages_do_not_exist_and_passwords_work(client, anne):
    assert client.get(reverse("oidc_login")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404
    login_page = client.get(reverse("login")).content.decode()
    assert "kommunekonto" not in login_page
    client.post(reverse("login"), {"username": "anne", "password": PASSWORD})
    assert logged_in(client)


def test_the_trail_names_a_person_who_came_through_sso(client, oidc, anne, review, monkeypatch):
    from trail.models import ReviewEvent

    state, nonce = start(client)
    finish(client, monkeypatch, state, token(nonce))
    before = ReviewEvent.objects.filter(review=review, actor=anne.user).count()
    assert client.get(reverse("review_detail", args=[review.public_id])).status_code == 200
    assert ReviewEvent.objects.filter(review=review, actor=anne.user).count() > before


# The provider's endpoints from its discovery document (OIDC_ISSUER alone).


def test_the_endpoints_are_discovered_from_a_real_provider_once(client, settings, monkeypatch):
    with node_provider(
        "oidc.mjs",
        "http://testserver/sso/oidc/callback/",
        ready_path="/.well-known/openid-configuration",
    ) as issuer:
        settings.OIDC_RP_CLIENT_ID = "mus"
        settings.OIDC_ISSUER = issuer
        for setting in mus_oidc.ENDPOINTS:
            setattr(settings, setting, "")
        fetched = []
        real_get = requests.get
        monkeypatch.setattr(
            mus_oidc.requests, "get", lambda url, **kw: fetched.append(url) or real_get(url, **kw)
        )
        for _ in range(2):
            response = client.get(reverse("oidc_login"))
            assert response.status_code == 302
            assert response["Location"].startswith(f"{issuer}/auth?")
        assert mus_oidc.endpoint("OIDC_OP_TOKEN_ENDPOINT") == f"{issuer}/token"
        assert mus_oidc.endpoint("OIDC_OP_JWKS_ENDPOINT") == f"{issuer}/jwks"
        assert mus_oidc.endpoint("OIDC_OP_END_SESSION_ENDPOINT") == f"{issuer}/session/end"
        assert fetched == [f"{issuer}/.well-known/openid-configuration"]


def test_a_login_through_discovered_endpoints(client, discovered, anne, monkeypatch):
    published = Published(monkeypatch)
    state, nonce = start(client)
    used = []
    monkeypatch.setattr(
        Backend,
        "get_token",
        lambda self, payload: (
            used.append(self.OIDC_OP_TOKEN_ENDPOINT)
            or {"id_token": token(nonce), "access_token": "x"}
        ),
    )
    client.get(reverse("oidc_authentication_callback"), {"code": "c", "state": state})
    assert client.session["_auth_user_id"] == str(anne.user.pk)
    assert used == [DOCUMENT["token_endpoint"]]
    assert published.fetched == [f"{ISSUER}/.well-known/openid-configuration"]


def test_the_id_token_must_name_the_discovered_issuer_exactly(
    client, discovered, anne, monkeypatch
):
    Published(monkeypatch)
    state, nonce = start(client)
    response = finish(client, monkeypatch, state, token(nonce, iss=f"{ISSUER}/"))
    assert response.status_code == 400 and not logged_in(client)


def test_a_discovery_document_of_another_issuer_is_refused(
    client, discovered, anne, monkeypatch, caplog
):
    """A document naming another issuer would let that issuer's keys sign for MUS."""
    elsewhere = "https://login.evil.example/tenant/v2.0"
    published = Published(
        monkeypatch,
        {key: value.replace(ISSUER, elsewhere) for key, value in DOCUMENT.items()},
    )
    response = client.get(reverse("oidc_login"))
    assert response.status_code == 503
    assert "Kommunens login kan ikke nås" in response.content.decode()
    assert "evil" not in response.content.decode()
    assert f"names the issuer '{elsewhere}', not OIDC_ISSUER '{ISSUER}'" in caplog.text
    assert not logged_in(client)
    # Not kept: once the provider answers as itself, the next login goes on.
    published.document = DOCUMENT
    response = client.get(reverse("oidc_login"))
    assert response["Location"].startswith(DOCUMENT["authorization_endpoint"] + "?")
    assert len(published.fetched) == 2


def test_an_unreachable_provider_gets_a_clear_page_and_the_error_logged(
    client, discovered, anne, monkeypatch, caplog
):
    Published(monkeypatch, error=requests.ConnectionError("connection refused"))
    response = client.get(reverse("oidc_login"))
    assert response.status_code == 503
    page = response.content.decode()
    assert "Kommunens login kan ikke nås" in page and "Prøv igen" in page
    assert "openid-configuration could not be read: connection refused" in caplog.text


def test_an_unreachable_provider_at_the_callback_gets_the_same_page(
    client, discovered, anne, monkeypatch
):
    published = Published(monkeypatch)
    state, nonce = start(client)
    mus_oidc.discover.cache_clear()  # another process of MUS answers the callback
    published.error = requests.Timeout("read timed out")
    response = finish(client, monkeypatch, state, token(nonce))
    assert response.status_code == 503 and not logged_in(client)


def test_an_endpoint_in_the_environment_overrides_the_discovered_one(
    client, discovered, settings, monkeypatch
):
    Published(monkeypatch)
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example.test/custom/authorize"
    response = client.get(reverse("oidc_login"))
    assert response["Location"].startswith("https://login.example.test/custom/authorize?")
    assert mus_oidc.endpoint("OIDC_OP_TOKEN_ENDPOINT") == DOCUMENT["token_endpoint"]


def test_with_every_endpoint_named_nothing_is_fetched(client, oidc, anne, monkeypatch):
    published = Published(monkeypatch, error=AssertionError("no discovery expected"))
    assert client.get(reverse("oidc_login")).status_code == 302
    state, nonce = start(client)
    finish(client, monkeypatch, state, token(nonce))
    assert logged_in(client)
    client.post(reverse("logout"))
    assert published.fetched == []


def test_logging_out_offers_the_discovered_end_session(client, discovered, anne, monkeypatch):
    Published(monkeypatch)
    state, nonce = start(client)
    finish(client, monkeypatch, state, token(nonce))
    page = client.post(reverse("logout")).content.decode()
    assert f'href="{DOCUMENT["end_session_endpoint"]}?id_token_hint=' in page
    assert not logged_in(client)


def test_without_the_issuer_oidc_is_a_configuration_error(client, oidc, settings):
    settings.OIDC_ISSUER = ""
    with pytest.raises(ImproperlyConfigured, match="OIDC_ISSUER"):
        client.get(reverse("oidc_login"))


def test_manage_py_never_asks_the_provider(discovered, monkeypatch):
    published = Published(monkeypatch, error=requests.ConnectionError("unreachable"))
    call_command("check")
    assert published.fetched == []
