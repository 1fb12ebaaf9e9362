"""Logging in, seeing one's dashboard, switching language and logging out, in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_is_accessible_and_danish(page, live_server):
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind i MUS")
    assert page.locator("html").get_attribute("lang") == "da"
    assert_accessible(page)


def test_wrong_password_says_so_without_naming_the_account(page, live_server, employee):
    log_in(page, live_server, "anne", "forkert")
    expect(page.get_by_role("alert")).to_contain_text("korrekt brugernavn og adgangskode")
    assert_accessible(page)


def test_employee_logs_in_with_the_keyboard_alone(page, live_server, employee):
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_label("Brugernavn")).to_be_focused()  # the form asks for it first
    page.keyboard.type("anne")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery staple")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej, Anne Andersen")
    expect(page.get_by_text("Medarbejder", exact=True)).to_be_visible()
    # The first Tab reaches the skip link, which takes keyboard users past the menu.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Spring til indhold")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("persona", ["employee", "manager", "hr_user"])
def test_dashboard_is_accessible_for_every_persona(page, live_server, persona, request, employee):
    user = request.getfixturevalue(persona)
    username = getattr(user, "user", user).username
    log_in(page, live_server, username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hej")
    assert_accessible(page)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"dashboard-{persona}-{label}")
        # Nothing may force sideways scrolling, not even on a 360 px phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_language_switch_sticks_and_logout_works(page, live_server, employee):
    log_in(page, live_server, "anne")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Anne Andersen")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Anne Andersen")
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to MUS")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
