"""SAML 2.0 against a real identity provider (samlify, tests/idp/saml.mjs) on loopback.

MUS asks (SP-initiated), the IdP answers with a signed assertion, MUS checks it. A
tampered, misaddressed, stale or replayed answer is refused and changes nothing. Single
logout both ways: MUS's signed LogoutRequest after its own logout, and the IdP's.
"""

import base64
import html
import re

import pytest
import requests
from django.contrib.sessions.models import Session

from organisation.models import AccountEvent, Person, User
from tests.identity_providers import saml_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp(settings, tmp_path):
    with saml_provider(settings, tmp_path, "http://testserver") as base:
        yield base


@pytest.fixture
def anne(employee):
    employee.employee_number = "E100"
    employee.save()
    return employee


def saml_response(client, login, **knobs):
    """MUS's request, through the IdP's login form: the IdP's signed answer, base64."""
    asked = client.get("/sso/saml/login/")
    assert asked.status_code == 302, asked.content
    form = requests.get(asked["Location"], timeout=10)
    assert form.ok, form.text
    fields = dict(re.findall(r'name="(requestId|relayState)" value="([^"]*)"', form.text))
    fields = {k: html.unescape(v) for k, v in fields.items()}
    answer = requests.post(
        asked["Location"].split("?")[0] + "/login",
        data={**fields, "login": login, **knobs},
        timeout=10,
    )
    assert answer.ok, answer.text
    found = re.search(r'name="SAMLResponse" value="([^"]+)"', answer.text)
    assert found, answer.text
    return html.unescape(found.group(1))


def post(client, response):
    return client.post("/sso/saml/acs/", {"SAMLResponse": response, "RelayState": "/"})


def logged_in(client):
    return "_auth_user_id" in client.session


def nothing_changed(counts):
    return counts == (Person.objects.count(), User.objects.count(), AccountEvent.objects.count())


def counts():
    return (Person.objects.count(), User.objects.count(), AccountEvent.objects.count())


def test_a_signed_assertion_logs_the_employee_in(client, idp, anne):
    response = post(client, saml_response(client, "anne"))
    assert response.status_code == 302, response.content
    assert client.session["_auth_user_id"] == str(anne.user.pk)
    assert "Anne Andersen" in client.get("/").content.decode()


def test_the_metadata_names_mus_and_its_acs(client, idp):
    metadata = client.get("/sso/saml/metadata/").content.decode()
    assert 'entityID="http://testserver/sso/saml/metadata/"' in metadata
    assert "http://testserver/sso/saml/acs/" in metadata


def test_an_unknown_person_is_refused_and_nothing_created(client, idp, anne, caplog):
    before = counts()
    response = post(client, saml_response(client, "nobody"))
    assert response.status_code == 403 and not logged_in(client)
    assert "Kontakt HR-afdelingen på hr@kommune.dk" in response.content.decode()
    assert nothing_changed(before)
    assert "X999" in caplog.text


def test_idp_group_grants_hr(client, idp, office):
    from tests.conftest import make_person

    hanne = make_person("hanne", office, first_name="Hanne")
    hanne.employee_number = "H1"
    hanne.save()
    post(client, saml_response(client, "hanne"))
    assert logged_in(client)
    assert hanne.user.groups.filter(name="HR").exists() and not hanne.user.is_superuser


def test_a_replayed_assertion_is_refused(client, idp, anne):
    answer = saml_response(client, "anne")
    assert post(client, answer).status_code == 302
    client.logout()
    before = counts()
    replayed = post(client, answer)
    assert replayed.status_code in (400, 403) and not logged_in(client)
    assert nothing_changed(before)


def tamper(answer: str) -> str:
    xml = base64.b64decode(answer).decode()
    assert ">E100<" in xml
    return base64.b64encode(xml.replace(">E100<", ">H1<").encode()).decode()


@pytest.mark.parametrize(
    ("why", "make"),
    [
        ("wrong signature", lambda client: tamper(saml_response(client, "anne"))),
        ("wrong audience", lambda client: saml_response(client, "anne", audience="https://evil/")),
        ("expired", lambda client: saml_response(client, "anne", expired="1")),
        ("not base64 XML", lambda client: (saml_response(client, "anne"), "PHhtbD4=")[1]),
    ],
)
def test_a_bad_assertion_is_refused_and_changes_nothing(
    client, idp, anne, office, why, make, caplog
):
    from tests.conftest import make_person

    hanne = make_person("hanne", office, first_name="Hanne")
    hanne.employee_number = "H1"
    hanne.save()
    answer = make(client)
    before = counts()
    response = post(client, answer)
    assert response.status_code in (400, 403), why
    assert not logged_in(client), why
    assert nothing_changed(before)
    assert "SAML response refused" in caplog.text


