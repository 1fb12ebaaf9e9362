"""HR in Chromium: a round's progress through the tree and its files, the focus map with its
hidden small groups, and the MED report with its PDF, at a laptop's and a phone's width."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, assert_accessible, log_in, screenshot
from tests.conftest import make_person, make_round
from tests.insight_world import focus, goals, people, reviews

pytestmark = pytest.mark.django_db(transaction=True)

PAST = datetime.date.today() - datetime.timedelta(days=10)


@pytest.fixture
def municipality_round(kl_catalogue, kl_questions, municipality):
    """Kommunen → Center A (Kontor A1: 8 people, Kontor A2: 6) and Center B (Kontor B1: 6).
    15 talks held; 5 people have not prepared although the deadline has passed."""
    chief = make_person("chef", municipality["Kommunen"], first_name="Chefen")
    round_ = make_round(
        kl_catalogue,
        kl_questions,
        name="MUS 2027",
        status="open",
        preparation_deadline=PAST,
        talks_start=PAST,
    )
    competence = {c.name: c for c in kl_catalogue.competences.all()}
    a1 = people(municipality["Kontor A1"], 8, chief)
    held = reviews(round_, a1[:6], "concluded", chief)
    focus(held, competence["Kommunikation"])
    focus(held[:2], competence["Politik"])
    goals(held)
    reviews(round_, a1[6:], "invited", chief)
    a2 = people(municipality["Kontor A2"], 6, chief)
    focus(reviews(round_, a2[:3], "talk_held", chief), competence["Kommunikation"])
    reviews(round_, a2[3:], "preparing", chief)
    b1 = reviews(round_, people(municipality["Kontor B1"], 6, chief), "talk_held", chief)
    focus(b1, competence["Udvikling"])
    return round_


def phone_and_laptop(page, name):
    for label in ("phone", "laptop"):
        page.set_viewport_size({"width": WIDTHS[label], "height": 900})
        assert_accessible(page)
        screenshot(page, f"{name}-{label}")
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[label]
    page.set_viewport_size({"width": WIDTHS["laptop"], "height": 900})


def test_hr_follows_progress_focus_areas_and_the_med_report(
    page, live_server, hr_user, municipality_round
):
    log_in(page, live_server, "hr")
    page.get_by_role("link", name="MUS 2027").click()
    expect(page.get_by_role("heading", name="Fremdrift pr. afdeling")).to_be_visible()
    expect(page.get_by_role("link", name="5 over fristen")).to_be_visible()
    page.get_by_role("link", name="Alle afdelinger, og hvem der er over fristen").click()

    # The tree: Kommunen and its centres, a centre's offices a click away.
    expect(page.get_by_role("heading", level=1)).to_have_text("Fremdrift: MUS 2027")
    table = page.get_by_role("table").first
    expect(table.get_by_role("row", name="Center A")).to_contain_text("2 afdelinger under den")
    expect(table.get_by_role("rowheader", name="Kontor A1")).to_have_count(0)
    phone_and_laptop(page, "insight-progress")

    table.get_by_role("link", name="Center A").click()
    expect(page.get_by_role("navigation", name="Hvor i organisationen")).to_contain_text("Kommunen")
    overdue = page.locator("#overdue")
    expect(overdue.get_by_role("heading")).to_contain_text("5")
    expect(overdue.get_by_role("row")).to_have_count(1 + 5)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som Excel (xlsx)").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert workbook["Fremdrift"]["A2"].value == "Center A"
    assert workbook["Fremdrift"]["J2"].value == 14
    assert workbook["Over fristen"].max_row == 1 + 5
    screenshot(page, "insight-progress-drilled-laptop")

    # The focus map: Kontor A2 and the small groups hidden, in the map and the table.
    page.goto(f"{live_server.url}/rounds/{municipality_round.pk}/")
    page.get_by_role("link", name="Aftalte fokusområder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aftalte fokusområder: MUS 2027")
    expect(page.get_by_role("img", name="Aftalte fokusområder pr. enhed: MUS 2027")).to_be_visible()
    figures = page.get_by_role("table")
    expect(figures.get_by_role("row", name="Kommunen")).to_contain_text("15")  # talks held
    expect(figures.get_by_text("færre end 5").first).to_be_visible()
    phone_and_laptop(page, "insight-focus-map")
    page.get_by_role("combobox", name="Vis afdeling").select_option(label="\u2003Center A")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.get_by_role("row", name="Kontor A2")).to_contain_text("færre end 5")
    screenshot(page, "insight-focus-map-drilled-laptop")

    # The MED report, its years, and the PDF.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="MED-rapport").click()
    year = municipality_round.talks_start.year
    expect(page.get_by_role("heading", level=1)).to_have_text(f"MED-rapport: MUS holdt i {year}")
    expect(page.get_by_role("row", name="Hele organisationen")).to_contain_text("15")
    phone_and_laptop(page, "insight-med-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename == f"med-rapport-{year}.pdf"
