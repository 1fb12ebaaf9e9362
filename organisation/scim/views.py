"""SCIM 2.0 (RFC 7643/7644) for the Users that Entra ID provisions: people kept in step.

Written out rather than taken from django-scim2, whose model adapters assume one user
model; a MUS person is a User and a Person with a department and a manager. Only what
Entra ID sends is understood: create, read, filter by userName, PATCH (active, names,
e-mail, employee number, manager) and DELETE. Deactivating ends the person's sessions at
once and keeps their reviews as records, as removing a person does (privacy.personal_data).
"""

import json
import logging
from typing import Any

from django import forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from organisation.models import Department, Person, User

log = logging.getLogger("organisation.scim")

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CONTENT_TYPE = "application/scim+json"


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str = "") -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


class PersonForm(forms.Form):
    """What a SCIM request may set on a person, validated as every write in MUS is."""

    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    employee_number = forms.CharField(max_length=32)
    active = forms.BooleanField(required=False)


def _respond(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, content_type=CONTENT_TYPE)


def _error(request: HttpRequest, error: ScimError) -> JsonResponse:
    log.warning("SCIM %s %s refused (%s): %s", request.method, request.path, error.status, error)
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(error.status), "detail": error.detail}
    if error.scim_type:
        body["scimType"] = error.scim_type
    return _respond(body, status=error.status)


def _authorise(request: HttpRequest) -> None:
    token = settings.SCIM_TOKEN
    given = request.headers.get("Authorization", "")
    if not token or not given.startswith("Bearer ") or not constant_time_compare(given[7:], token):
        raise ScimError(401, "A valid bearer token is required.")


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ScimError(400, f"The body is not valid JSON: {error}", "invalidSyntax") from error
    if not isinstance(body, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    return body


def _truth(value: Any) -> bool:
    # Entra ID sends active as the string "False" in PATCH requests.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _resource(person: Person) -> dict[str, Any]:
    user = person.user
    data: dict[str, Any] = {
        "schemas": [CORE, ENTERPRISE],
        "id": str(user.pk),
        "userName": user.username,
        "active": user.is_active,
        "name": {"givenName": user.first_name, "familyName": user.last_name},
        "emails": [{"value": user.email, "type": "work", "primary": True}] if user.email else [],
        ENTERPRISE: {"employeeNumber": person.employee_number},
        "meta": {"resourceType": "User", "location": f"/scim/v2/Users/{user.pk}"},
    }
    if person.manager_id:
        data[ENTERPRISE]["manager"] = {"value": str(person.manager.user_id)}  # type: ignore[union-attr]
    return data


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """A SCIM User resource as PersonForm's fields (only those present)."""
    fields: dict[str, Any] = {}
    if "userName" in body:
        fields["username"] = body["userName"]
    name = body.get("name") or {}
    if "givenName" in name:
        fields["first_name"] = name["givenName"]
    if "familyName" in name:
        fields["last_name"] = name["familyName"]
    emails = body.get("emails") or []
    if emails:
        primary = next((e for e in emails if e.get("primary")), emails[0])
        fields["email"] = primary.get("value", "")
    enterprise = body.get(ENTERPRISE) or {}
    if "employeeNumber" in enterprise:
        fields["employee_number"] = enterprise["employeeNumber"]
    if "active" in body:
        fields["active"] = _truth(body["active"])
    return fields


def _manager(value: Any) -> Person | None:
    if isinstance(value, dict):
        value = value.get("value")
    if value in (None, ""):
        return None
    manager = Person.objects.filter(user_id=str(value)).first() if str(value).isdigit() else None
    if manager is None:
        raise ScimError(400, f"No person with id {value} to be the manager.", "invalidValue")
    return manager


def _save(person: Person | None, fields: dict[str, Any], manager: Any = ...) -> Person:
    """Create or change a person from validated fields; deactivating ends their sessions."""
    user = person.user if person else User()
    current = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "employee_number": person.employee_number if person else "",
        "active": user.is_active if person else True,
    }
    form = PersonForm({**current, **fields})
    if not form.is_valid():
        detail = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
        raise ScimError(400, detail, "invalidValue")
    data = form.cleaned_data
    others = Person.objects.filter(employee_number=data["employee_number"])
    if person is not None:
        others = others.exclude(pk=person.pk)
    taken = (
        User.objects.filter(username=data["username"]).exclude(pk=user.pk).exists()
        or others.exists()
    )
    if taken:
        raise ScimError(409, "A person with this userName or employee number exists.", "uniqueness")
    with transaction.atomic():
        was_active = user.is_active if person else True
        for name in ("username", "first_name", "last_name", "email"):
            setattr(user, name, data[name])
        user.is_active = data["active"]
        if person is None:
            user.set_unusable_password()
            department = Department.objects.filter(name=settings.SCIM_DEPARTMENT).first()
            if department is None:
                raise ScimError(400, "SCIM_DEPARTMENT names no department in MUS.", "invalidValue")
            user.save()
            person = Person(user=user, department=department)
        else:
            user.save()
        person.employee_number = data["employee_number"]
        if manager is not ...:
            person.manager = _manager(manager)
        person.save()
        if was_active and not user.is_active:
            user.end_all_sessions()
    return person