def test_an_unsolicited_assertion_is_refused(client, idp, anne):
    answer = saml_response(client, "anne")
    fresh = type(client)()
    assert fresh.post("/sso/saml/acs/", {"SAMLResponse": answer}).status_code == 403
    assert "_auth_user_id" not in fresh.session


def test_without_saml_its_pages_do_not_exist(client):
    assert client.get("/sso/saml/login/").status_code == 404
    assert client.post("/sso/saml/acs/", {"SAMLResponse": "x"}).status_code == 404


def test_an_answer_from_an_unknown_identity_provider_is_refused(client, idp, anne, tmp_path):
    """Another IdP, with its own key, answers MUS's real request: its issuer is unknown."""
    from tests.identity_providers import node_provider, signing_pair

    other = tmp_path / "other"
    other.mkdir()
    cert, key = signing_pair(other)
    asked = client.get("/sso/saml/login/")
    form = requests.get(asked["Location"], timeout=10).text
    request_id = html.unescape(re.search(r'name="requestId" value="([^"]*)"', form).group(1))
    with node_provider(
        "saml.mjs",
        "http://testserver/sso/saml/metadata/",
        "http://testserver/sso/saml/acs/",
        str(cert),
        str(key),
        ready_path="/metadata",
    ) as stranger:
        answer = requests.post(
            f"{stranger}/sso/login", data={"requestId": request_id, "login": "anne"}, timeout=10
        ).text
    forged = html.unescape(re.search(r'name="SAMLResponse" value="([^"]+)"', answer).group(1))
    before = counts()
    assert post(client, forged).status_code in (400, 403)
    assert not logged_in(client) and nothing_changed(before)


# Single logout, through the same IdP (HTTP-Redirect, signed both ways).


def logged_in_through_saml(client, anne):
    assert post(client, saml_response(client, "anne")).status_code == 302
    assert client.session["_auth_user_id"] == str(anne.user.pk)
    return client.session.session_key


def mus_path(url):
    """A URL of MUS's as the test client asks for it (the IdP names MUS by its address)."""
    assert url.startswith("http://testserver/"), url
    return url.removeprefix("http://testserver")


def test_the_metadata_names_the_single_logout_service_and_mus_key(client, idp):
    metadata = client.get("/sso/saml/metadata/").content.decode()
    assert re.search(r'SingleLogoutService[^>]+HTTP-Redirect"[^>]+/sso/saml/ls/"', metadata)
    assert 'use="signing"' in metadata


def test_logging_out_offers_the_idps_single_logout_and_the_idp_confirms(client, idp, anne):
    logged_in_through_saml(client, anne)
    page = client.post("/logout/")
    assert page.status_code == 200 and not logged_in(client)
    assert "Du er logget ud af MUS" in page.content.decode()
    link = html.unescape(
        re.search(r'href="(/sso/saml/logout/\?token=[^"]+)"', page.content.decode())[1]
    )

    to_idp = client.get(link)
    assert to_idp.status_code == 302 and to_idp["Location"].startswith(f"{idp}/slo?SAMLRequest=")
    assert "Signature=" in to_idp["Location"]
    # The IdP checks MUS's signature, logs out and answers with its LogoutResponse.
    answered = requests.get(to_idp["Location"], allow_redirects=False, timeout=10)
    assert answered.status_code == 302, answered.text
    back = client.get(mus_path(answered.headers["Location"]))
    assert back.status_code == 302 and back["Location"] == "/login/"

    # The link was for one logout: followed again, it goes nowhere near the IdP.
    assert client.get(link)["Location"] == "/login/"
    # Nor does the answer count twice.
    again = client.get(mus_path(answered.headers["Location"]))
    assert "Udlogningen blev ikke bekræftet" in again.content.decode()


def test_the_link_to_single_logout_works_only_with_its_token_after_logging_out(client, idp, anne):
    logged_in_through_saml(client, anne)
    # Still logged in to MUS: MUS's own logout (a POST) comes first.
    assert client.get("/sso/saml/logout/")["Location"] == "/"
    assert logged_in(client)
    client.post("/logout/")
    assert client.get("/sso/saml/logout/?token=guessed")["Location"] == "/login/"
    assert client.post("/sso/saml/logout/").status_code == 405


