"""Preparing in Chromium: autosave, marking by wheel and by keyboard, two tabs, no JavaScript."""

import pytest
from playwright.sync_api import expect

from reviews.models import Answer, Mark
from tests.browser.conftest import WIDTHS, assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_QUESTION = "Hvilke resultater og præstationer har jeg opnået det seneste år?"


def open_preparation(page, live_server, review):
    page.goto(f"{live_server.url}/reviews/{review.public_id}/prepare/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Din forberedelse")


def test_employee_prepares_with_autosave_wheel_and_keyboard(page, live_server, review):
    log_in(page, live_server, "anne")
    open_preparation(page, live_server, review)
    assert_accessible(page)

    answer = page.get_by_label(FIRST_QUESTION)
    answer.fill("Jeg har ført det nye sagssystem i mål.")
    expect(page.locator("[id^=state-answer-]").first).to_contain_text("Gemt")
    page.reload()
    expect(page.get_by_label(FIRST_QUESTION)).to_have_value(
        "Jeg har ført det nye sagssystem i mål."
    )

    # A click on the wheel marks the field and the radio group follows.
    kommuner = review.round.catalogue.competences.get(name="Kommuner")
    page.locator(".wheel__field--strong", has=page.locator("title", has_text="Kommuner:")).click()
    expect(page.locator(f"#levels-c{kommuner.pk} input[value=strong]")).to_be_checked()
    expect(page.locator(".wheel title").first).to_contain_text("Kommuner: stærk kompetence")

    # The same choice with the keyboard alone: arrow keys move within the radio group.
    helhed = review.round.catalogue.competences.get(name="Helhed")
    page.locator(f"#levels-c{helhed.pk} input[value='']").focus()
    page.keyboard.press("ArrowLeft")  # from "not marked" back to "focus area"
    expect(page.locator(".wheel title").first).to_contain_text("Helhed: fokusområde")
    assert Mark.objects.get(competence=helhed).level == "focus"

    page.get_by_label("Din egen kompetence 1", exact=True).fill("Projektledelse")
    expect(page.locator("#state-name-s1")).to_contain_text("Gemt")
    page.reload()
    expect(page.locator(".wheel title").first).to_contain_text("Kommuner: stærk kompetence")
    assert_accessible(page)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"prepare-employee-{label}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("button", name="Del min forberedelse").click()
    # Sharing asks first, saying what Mette will see and that HR never sees it.
    expect(page.get_by_role("heading", name="Det ser Mette")).to_be_visible()
    expect(page.get_by_text("HR ser aldrig din forberedelse")).to_be_visible()
    assert_accessible(page)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"prepare-share-confirm-{label}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Ja, del min forberedelse").click()
    expect(page.get_by_text("Din forberedelse er delt")).to_be_visible()
    # Then her preparation is shown read, not as disabled fields.
    expect(page.get_by_role("heading", name="Dine markeringer")).to_be_visible()
    expect(page.locator("textarea, input[type=radio]")).to_have_count(0)
    assert_accessible(page)


def test_a_save_that_fails_says_so_and_the_next_change_saves(page, live_server, review):
    log_in(page, live_server, "anne")
    open_preparation(page, live_server, review)
    # The server is down for a moment: every autosave answers 500.
    page.route("**/prepare/text/", lambda route: route.fulfill(status=500, body="Fejl"))
    answer = page.get_by_label(FIRST_QUESTION)
    answer.fill("Skrevet mens serveren var nede.")
    state = page.locator("[id^=state-answer-]").first
    expect(state).to_contain_text("Ikke gemt: forbindelsen svigtede.")
    expect(page.locator("#announcer")).to_contain_text("Ikke gemt")
    expect(answer).to_have_value("Skrevet mens serveren var nede.")
    assert_accessible(page)
    # Up again: the next change saves the whole text, and the warning goes.
    page.unroute("**/prepare/text/")
    answer.press("End")
    answer.press_sequentially(" Og nu igen.")
    expect(state).to_have_text("Gemt")
    assert Answer.objects.get(text__startswith="Skrevet").text == (
        "Skrevet mens serveren var nede. Og nu igen."
    )