def _patch(person: Person, body: dict[str, Any]) -> Person:
    operations = body.get("Operations")
    if not isinstance(operations, list):
        raise ScimError(400, "A PATCH needs a list of Operations.", "invalidSyntax")
    fields: dict[str, Any] = {}
    manager: Any = ...
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "Each operation must be an object.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        path = str(operation.get("path", ""))
        value = operation.get("value")
        if op not in ("add", "replace", "remove"):
            raise ScimError(400, f"Unknown operation {op!r}.", "invalidSyntax")
        if path.lower() == f"{ENTERPRISE}:manager".lower():
            manager = None if op == "remove" else value
        elif not path and isinstance(value, dict):
            fields.update(_fields(value))
        else:
            fields.update(_fields(_path_to_resource(path, value)))
    return _save(person, fields, manager)


def _path_to_resource(path: str, value: Any) -> dict[str, Any]:
    simple = {
        "active": {"active": value},
        "username": {"userName": value},
        "name.givenname": {"name": {"givenName": value}},
        "name.familyname": {"name": {"familyName": value}},
        'emails[type eq "work"].value': {"emails": [{"value": value}]},
        f"{ENTERPRISE}:employeeNumber".lower(): {ENTERPRISE: {"employeeNumber": value}},
    }
    if path.lower() in simple:
        return simple[path.lower()]
    # Attributes MUS does not keep (displayName, title, …) are accepted and ignored.
    return {}


def _person(pk: int) -> Person:
    person = Person.objects.select_related("user", "manager").filter(user_id=pk).first()
    if person is None:
        raise ScimError(404, f"No person with id {pk}.")
    return person


@csrf_exempt
def users(request: HttpRequest) -> HttpResponse:
    try:
        _authorise(request)
        if request.method == "GET":
            people = Person.objects.select_related("user", "manager").order_by("pk")
            wanted = request.GET.get("filter", "")
            if wanted:
                attribute, _, value = wanted.partition(" eq ")
                if attribute.strip() != "userName" or not value.strip().startswith('"'):
                    raise ScimError(400, 'Only userName eq "…" filters.', "invalidFilter")
                people = people.filter(user__username=value.strip().strip('"'))
            found = [_resource(person) for person in people[:200]]
            return _respond(
                {
                    "schemas": [LIST],
                    "totalResults": len(found),
                    "Resources": found,
                    "startIndex": 1,
                    "itemsPerPage": len(found),
                }
            )
        if request.method == "POST":
            body = _body(request)
            enterprise = body.get(ENTERPRISE) or {}
            person = _save(None, _fields(body), enterprise.get("manager"))
            log.info("SCIM created person %s", person.pk)
            return _respond(_resource(person), status=201)
        raise ScimError(405, "Only GET and POST here.")
    except ScimError as error:
        return _error(request, error)


@csrf_exempt
def user(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        _authorise(request)
        person = _person(pk)
        if request.method == "GET":
            return _respond(_resource(person))
        if request.method == "PATCH":
            person = _patch(person, _body(request))
            log.info("SCIM changed person %s", person.pk)
            return _respond(_resource(person))
        if request.method == "PUT":
            body = _body(request)
            enterprise = body.get(ENTERPRISE) or {}
            person = _save(person, _fields(body), enterprise.get("manager"))
            return _respond(_resource(person))
        if request.method == "DELETE":
            # Deactivated, not deleted: their reviews stay as records.
            _save(person, {"active": False})
            log.info("SCIM deactivated person %s", person.pk)
            return HttpResponse(status=204)
        raise ScimError(405, "Only GET, PATCH, PUT and DELETE here.")
    except ScimError as error:
        return _error(request, error)
