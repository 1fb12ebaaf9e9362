"""SCIM 2.0 provisioning with the requests Microsoft Entra ID sends.

Entra creates a user, patches their manager and deactivates them with the PATCH
"active": "False" (a string). A deactivated person is logged out at once and cannot log
in, and their reviews stay as records. Without the bearer token, or with a body that is
not JSON, nothing changes, the answer says why with SCIM's error format, and it is logged.
"""

import json

import pytest
from django.test import Client

from organisation.models import AccountEvent, Person, User
from reviews.models import Review
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "scim-test-token-0123456789"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def scim(settings, office):
    settings.SCIM_TOKEN = TOKEN
    settings.SCIM_DEPARTMENT = office.name
    return Client(headers={"Authorization": f"Bearer {TOKEN}"})


def send(client, method, path, body=None, **headers):
    if method in ("get", "delete"):
        return getattr(client, method)(f"/scim/v2/{path}", headers=headers)
    data = body if isinstance(body, str | bytes) else json.dumps(body or {})
    return getattr(client, method)(
        f"/scim/v2/{path}", data=data, content_type="application/scim+json", headers=headers
    )


ENTRA_CREATE = {
    "schemas": [CORE, ENTERPRISE],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "sofie@kommune.dk",
    "active": True,
    "emails": [{"primary": True, "type": "work", "value": "sofie@kommune.dk"}],
    "meta": {"resourceType": "User"},
    "name": {"formatted": "Sofie Holm", "familyName": "Holm", "givenName": "Sofie"},
    "roles": [],
    ENTERPRISE: {"employeeNumber": "E555", "department": "Kontoret"},
}


def test_entra_creates_a_person_who_cannot_use_a_password(scim, office):
    response = send(scim, "post", "Users", ENTRA_CREATE)
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(employee_number="E555")
    assert body["id"] == str(person.user_id) and body["userName"] == "sofie@kommune.dk"
    assert person.user.get_full_name() == "Sofie Holm" and person.department == office
    assert not person.user.has_usable_password()
    assert response["Content-Type"].startswith("application/scim+json")


def test_entra_finds_a_person_by_username(scim, employee):
    found = send(scim, "get", 'Users?filter=userName eq "anne"').json()
    assert found["totalResults"] == 1 and found["Resources"][0]["userName"] == "anne"
    assert send(scim, "get", 'Users?filter=userName eq "nobody"').json()["totalResults"] == 0


def test_entra_patches_the_manager_and_removes_it(scim, employee, other_manager):
    patch = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(other_manager.user_id)}
        ],
    }
    response = send(scim, "patch", f"Users/{employee.user_id}", patch)
    assert response.status_code == 200, response.content
    employee.refresh_from_db()
    assert employee.manager == other_manager
    assert response.json()[ENTERPRISE]["manager"]["value"] == str(other_manager.user_id)
    remove = {"schemas": [PATCH], "Operations": [{"op": "Remove", "path": f"{ENTERPRISE}:manager"}]}
    send(scim, "patch", f"Users/{employee.user_id}", remove)
    employee.refresh_from_db()
    assert employee.manager is None


def test_entra_patches_names_and_employee_number(scim, employee):
    patch = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "Replace", "path": "name.familyName", "value": "Jensen"},
            {"op": "Replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "E777"},
            {"op": "Replace", "path": "displayName", "value": "Anne Jensen"},
        ],
    }
    assert send(scim, "patch", f"Users/{employee.user_id}", patch).status_code == 200
    employee.refresh_from_db()
    assert employee.user.last_name == "Jensen" and employee.employee_number == "E777"


def test_deactivating_ends_sessions_at_once_and_keeps_the_reviews(scim, review, employee):
    browser = Client()
    browser.post("/login/", {"username": "anne", "password": PASSWORD})
    assert browser.get("/").status_code == 200
    patch = {
        "schemas": [PATCH],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
    }
    response = send(scim, "patch", f"Users/{employee.user_id}", patch)
    assert response.status_code == 200 and response.json()["active"] is False
    assert browser.get("/").status_code == 302  # logged out on the next request
    again = Client()
    again.post("/login/", {"username": "anne", "password": PASSWORD})
    assert "_auth_user_id" not in again.session
    assert Review.objects.filter(pk=review.pk, employee=employee).exists()
    assert AccountEvent.objects.filter(
        subject=employee.user, kind=AccountEvent.Kind.DEACTIVATED
    ).exists()


def test_delete_deactivates_and_keeps_the_records(scim, review, employee):
    assert send(scim, "delete", f"Users/{employee.user_id}").status_code == 204
    assert not User.objects.get(pk=employee.user_id).is_active
    assert Review.objects.filter(pk=review.pk).exists()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}],
    ids=["no token", "wrong token", "not bearer"],
)
def test_without_the_token_nothing_changes(settings, office, employee, headers, caplog):
    settings.SCIM_TOKEN = TOKEN
    settings.SCIM_DEPARTMENT = office.name
    client = Client(headers=headers)
    users = User.objects.count()
    created = send(client, "post", "Users", ENTRA_CREATE)
    assert created.status_code == 401
    assert created.json()["detail"] == "A valid bearer token is required."
    off = {
        "schemas": [PATCH],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
    }
    assert send(client, "patch", f"Users/{employee.user_id}", off).status_code == 401
    assert User.objects.count() == users and User.objects.get(pk=employee.user_id).is_active
    assert "refused (401)" in caplog.text


def test_scim_is_off_without_a_configured_token(client, settings, employee):
    settings.SCIM_TOKEN = ""
    response = send(client, "get", "Users", Authorization="Bearer ")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body", ['{"userName": "x",', "[1, 2]", b"\xff\xfe"], ids=["cut off", "a list", "not utf-8"]
)
def test_malformed_json_is_refused_with_nothing_changed(scim, employee, body, caplog):
    users = User.objects.count()
    response = send(scim, "post", "Users", body)
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidSyntax"
    patched = send(scim, "patch", f"Users/{employee.user_id}", body)
    assert patched.status_code == 400
    assert User.objects.count() == users
    assert "refused (400)" in caplog.text


def test_invalid_values_are_refused_clearly(scim, employee):
    no_number = {**ENTRA_CREATE, ENTERPRISE: {}}
    response = send(scim, "post", "Users", no_number)
    assert response.status_code == 400 and "employee_number" in response.json()["detail"]
    taken = {**ENTRA_CREATE, "userName": "anne"}
    assert send(scim, "post", "Users", taken).status_code == 409
    bad_manager = {
        "schemas": [PATCH],
        "Operations": [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": "999999"}],
    }
    assert send(scim, "patch", f"Users/{employee.user_id}", bad_manager).status_code == 400
    assert send(scim, "get", "Users/999999").status_code == 404
    employee.refresh_from_db()
    assert employee.manager is not None


def test_wrong_methods_are_refused(scim, employee):
    assert send(scim, "delete", "Users").status_code == 405
    assert send(scim, "post", f"Users/{employee.user_id}", {}).status_code == 405


def test_listing_costs_a_fixed_number_of_queries(
    scim, employee, colleague, manager, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        assert send(scim, "get", "Users").json()["totalResults"] == 3
