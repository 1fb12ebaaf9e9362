"""The employee's preparation with the keyboard alone, and the talk with JavaScript off."""

import pytest
from playwright.sync_api import expect

from reviews.models import Answer, Goal, Mark, Preparation, Review
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, locator, limit=80):
    """Press Tab until the locator has focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def test_employee_prepares_with_the_keyboard_alone(page, live_server, review):
    page.goto(f"{live_server.url}/login/")
    page.keyboard.type("anne")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery staple")
    page.keyboard.press("Enter")

    tab_to(page, page.get_by_role("link", name="Forbered dig"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Din forberedelse")

    first = page.get_by_label("Hvilke resultater og præstationer har jeg opnået det seneste år?")
    tab_to(page, first)
    page.keyboard.type("Skrevet uden mus.")
    expect(page.locator("[id^=state-answer-]").first).to_contain_text("Gemt")

    faglighed = review.round.catalogue.competences.get(name="Faglighed")
    group = page.locator(f"#levels-c{faglighed.pk}")
    tab_to(page, group.locator("input:checked"))
    page.keyboard.press("ArrowLeft")  # "not marked" → "focus area"
    expect(page.locator(".wheel title").first).to_contain_text("Faglighed: fokusområde")

    tab_to(page, page.get_by_role("button", name="Del min forberedelse"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Din forberedelse er delt")).to_be_visible()
    assert Answer.objects.get().text == "Skrevet uden mus."
    assert Mark.objects.get(competence=faglighed).level == "focus"
    assert Preparation.objects.get(party="employee").shared_at is not None


def test_the_talk_works_without_javascript(browser, live_server, review):
    mette = browser.new_context(java_script_enabled=False).new_page()
    anne = browser.new_context(java_script_enabled=False).new_page()
    log_in(mette, live_server, "mette")
    mette.goto(f"{live_server.url}/reviews/{review.public_id}/")
    mette.get_by_role("button", name="Start samtalen").click()
    mette.get_by_role("checkbox", name="Politik").check()
    mette.get_by_role("button", name="Gem fokusområder").click()
    mette.get_by_label("Mål", exact=True).fill("Uden JavaScript")
    mette.get_by_role("button", name="Tilføj mål").click()
    mette.get_by_role("textbox", name="Opsummering af det aftalte").fill("Vi aftalte et mål.")
    mette.get_by_role("button", name="Gem opsummering").click()

    log_in(anne, live_server, "anne")
    anne.goto(f"{live_server.url}/reviews/{review.public_id}/talk/")
    anne.get_by_role("button", name="Acceptér målet").click()
    expect(anne.get_by_text("Aftalt af begge")).to_be_visible()

    mette.goto(f"{live_server.url}/reviews/{review.public_id}/talk/")
    mette.get_by_role("button", name="Samtalen er holdt").click()
    anne.goto(f"{live_server.url}/reviews/{review.public_id}/talk/")
    anne.get_by_role("button", name="Bekræft og afslut").click()

    expect(anne.get_by_role("heading", name="Afsluttet")).to_be_visible()
    concluded = Review.objects.get(pk=review.pk)
    assert (concluded.state, concluded.summary) == ("concluded", "Vi aftalte et mål.")
    assert Goal.objects.get().is_agreed