def test_without_its_signing_key_mus_offers_no_single_logout(client, idp, anne, settings):
    logged_in_through_saml(client, anne)
    settings.SAML_SP_KEY_FILE = ""
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not logged_in(client)


def idp_asks_mus_to_log_out(idp, login):
    started = requests.get(f"{idp}/slo/start", params={"login": login}, allow_redirects=False)
    assert started.status_code == 302, started.text
    return mus_path(started.headers["Location"])


def test_the_idps_logout_request_ends_the_mus_session(client, idp, anne, caplog):
    key = logged_in_through_saml(client, anne)
    answer = client.get(idp_asks_mus_to_log_out(idp, "anne"))
    assert answer.status_code == 302 and answer["Location"].startswith(f"{idp}/slo?SAMLResponse=")
    assert not logged_in(client)
    assert not Session.objects.filter(session_key=key).exists()
    # MUS's LogoutResponse, signed: the IdP checks it and reads its status.
    shown = requests.get(answer["Location"], timeout=10)
    assert shown.ok, shown.text
    assert "MUS answered: Success" in shown.text
    assert "the MUS session ended" in caplog.text


def test_the_idps_logout_request_ends_the_session_without_mus_cookie(client, idp, anne):
    """A cross-site request may carry only the SAML session's cookie, not MUS's own."""
    key = logged_in_through_saml(client, anne)
    bare = type(client)()
    bare.cookies["saml_session"] = client.cookies["saml_session"].value
    assert bare.get(idp_asks_mus_to_log_out(idp, "anne")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302  # to the login page


def test_an_idp_that_takes_no_answer_over_redirect_still_ends_the_session(
    client, idp, anne, monkeypatch
):
    import saml2
    from saml2.client import Saml2Client

    def no_redirect_endpoint(self, message, bindings=None, descr_type=""):
        raise saml2.SAMLError("Unknown entity or unsupported bindings")

    key = logged_in_through_saml(client, anne)
    asked = idp_asks_mus_to_log_out(idp, "anne")
    monkeypatch.setattr(Saml2Client, "response_args", no_redirect_endpoint)
    answer = client.get(asked)
    assert answer.status_code == 302 and answer["Location"] == "/login/"
    assert not Session.objects.filter(session_key=key).exists()


def test_a_logout_request_for_someone_else_ends_nothing(client, idp, anne):
    logged_in_through_saml(client, anne)
    answer = client.get(idp_asks_mus_to_log_out(idp, "hanne"))
    assert answer.status_code == 302 and logged_in(client)
    assert "MUS answered: UnknownPrincipal" in requests.get(answer["Location"], timeout=10).text


@pytest.mark.parametrize(
    ("why", "spoil"),
    [
        ("unsigned", lambda url: re.sub(r"&(SigAlg|Signature)=[^&]*", "", url)),
        ("signature over other values", lambda url: url + "&RelayState=elsewhere"),
        ("not SAML", lambda url: "/sso/saml/ls/?SAMLRequest=bm90IFNBTUw%3D"),
    ],
)
def test_a_bad_logout_request_is_refused_and_ends_nothing(client, idp, anne, why, spoil, caplog):
    key = logged_in_through_saml(client, anne)
    refused = client.get(spoil(idp_asks_mus_to_log_out(idp, "anne")))
    assert refused.status_code == 400, why
    assert "Udlogningen blev ikke bekræftet" in refused.content.decode()
    assert logged_in(client) and Session.objects.filter(session_key=key).exists()
    assert "SAML LogoutRequest refused" in caplog.text


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"SAMLResponse": "bm90IFNBTUw="},
        {"SAMLResponse": "<x>"},
        {"SAMLRequest": "%%%", "SigAlg": "nonsense", "Signature": "AAAA"},
    ],
)
def test_the_single_logout_service_refuses_what_is_no_logout_message(
    client, idp, anne, method, data
):
    key = logged_in_through_saml(client, anne)
    answer = getattr(client, method)("/sso/saml/ls/", data)
    assert answer.status_code in (200, 400)
    assert "Udlogningen blev ikke bekræftet" in answer.content.decode()
    assert logged_in(client) and Session.objects.filter(session_key=key).exists()


def test_the_single_logout_service_takes_only_get_and_post(client, idp):
    assert client.put("/sso/saml/ls/").status_code == 405


def test_without_saml_single_logout_does_not_exist(client):
    assert client.get("/sso/saml/ls/").status_code == 404
    assert client.get("/sso/saml/logout/").status_code == 404
