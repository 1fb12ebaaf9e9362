"""The talk in Chromium: the manager leads it, both agree a goal, the employee signs off."""

import pytest
from playwright.sync_api import expect

from reviews.factories import MarkFactory, PreparationFactory
from reviews.models import Review
from tests.browser.conftest import WIDTHS, assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def marked(review, party, levels):
    preparation = PreparationFactory(review=review, party=party)
    for competence, level in zip(review.round.catalogue.competences.all(), levels, strict=False):
        MarkFactory(preparation=preparation, competence=competence, level=level)


def test_talk_from_start_to_sign_off(browser, live_server, review):
    marked(review, "employee", ["strong", "fine", "focus", "strong", "fine"])
    marked(review, "manager", ["strong", "focus", "focus", "fine", "strong"])
    mette = browser.new_context().new_page()
    anne = browser.new_context().new_page()

    log_in(mette, live_server, "mette")
    mette.goto(f"{live_server.url}/reviews/{review.public_id}/")
    mette.get_by_role("link", name="Start samtalen").click()
    # A step that cannot be undone asks first, and says what it does.
    expect(mette.get_by_role("heading", level=1)).to_contain_text("Start samtalen med")
    assert_accessible(mette)
    for label, width in WIDTHS.items():
        mette.set_viewport_size({"width": width, "height": 1000})
        screenshot(mette, f"talk-start-confirm-{label}")
        assert mette.evaluate("document.documentElement.scrollWidth") <= width
    mette.get_by_role("button", name="Start samtalen").click()
    expect(mette.get_by_role("heading", name="Jeres to blik side om side")).to_be_visible()
    first_row = mette.get_by_role("table").get_by_role("row").nth(1)
    expect(first_row).to_contain_text("ét trin fra hinanden")
    assert_accessible(mette)
    for label, width in WIDTHS.items():
        mette.set_viewport_size({"width": width, "height": 1000})
        screenshot(mette, f"talk-manager-{label}")
        assert mette.evaluate("document.documentElement.scrollWidth") <= width

    mette.get_by_role("checkbox", name="Politik").check()
    mette.get_by_role("button", name="Gem fokusområder").click()
    mette.get_by_label("Mål", exact=True).fill("Blive skarpere til politisk formidling")
    mette.get_by_label("Handlinger").fill("Kursus i politisk kommunikation")
    mette.get_by_role("button", name="Tilføj mål").click()
    expect(mette.get_by_text("Venter på Annes accept")).to_be_visible()  # issue 16, point 4

    log_in(anne, live_server, "anne")
    anne.goto(f"{live_server.url}/reviews/{review.public_id}/talk/")
    anne.get_by_role("button", name="Acceptér målet").click()
    expect(anne.get_by_text("Aftalt af begge")).to_be_visible()
    assert_accessible(anne)

    mette.reload()
    mette.get_by_role("link", name="Samtalen er holdt").click()
    mette.get_by_role("button", name="Samtalen er holdt").click()
    expect(mette.locator(".state--talk_held")).to_be_visible()
    anne.reload()
    anne.get_by_label("Det, jeg er uenig i (valgfrit)").fill("Jeg vurderer Helhed højere.")
    anne.get_by_role("button", name="Bekræft og afslut").click()
    expect(anne.get_by_role("heading", name="Afsluttet")).to_be_visible()
    assert Review.objects.get(pk=review.pk).state == "concluded"
    assert_accessible(anne)
    screenshot(anne, "talk-concluded-employee")

    # After the talk the reflections are still hers to write: they save as she types.
    anne.get_by_role("link", name="Refleksioner efter MUS").click()
    anne.get_by_label("Rolle/funktion").fill("Mere ansvar efter samtalen.")
    expect(anne.locator("#state-role")).to_contain_text("Gemt")
    anne.reload()
    expect(anne.get_by_label("Rolle/funktion")).to_have_value("Mere ansvar efter samtalen.")
    assert_accessible(anne)
