"""Issue 16, point 1: nothing typed is ever lost, with JavaScript and without it."""

import pytest
from playwright.sync_api import expect

from reviews.models import Review
from reviews.services import close_round
from tests.browser.conftest import WIDTHS, assert_accessible, log_in, screenshot
from tests.conftest import make_mark as mark

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY, NOTES = "Vi aftalte et kursus i formidling.", "Anne vil gerne have mere ansvar."


@pytest.fixture
def talking(review):
    from reviews import talk
    from reviews.access import access_to

    mark(review, "employee", "Faglighed", "strong")
    mark(review, "manager", "Faglighed", "focus")
    talk.start_talk(access_to(review.manager.user, review))
    return review


def test_two_boxes_one_save_without_javascript(browser, live_server, talking):
    mette = browser.new_context(java_script_enabled=False, locale="da-DK").new_page()
    log_in(mette, live_server, "mette")
    mette.goto(f"{live_server.url}/reviews/{talking.public_id}/talk/")
    mette.get_by_role("textbox", name="Talenoter").fill(NOTES)
    mette.get_by_role("textbox", name="Opsummering af det aftalte").fill(SUMMARY)
    mette.get_by_role("button", name="Gem", exact=True).click()  # the one button saves both
    expect(mette.locator(".message")).to_have_text("Gemt.")
    mette.reload()
    expect(mette.get_by_role("textbox", name="Opsummering af det aftalte")).to_have_value(SUMMARY)
    expect(mette.get_by_role("textbox", name="Talenoter")).to_have_value(NOTES)
    mette.context.close()


def test_two_boxes_saved_as_one_types_and_a_warning_before_leaving(browser, live_server, talking):
    mette = browser.new_context(locale="da-DK").new_page()
    log_in(mette, live_server, "mette")
    mette.goto(f"{live_server.url}/reviews/{talking.public_id}/talk/")
    mette.get_by_role("textbox", name="Talenoter").fill(NOTES)
    expect(mette.locator("#state-talk_notes")).to_contain_text("Gemt")
    mette.get_by_role("textbox", name="Opsummering af det aftalte").fill(SUMMARY)
    expect(mette.locator("#state-summary")).to_contain_text("Gemt")
    assert_accessible(mette)
    for label, width in WIDTHS.items():
        mette.set_viewport_size({"width": width, "height": 1000})
        screenshot(mette, f"talk-texts-{label}")
        assert mette.evaluate("document.documentElement.scrollWidth") <= width
    mette.reload()
    expect(mette.get_by_role("textbox", name="Opsummering af det aftalte")).to_have_value(SUMMARY)
    expect(mette.get_by_role("textbox", name="Talenoter")).to_have_value(NOTES)
    review = Review.objects.get(pk=talking.pk)
    assert (review.summary, review.talk_notes) == (SUMMARY, NOTES)

    # A goal typed but not added: leaving the page asks first.
    dialogs = []
    mette.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    mette.get_by_label("Mål", exact=True).fill("Et mål, der ikke er tilføjet")
    mette.close(run_before_unload=True)
    mette.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert not mette.is_closed()  # dismissed: the page and its text stay
    mette.context.close()


def test_nothing_saved_leaves_without_asking(browser, live_server, talking):
    mette = browser.new_context(locale="da-DK").new_page()
    log_in(mette, live_server, "mette")
    mette.goto(f"{live_server.url}/reviews/{talking.public_id}/talk/")
    mette.get_by_role("textbox", name="Talenoter").fill(NOTES)
    expect(mette.locator("#state-talk_notes")).to_contain_text("Gemt")
    dialogs = []
    mette.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    closed = []
    mette.on("close", lambda page: closed.append(page))
    mette.close(run_before_unload=True)
    mette.context.new_page().close()  # a round trip to the browser: the close is done
    assert dialogs == [] and closed


def test_reflections_save_as_one_types_after_the_round_closed(browser, live_server, talking):
    close_round(talking.round)
    anne = browser.new_context(locale="da-DK").new_page()
    log_in(anne, live_server, "anne")
    anne.goto(f"{live_server.url}/reviews/{talking.public_id}/reflection/")
    anne.get_by_label("Rolle/funktion").fill("Et år efter")
    expect(anne.locator("#state-role")).to_contain_text("Gemt")
    anne.get_by_label("Andet").fill("Også dette")
    expect(anne.locator("#state-other")).to_contain_text("Gemt")
    anne.reload()
    expect(anne.get_by_label("Rolle/funktion")).to_have_value("Et år efter")
    expect(anne.get_by_label("Andet")).to_have_value("Også dette")
    assert_accessible(anne)
    for label, width in WIDTHS.items():
        anne.set_viewport_size({"width": width, "height": 1000})
        screenshot(anne, f"reflection-{label}")
        assert anne.evaluate("document.documentElement.scrollWidth") <= width
    anne.context.close()
