"""The MED committee's figures: per unit and year, the share of employees whose MUS was held
and concluded; as a page, a PDF and an xlsx."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hr.insight.reports import med_report
from tests.conftest import make_person, make_round
from tests.insight_world import people, reviews
from tests.pdf import Pdf

pytestmark = pytest.mark.django_db


def dated_round(catalogue, questions, name, talks_start, status="closed"):
    return make_round(
        catalogue,
        questions,
        name=name,
        status=status,
        preparation_deadline=talks_start - datetime.timedelta(days=7),
        talks_start=talks_start,
        talks_end=talks_start + datetime.timedelta(days=50),
    )


@pytest.fixture
def years(kl_catalogue, kl_questions, municipality):
    """2025: two talks. 2026: two rounds; one employee is in both and counts once."""
    chief = make_person("chef", municipality["Kommunen"], first_name="Chefen")
    spring = dated_round(kl_catalogue, kl_questions, "MUS 2026", datetime.date(2026, 2, 9))
    autumn = dated_round(
        kl_catalogue, kl_questions, "MUS efterår 2026", datetime.date(2026, 9, 1), "open"
    )
    earlier = dated_round(kl_catalogue, kl_questions, "MUS 2025", datetime.date(2025, 2, 10))
    dated_round(kl_catalogue, kl_questions, "MUS 2030", datetime.date(2030, 2, 1), "draft")

    a1 = people(municipality["Kontor A1"], 4, chief)
    reviews(spring, a1[:2], "concluded", chief)
    reviews(spring, a1[2:3], "talk_held", chief)
    reviews(spring, a1[3:], "invited", chief)
    reviews(autumn, a1[3:], "concluded", chief)  # had it after all, in the autumn
    reviews(autumn, people(municipality["Kontor A2"], 1, chief), "talk_started", chief)
    reviews(spring, people(municipality["Center B"], 3, chief), "concluded", chief)
    reviews(earlier, a1[:2], "concluded", chief)
    return spring


def figures(report):
    """Label → (employees, held, share held, concluded, share concluded)."""
    rows = report.rows if report.root else [*report.rows, report.totals]
    return {row.label: tuple(row.cells) for row in rows}


def test_per_unit_and_year_counting_each_employee_once(years):
    report = med_report(2026, levels=None)
    assert figures(report) == {
        "Kommunen": (8, 7, 7 / 8, 6, 6 / 8),
        "Center A": (5, 4, 4 / 5, 3, 3 / 5),
        "Kontor A1": (4, 4, 1.0, 3, 3 / 4),
        "Kontor A2": (1, 0, 0.0, 0, 0.0),
        "Center B": (3, 3, 1.0, 3, 1.0),
        "Hele organisationen": (8, 7, 7 / 8, 6, 6 / 8),
    }
    assert [(y.year, y.employees, y.held, y.concluded) for y in report.years] == [
        (2025, 2, 2, 2),
        (2026, 8, 7, 6),
    ]
    assert figures(med_report(2025, levels=None))["Kontor A1"] == (2, 2, 1.0, 2, 1.0)


def test_the_latest_year_is_the_default_and_other_years_are_404(client, hr_user, years):
    client.force_login(hr_user)
    assert client.get(reverse("med_latest"))["Location"] == reverse("med_report", args=[2026])
    assert client.get(reverse("med_report", args=[2030])).status_code == 404  # a draft only
    assert client.get(reverse("med_report", args=[1999])).status_code == 404


def test_the_page_drills_down_and_links_the_years(client, hr_user, years, municipality):
    client.force_login(hr_user)
    url = reverse("med_report", args=[2026])
    page = client.get(url, {"department": municipality["Center A"].pk}).content.decode()
    assert "MED-rapport: MUS holdt i 2026" in page
    assert "80,0\u00a0%" in page  # 4 of 5 held in Center A
    assert f'href="{reverse("med_report", args=[2025])}"' in page
    assert f"{reverse('med_pdf', args=[2026])}?department={municipality['Center A'].pk}" in page


def test_the_pdf_holds_the_figures(client, hr_user, years, tmp_path):
    client.force_login(hr_user)
    response = client.get(reverse("med_pdf", args=[2026]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="med-rapport-2026.pdf"' in response["Content-Disposition"]
    pdf = Pdf(tmp_path / "med.pdf", response.content)
    for text in (
        "MUS holdt i 2026",
        "Kontor A1",
        "Hele organisationen 8 7 87,5 % 6 75,0 %",
        "2025 2 2 100,0 % 2 100,0 %",
    ):
        assert text in pdf, text
    assert pdf.page_size == pytest.approx((595.3, 841.9), abs=1)


def test_the_xlsx_has_the_units_and_the_years(client, hr_user, years):
    client.force_login(hr_user)
    response = client.get(reverse("med_xlsx", args=[2026]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["MUS holdt i 2026", "År for år"]
    units = workbook["MUS holdt i 2026"]
    assert [c.value for c in units[1]] == [
        "Afdeling",
        "Type",
        "Del af",
        "Medarbejdere",
        "MUS holdt",
        "Andel holdt",
        "Afsluttet",
        "Andel afsluttet",
    ]
    last = [c.value for c in units[units.max_row]]
    assert last[0] == "Hele organisationen"
    assert last[3:] == [8, 7, pytest.approx(0.875), 6, pytest.approx(0.75)]
    assert units.cell(units.max_row, 6).number_format == "0.0%"
    trend = workbook["År for år"]
    assert [c.value for c in trend[3]] == [2026, 8, 7, pytest.approx(0.875), 6, 0.75]
    assert trend["A3"].number_format == "0"


@pytest.mark.parametrize("size", [3, 120])
def test_queries_do_not_grow(
    client, hr_user, years, municipality, size, django_assert_max_num_queries
):
    chief = make_person("chef2", municipality["Kommunen"])
    reviews(years, people(municipality["Kontor A2"], size, chief), "concluded", chief)
    client.force_login(hr_user)
    for name in ("med_report", "med_xlsx"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name, args=[2026])).status_code == 200
