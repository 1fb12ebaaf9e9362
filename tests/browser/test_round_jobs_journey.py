"""HR exports a round's PDFs: the click returns at once, the progress on the round's page
follows the worker by itself (htmx), and the finished zip is one link. Looked at on a
phone, a laptop and a projector; axe-clean."""

import datetime

import pytest
from django.db.models import F
from playwright.sync_api import expect

from reviews.models import Review, State
from tests.browser.conftest import assert_accessible, log_in, screenshot
from tests.test_round_jobs import work

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_exports_a_rounds_pdfs_and_follows_the_progress(
    page, live_server, hr_user, open_round, settings, tmp_path
):
    settings.EXPORT_DIR = tmp_path / "exports"
    Review.objects.filter(round=open_round).update(
        state=State.CONCLUDED,
        talk_manager=F("manager"),
        confirmed_at=datetime.datetime(2027, 3, 2, 9, tzinfo=datetime.UTC),
    )
    log_in(page, live_server, "hr")
    page.goto(f"{live_server.url}/rounds/{open_round.pk}/")
    expect(page.get_by_text("Intet kører i baggrunden.")).to_be_visible()
    page.get_by_role("button", name="Eksportér de afsluttede samtaler som PDF").click()
    expect(page.get_by_text("PDF'erne bliver skrevet. Fremdriften vises nedenfor.")).to_be_visible()
    expect(page.get_by_text("Venter på, at en baggrundsproces går i gang.")).to_be_visible()
    assert_accessible(page)

    work()  # what the task worker does; the page asks for the progress by itself
    link = page.get_by_role("link", name="Hent PDF'erne (zip med en oversigt)")
    expect(link).to_be_visible()
    expect(page.get_by_text("2 af 2 færdige")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "mus-2027-pdf.zip"

    page.reload()
    for width in (390, 1366, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.get_by_role("heading", name="Arbejde i baggrunden").scroll_into_view_if_needed()
        screenshot(page, f"round-jobs-{width}")
