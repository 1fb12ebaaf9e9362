"""Login throttling (django-axes): locked after repeated failures, by username and address.

The lockout says so in Danish on the login page, the same for an account that exists and
one that does not; it lifts after the cool-off, and a successful login forgets failures.
"""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "For mange mislykkede forsøg på at logge ind"
WRONG = "Indtast venligst korrekt brugernavn og adgangskode"


def attempt(client, username, password="forkert", address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, username, times, address="10.0.0.1"):
    return [attempt(client, username, address=address) for _ in range(times)]


def without_tokens(response) -> str:
    """The page without what differs on every request: the CSP nonce and the CSRF token."""
    page = response.content.decode().replace("anne", "nobody")
    return re.sub(r'(nonce="|X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", page)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limit_is_five_failures_and_the_cool_off_a_quarter_of_an_hour():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_failures_up_to_the_limit_say_wrong_password_then_logging_in_is_paused(client, employee):
    *before, last = fail(client, "anne", settings.AXES_FAILURE_LIMIT)
    for response in before:
        assert response.status_code == 200 and WRONG in response.content.decode()
    assert last.status_code == 429
    page = last.content.decode()
    assert LOCKED in page and "15 minutter" in page
    assert 'role="alert"' in page and "Log ind i MUS" in page  # the login page, in our look
    # Now even the right password is refused without being checked.
    locked = attempt(client, "anne", PASSWORD)
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    assert not is_logged_in(client)


def test_the_lockout_is_the_same_for_an_unknown_username(client, employee):
    existing = fail(client, "anne", settings.AXES_FAILURE_LIMIT)
    unknown = fail(client, "nobody", settings.AXES_FAILURE_LIMIT)
    for known, made_up in zip(existing, unknown, strict=True):
        assert known.status_code == made_up.status_code
        assert without_tokens(known) == without_tokens(made_up)


def test_the_lockout_is_per_username_and_address(client, employee, colleague):
    fail(client, "anne", settings.AXES_FAILURE_LIMIT, address="10.0.0.1")
    # The same account from another address: an attacker cannot lock anne out everywhere.
    assert attempt(client, "anne", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    # Another account from the same address: a colleague behind the same NAT logs in.
    assert attempt(client, "bo", PASSWORD, address="10.0.0.1").status_code == 302


def test_the_lockout_lifts_after_the_cool_off(client, employee):
    fail(client, "anne", settings.AXES_FAILURE_LIMIT)
    assert attempt(client, "anne", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=14)):
        assert attempt(client, "anne", PASSWORD).status_code == 429
    # Each attempt during the lockout started the cool-off again.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=14 + 16)):
        assert attempt(client, "anne", PASSWORD).status_code == 302
        assert is_logged_in(client)


def test_a_successful_login_forgets_earlier_failures(client, employee):
    fail(client, "anne", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, "anne", PASSWORD).status_code == 302
    client.logout()
    # Four more failures are again below the limit.
    assert all(r.status_code == 200 for r in fail(client, "anne", settings.AXES_FAILURE_LIMIT - 1))
    assert attempt(client, "anne", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, superuser):
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": "root", "password": "forkert"})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_an_overlong_username_is_counted_like_any_other(client, employee):
    # Longer than any account's, and than the 255 characters axes stores it in.
    name = "a" * 300
    *before, last = fail(client, name, settings.AXES_FAILURE_LIMIT)
    assert all(r.status_code == 200 for r in before)
    assert last.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, "6.6.6.6, 192.0.2.7", "192.0.2.7"),  # the proxy appended what it saw
        (2, "6.6.6.6, 192.0.2.7, 10.1.1.1", "192.0.2.7"),
        (1, "", "10.0.0.1"),
        (1, "6.6.6.6, not-an-address", "10.0.0.1"),  # a proxy writing nonsense is ignored
    ],
)
def test_attempts_count_by_the_address_the_trusted_proxies_saw(
    rf, settings, proxies, forwarded, expected
):
    from organisation.accounts import client_address

    settings.TRUSTED_PROXIES = proxies
    request = rf.post("/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
