"""Login, logout and password change: Danish pages, no user enumeration, POST-only logout."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Indtast venligst korrekt brugernavn og adgangskode"


def test_login_page_is_danish(client):
    response = client.get(reverse("login"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da">' in page
    assert "Log ind i MUS" in page
    assert "Brugernavn" in page and "Adgangskode" in page


def test_login_with_the_right_password_leads_to_the_dashboard(client, employee):
    response = client.post(reverse("login"), {"username": "anne", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_wrong_password_and_unknown_user_get_the_same_answer(client, employee):
    wrong_password = client.post(reverse("login"), {"username": "anne", "password": "nej"})
    unknown_user = client.post(reverse("login"), {"username": "nobody", "password": "nej"})
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert WRONG in response.content.decode()
        assert "_auth_user_id" not in client.session
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors


def test_empty_login_form_names_the_missing_fields(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.context["form"].errors.keys() == {"username", "password"}
    assert "Dette felt er påkrævet." in response.content.decode()


def test_logout_is_post_only(client, employee):
    client.force_login(employee.user)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change(client, employee):
    client.force_login(employee.user)
    new = "en helt ny og lang adgangskode"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("password_change_done")
    employee.user.refresh_from_db()
    assert employee.user.check_password(new)


def test_password_change_with_bad_input_changes_nothing(client, employee):
    client.force_login(employee.user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "forkert", "new_password1": "123", "new_password2": "124"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"old_password", "new_password2"}
    page = response.content.decode()
    assert 'id="id_old_password_error"' in page
    employee.user.refresh_from_db()
    assert employee.user.check_password(PASSWORD)


def test_password_validators_refuse_a_weak_password(client, employee):
    client.force_login(employee.user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "for almindelig" in errors or "for kort" in errors
    employee.user.refresh_from_db()
    assert employee.user.check_password(PASSWORD)
