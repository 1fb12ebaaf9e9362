"""The manager sets the talk's time in Chromium, with JavaScript and without; both parties
see it, receive the invitation and can download it for their calendar."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from reviews.models import Review
from tests.browser.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_run_at_once")]

WHEN = "tirsdag 16. februar 2027 kl. 10:00–11:00"


@pytest.fixture
def new_page(browser):
    """A page in a context of its own (one person's browser), closed after the test so that
    no connection outlives it."""
    contexts = []

    def open_(javascript=True):
        # A Danish browser, as most users have (it asks for Danish pages).
        contexts.append(browser.new_context(java_script_enabled=javascript, locale="da-DK"))
        return contexts[-1].new_page()

    yield open_
    for context in contexts:
        context.close()


def check_axe(page, javascript):
    # axe-core runs as JavaScript in the page: the same pages are checked in the run with it.
    if javascript:
        assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_manager_sets_the_time_and_both_see_it(new_page, live_server, review, javascript):
    mail.outbox.clear()  # the round's opening
    mette = new_page(javascript)
    log_in(mette, live_server, "mette")
    mette.goto(f"{live_server.url}/reviews/{review.public_id}/")
    expect(mette.get_by_text("Ikke aftalt endnu")).to_be_visible()
    mette.get_by_role("link", name="Sæt tidspunkt for samtalen").click()
    expect(mette.get_by_role("heading", level=1)).to_have_text("Tidspunkt for samtalen")

    # A day already past is refused next to the field, and nothing is sent.
    mette.get_by_label("Dato").fill("2020-02-16")
    mette.get_by_label("Klokkeslæt").fill("10:00")
    mette.get_by_role("button", name="Gem og send invitationen").click()
    # Each error beside its field (and linked from the summary at the top).
    expect(mette.locator("#id_date_error")).to_have_text("Samtalen kan ikke ligge i fortiden.")
    expect(mette.locator("#id_place_error")).to_have_text("Dette felt er påkrævet.")
    check_axe(mette, javascript)
    screenshot(mette, f"talk-time-errors-{'js' if javascript else 'nojs'}")
    assert mail.outbox == []

    mette.get_by_label("Dato").fill("2027-02-16")
    mette.get_by_label("Varighed").select_option(label="1 time")
    mette.get_by_label("Sted").fill("Mødelokale 2, Rådhuset")
    mette.get_by_role("button", name="Gem og send invitationen").click()

    expect(
        mette.get_by_text("Tidspunktet er gemt. Anne Andersen og du får invitationen")
    ).to_be_visible()
    expect(mette.get_by_text(WHEN)).to_be_visible()
    check_axe(mette, javascript)
    screenshot(mette, f"talk-time-set-manager-{'js' if javascript else 'nojs'}")
    talk = Review.objects.get(pk=review.pk)
    copenhagen = ZoneInfo("Europe/Copenhagen")
    assert talk.talk_at == datetime.datetime(2027, 2, 16, 10, 0, tzinfo=copenhagen)
    assert sorted(m.to[0].split(" <")[0] for m in mail.outbox) == ["Anne Andersen", "Mette Madsen"]

    anne = new_page(javascript)
    log_in(anne, live_server, "anne")
    card = anne.locator(".review-card")
    expect(card).to_contain_text(WHEN)
    expect(card).to_contain_text("Mødelokale 2, Rådhuset")
    check_axe(anne, javascript)
    screenshot(anne, f"talk-time-dashboard-employee-{'js' if javascript else 'nojs'}")
    anne.get_by_role("link", name="MUS 2027").click()
    expect(anne.get_by_role("link", name="Sæt tidspunkt for samtalen")).to_have_count(0)
    with anne.expect_download() as download:
        anne.get_by_role("link", name="Føj til din kalender (.ics)").click()
    assert download.value.suggested_filename == "mus-2027-02-16.ics"
    event = Calendar.from_ical(Path(download.value.path()).read_bytes()).events[0]
    assert event.start == datetime.datetime(2027, 2, 16, 10, 0, tzinfo=copenhagen)
    assert event["LOCATION"] == "Mødelokale 2, Rådhuset"

    mette.goto(f"{live_server.url}/")
    expect(mette.get_by_role("table").get_by_role("row", name="Anne Andersen")).to_contain_text(
        WHEN
    )
    check_axe(mette, javascript)
    screenshot(mette, f"talk-time-dashboard-manager-{'js' if javascript else 'nojs'}")


def test_hr_sees_and_changes_the_reminder_schedule(page, live_server, review, hr_user):
    log_in(page, live_server, "hr")
    page.goto(f"{live_server.url}/rounds/{review.round.pk}/")
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Påmindelser pr. e-mail")
    )
    expect(section).to_contain_text("18. januar, 30. januar, 2. februar, 9. februar")
    section.get_by_label("Påmindelser før fristen").fill("10, abc")
    section.get_by_role("button", name="Gem planen for påmindelser").click()
    expect(
        page.locator("#id_reminder_days_before_error").get_by_text(
            "Skriv hele antal dage fra 1 til 365"
        )
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Påmindelser før fristen").fill("10, 3")
    page.get_by_label("Derefter hver").fill("")
    page.get_by_role("button", name="Gem planen for påmindelser").click()
    expect(page.get_by_text("Planen for påmindelser er gemt.")).to_be_visible()
    expect(page.locator("#reminders-heading + p")).to_contain_text(
        "22. januar, 29. januar, 2. februar"
    )
    assert_accessible(page)
    screenshot(page, "round-reminders-hr")
