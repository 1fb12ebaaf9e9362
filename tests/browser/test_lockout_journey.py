"""Guessing a password in Chromium: after five failures the login page says it is paused."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_repeated_failures_pause_logging_in_with_a_clear_message(page, live_server, employee):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(page, live_server, "anne", "forkert")
        expect(page.get_by_role("alert")).to_contain_text("korrekt brugernavn og adgangskode")
    log_in(page, live_server, "anne", "forkert")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("For mange mislykkede forsøg på at logge ind")
    expect(alert).to_contain_text("15 minutter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind i MUS")
    expect(page.get_by_label("Brugernavn")).to_have_value("anne")
    assert_accessible(page)
    screenshot(page, "login-locked-out")
    # The right password changes nothing while the pause lasts.
    log_in(page, live_server, "anne")
    expect(page.get_by_role("alert")).to_contain_text("For mange mislykkede forsøg")
