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


def test_a_goal_and_the_place_save_as_one_types(browser, live_server, review):
    """Point 1 for the goals and the talk time's place: typed in, reloaded, both found.
    The place sends no calendar update while it is typed; a goal changed from what Anne
    accepted says at once that it waits for her again, and typed back, that it is agreed."""
    import datetime
    from zoneinfo import ZoneInfo

    from notifications.models import Notice
    from reviews import talk
    from reviews.access import access_to
    from reviews.models import Goal

    mette_access = access_to(review.manager.user, review)
    at = datetime.datetime(2027, 2, 16, 10, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    talk.schedule_talk(mette_access, at, 60, "Mødelokale 2")
    sequence = Review.objects.get(pk=review.pk).talk_sequence
    owed = Notice.objects.filter(kind=Notice.Kind.TALK).count()  # the invitation's e-mails

    mette = browser.new_context(locale="da-DK").new_page()
    log_in(mette, live_server, "mette")
    mette.goto(f"{live_server.url}/reviews/{review.public_id}/talk-time/")
    mette.get_by_label("Sted").fill("Mødelokale 3, Rådhuset")
    expect(mette.locator("#state-place")).to_contain_text("Gemt")
    expect(mette.locator("#place-unsent")).to_contain_text("Ikke sendt endnu")
    assert_accessible(mette)
    for label, width in WIDTHS.items():
        mette.set_viewport_size({"width": width, "height": 1000})
        screenshot(mette, f"talk-place-typed-{label}")
        assert mette.evaluate("document.documentElement.scrollWidth") <= width
    mette.reload()
    expect(mette.get_by_label("Sted")).to_have_value("Mødelokale 3, Rådhuset")
    expect(mette.locator("#place-unsent")).to_contain_text("“Mødelokale 2”")
    # Typing sent nothing: the calendars still hold the invitation as it was.
    saved = Review.objects.get(pk=review.pk)
    assert (saved.talk_place, saved.talk_sequence) == ("Mødelokale 2", sequence)
    assert Notice.objects.filter(kind=Notice.Kind.TALK).count() == owed

    mark(review, "employee", "Faglighed", "strong")
    talk.start_talk(access_to(review.manager.user, review))
    review.refresh_from_db()
    goal = talk.add_goal(access_to(review.manager.user, review), Goal(title="Lære at formidle"))
    talk.accept_goal(access_to(review.employee.user, review), goal, 1)

    mette.goto(f"{live_server.url}/reviews/{review.public_id}/talk/")
    card = mette.locator(f"#goal-{goal.pk}")
    expect(card).to_contain_text("Aftalt af begge")
    card.get_by_text("Ændr formuleringen").click()
    card.get_by_label("Handlinger").fill("Kursus i formidling")
    expect(card.locator(f"#state-goal-{goal.pk}-actions")).to_contain_text("Gemt")
    expect(card).to_contain_text("Venter på Annes accept")
    expect(card).to_contain_text("Ændret siden Annes accept.")
    assert_accessible(mette)
    for label, width in WIDTHS.items():
        mette.set_viewport_size({"width": width, "height": 1000})
        card.scroll_into_view_if_needed()
        screenshot(mette, f"talk-goal-typed-{label}")
        assert mette.evaluate("document.documentElement.scrollWidth") <= width
    mette.reload()
    card.get_by_text("Ændr formuleringen").click()
    expect(card.get_by_label("Handlinger")).to_have_value("Kursus i formidling")
    expect(card).to_contain_text("Venter på Annes accept")

    # Typed back to the words Anne accepted: agreed again, without asking her.
    card.get_by_label("Handlinger").fill("")
    expect(card).to_contain_text("Aftalt af begge")
    assert Goal.objects.get(pk=goal.pk).is_agreed
    mette.context.close()


def test_a_goal_and_the_place_without_javascript(browser, live_server, talking):
    """Without JavaScript the goal's change form and the talk time's form are plain forms:
    a goal's texts are saved with its button, the place with the invitation it sends."""
    from reviews import talk
    from reviews.access import access_to
    from reviews.models import Goal

    goal = talk.add_goal(access_to(talking.manager.user, talking), Goal(title="Lære at formidle"))
    mette = browser.new_context(java_script_enabled=False, locale="da-DK").new_page()
    log_in(mette, live_server, "mette")
    mette.goto(f"{live_server.url}/reviews/{talking.public_id}/talk/")
    card = mette.locator(f"#goal-{goal.pk}")
    card.get_by_text("Ændr formuleringen").click()
    card.get_by_label("Handlinger").fill("Kursus i formidling")
    card.get_by_label("Hvem gør hvad").fill("Mette finder kurset")
    card.get_by_role("button", name="Gem", exact=True).click()
    expect(mette.locator(".message")).to_have_text("Gemt.")
    expect(card).to_contain_text("Kursus i formidling")
    expect(card).to_contain_text("Mette finder kurset")
    expect(card).to_contain_text("Venter på Annes accept")
    assert Goal.objects.get(pk=goal.pk).actions == "Kursus i formidling"
    mette.context.close()
