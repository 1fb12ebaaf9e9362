"""SAML 2.0 against a real identity provider (samlify, tests/idp/saml.mjs) on loopback.

MUS asks (SP-initiated), the IdP answers with a signed assertion, MUS checks it. A
tampered, misaddressed, stale or replayed answer is refused and changes nothing.
"""

import base64
import html
import re

import pytest
import requests

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
