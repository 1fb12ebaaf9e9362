"""HR runs a round in Chromium; the employee and the manager then find it on their overview."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, assert_accessible, log_in, screenshot
from tests.test_round_jobs import work

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_creates_and_opens_a_round_that_reaches_employee_and_manager(
    page, live_server, hr_user, catalogues, office, employee, colleague, manager
):
    log_in(page, live_server, "hr")
    page.get_by_role("link", name="Ny runde").click()
    assert_accessible(page)

    page.get_by_label("Navn").fill("MUS 2027")
    page.get_by_label("Katalog").select_option(label="KL MUS 2015 (v1)")
    page.get_by_label("Spørgsmålssæt").select_option(label="KL MUS 2015 (v1)")
    page.get_by_label("Begge forbereder sig").check()
    page.get_by_label("Frist for forberedelse").fill("2027-04-01")  # after the talks: refused
    page.get_by_label("Samtaler fra").fill("2027-02-08")
    page.get_by_label("Samtaler til").fill("2027-03-31")
    page.get_by_role("button", name="Opret runde").click()
    deadline_error = "Fristen for forberedelse skal ligge, før samtalerne begynder."
    expect(page.get_by_text(deadline_error, exact=True)).to_be_visible()
    expect(
        page.get_by_text("Vælg mindst én afdeling eller person, der skal deltage.", exact=True)
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Frist for forberedelse").fill("2027-02-01")
    page.get_by_label("Kontoret").check()
    page.get_by_role("button", name="Opret runde").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MUS 2027")
    page.get_by_role("link", name="Åbn runden").click()
    # Before opening: who takes part, with their manager; nothing is created yet.
    participants = page.get_by_role("table")
    expect(participants.get_by_role("rowheader", name="Anne Andersen")).to_be_visible()
    expect(participants).to_contain_text("Mette")
    assert_accessible(page)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 1000})
        screenshot(page, f"round-open-confirm-{label}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Åbn runden").click()
    expect(
        page.get_by_text("Samtalerne bliver oprettet. Fremdriften vises nedenfor.")
    ).to_be_visible()
    expect(page.get_by_text("Venter på, at en baggrundsproces går i gang.")).to_be_visible()
    work()  # what the task worker does
    expect(page.get_by_text("2 af 2 færdige")).to_be_visible()  # by itself, through htmx
    page.reload()
    expect(page.get_by_role("heading", name="Fremdrift pr. afdeling")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "round-detail-hr")
    page.get_by_role("button", name="Log ud").click()

    log_in(page, live_server, "anne")
    expect(page.get_by_role("heading", name="Din MUS")).to_be_visible()
    expect(
        page.get_by_text("Forbered dig: besvar spørgsmålene og markér kompetencehjulet")
    ).to_be_visible()
    screenshot(page, "dashboard-employee-with-round")
    page.get_by_role("link", name="MUS 2027").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anne Andersen")
    assert_accessible(page)
    page.get_by_role("button", name="Log ud").click()

    log_in(page, live_server, "mette")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Anne Andersen")).to_be_visible()
    expect(table.get_by_role("link", name="Bo")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "dashboard-manager-with-round")