def test_two_tabs_show_both_texts_instead_of_losing_one(page, live_server, review):
    log_in(page, live_server, "anne")
    open_preparation(page, live_server, review)
    other_tab = page.context.new_page()
    open_preparation(other_tab, live_server, review)

    page.get_by_label(FIRST_QUESTION).fill("Skrevet i fane 1")
    expect(page.locator("[id^=state-answer-]").first).to_contain_text("Gemt")
    other_tab.get_by_label(FIRST_QUESTION).fill("Skrevet i fane 2")

    conflict = other_tab.get_by_role("alert")
    expect(conflict).to_contain_text("ændret i et andet vindue")
    expect(other_tab.get_by_label(FIRST_QUESTION)).to_have_value("Skrevet i fane 2")
    expect(other_tab.get_by_label("Gemt i det andet vindue")).to_have_value("Skrevet i fane 1")
    assert Answer.objects.get().text == "Skrevet i fane 1"
    assert_accessible(other_tab)

    other_tab.get_by_role("button", name="Behold min tekst").click()
    expect(conflict).to_have_count(0)
    expect(other_tab.locator("[id^=state-answer-]").first).to_contain_text("Gemt")
    assert Answer.objects.get().text == "Skrevet i fane 2"


def test_preparing_works_without_javascript(browser, live_server, review):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "anne")
    open_preparation(page, live_server, review)

    page.get_by_label(FIRST_QUESTION).fill("Uden JavaScript")
    faglighed = review.round.catalogue.competences.get(name="Faglighed")
    page.locator(f"#levels-c{faglighed.pk} input[value=fine]").check()
    page.get_by_role("button", name="Gem", exact=True).click()

    expect(page.get_by_text("Din forberedelse er gemt.")).to_be_visible()
    expect(page.get_by_label(FIRST_QUESTION)).to_have_value("Uden JavaScript")
    expect(page.locator(".wheel title").first).to_contain_text("Faglighed: udmærket kompetence")
    context.close()


def test_on_a_phone_the_parts_guide_and_long_text_is_never_cut(page, live_server, review):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "anne")
    open_preparation(page, live_server, review)
    nav = page.get_by_role("navigation", name="Forberedelsens dele")
    expect(nav).to_contain_text("0 af 11 spørgsmål besvaret")
    expect(nav).to_contain_text("0 af 8 kompetencer markeret")
    # The wheel's legend explains the rings, on the page itself.
    expect(page.locator(".wheel-legend")).to_contain_text("stærk kompetence – yderste ring")

    answer = page.get_by_label(FIRST_QUESTION)
    answer.fill("Et svar.")
    expect(nav).to_contain_text("1 af 11 spørgsmål besvaret")
    nav.get_by_role("link", name="Hjulet").click()
    expect(page.locator("#wheel-heading")).to_be_in_viewport()
    page.locator(".wheel__field--strong").first.click()
    expect(nav).to_contain_text("1 af 8 kompetencer markeret")

    # A text box grows with its text.
    before = answer.bounding_box()["height"]
    answer.fill("\n".join(f"Linje {n}" for n in range(12)))
    assert answer.bounding_box()["height"] > before * 2
    # Pasted text longer than the limit is kept whole, with a counter saying so.
    answer.fill("x" * 10_005)
    expect(answer).to_have_value("x" * 10_005)
    expect(page.locator(f"#field-{answer.get_attribute('name')} .counter")).to_have_text(
        "5 tegn for mange: gør teksten kortere for at gemme den"
    )
    answer.fill("x" * 9_990)
    expect(page.locator(f"#field-{answer.get_attribute('name')} .counter")).to_have_text(
        "10 tegn tilbage"
    )
    assert_accessible(page)
    screenshot(page, "prepare-phone-progress")
