"""Sessions end after idle time, at logout (on the server), and everywhere on request.

Logging out on all devices, or changing one's password, ends the user's every other
session at once; a colleague's sessions live on.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")


def logged_in_client(username) -> Client:
    """A browser of its own, logged in through the login form."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_in(client) -> bool:
    return client.get(DASHBOARD).status_code == 200


def test_logout_ends_the_session_on_the_server(employee):
    browser = logged_in_client("anne")
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    browser.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # Someone who kept the old cookie gets nowhere with it.
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not is_in(thief)


def test_logging_out_everywhere_ends_every_session_of_the_user(employee, colleague):
    laptop, phone, colleagues = (
        logged_in_client("anne"),
        logged_in_client("anne"),
        logged_in_client("bo"),
    )
    response = laptop.post(reverse("logout_everywhere"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Du er logget ud på alle enheder." in response.content.decode()
    assert not is_in(laptop)
    assert not is_in(phone)
    assert is_in(colleagues)
    # Logging in again works as before.
    assert is_in(logged_in_client("anne"))


def test_a_new_password_ends_the_other_sessions_but_not_this_one(employee):
    laptop, phone = logged_in_client("anne"), logged_in_client("anne")
    new = "en helt ny og lang adgangskode"
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("password_change_done")
    assert is_in(laptop)
    assert not is_in(phone)


def test_logging_out_everywhere_needs_post_and_a_login(client, employee):
    client.force_login(employee.user)
    assert client.get(reverse("logout_everywhere")).status_code == 405
    assert is_in(client)
    anonymous = Client()
    response = anonymous.post(reverse("logout_everywhere"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_password_page_offers_to_log_out_everywhere(client, employee):
    client.force_login(employee.user)
    page = client.get(reverse("password_change")).content.decode()
    assert f'action="{reverse("logout_everywhere")}"' in page
    assert "Log ud på alle enheder" in page


def test_a_session_ends_after_an_hour_without_requests(employee):
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    browser = logged_in_client("anne")
    start = timezone.now()
    # Each request counts the hour again: 50 minutes, then 50 more, is still in.
    with time_machine.travel(start + datetime.timedelta(minutes=50), tick=False):
        assert is_in(browser)
    with time_machine.travel(start + datetime.timedelta(minutes=100), tick=False):
        assert is_in(browser)
    with time_machine.travel(start + datetime.timedelta(minutes=161), tick=False):
        assert not is_in(browser)
