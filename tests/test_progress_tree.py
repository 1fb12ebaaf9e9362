"""HR follows a round's progress through the department tree, drills down, and takes it to
Excel: counts on known data, roll-ups, overdue, and the CSV and xlsx read back."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hr.insight.reports import progress
from organisation.factories import DepartmentFactory
from reviews.models import Round
from reviews.progress import rounds_with_counts
from tests.conftest import make_person, make_round
from tests.insight_world import people, reviews, tree

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
PAST = TODAY - datetime.timedelta(days=10)
FUTURE = TODAY + datetime.timedelta(days=30)


@pytest.fixture
def round_in_progress(kl_catalogue, kl_questions, municipality):
    """18 reviews: the deadline has passed, the talks go on."""
    chief = make_person("chef", municipality["Kommunen"], first_name="Chefen")
    round_ = make_round(
        kl_catalogue,
        kl_questions,
        status="open",
        preparation_deadline=PAST,
        talks_start=PAST,
        talks_end=FUTURE,
    )
    a1 = people(municipality["Kontor A1"], 6, chief)
    reviews(round_, a1[:2], "invited", chief)
    reviews(round_, a1[2:3], "preparing", chief)
    reviews(round_, a1[3:4], "shared", chief)
    reviews(round_, a1[4:5], "talk_held", chief)
    reviews(round_, a1[5:], "concluded", chief)
    a2 = people(municipality["Kontor A2"], 3, chief)
    reviews(round_, a2[:1], "invited", chief)
    reviews(round_, a2[1:], "concluded", chief)
    centre_a = people(municipality["Center A"], 2, chief)
    reviews(round_, centre_a[:1], "talk_started", chief)
    reviews(round_, centre_a[1:], "concluded", chief)
    reviews(round_, people(municipality["Kontor B1"], 7, chief), "concluded", chief)
    return round_


def table(report):
    """Label → (invited, preparing, shared, started, held, concluded, total, overdue)."""
    rows = report.rows if report.root else [*report.rows, report.totals]
    return {row.label: tuple(row.cells[:8]) for row in rows}


def test_every_department_shows_its_own_counts_and_everything_under_it(round_in_progress):
    report = progress(round_in_progress, levels=None)

    assert [(row.kind, row.label, row.depth) for row in report.rows] == [
        ("unit", "Kommunen", 0),
        ("unit", "Center A", 1),
        ("own", "direkte i Center A", 2),
        ("unit", "Kontor A1", 2),
        ("unit", "Kontor A2", 2),
        ("unit", "Center B", 1),
        ("unit", "Kontor B1", 2),
    ]
    assert table(report) == {
        "Kommunen": (3, 1, 1, 1, 1, 11, 18, 4),
        "Center A": (3, 1, 1, 1, 1, 4, 11, 4),
        "direkte i Center A": (0, 0, 0, 1, 0, 1, 2, 0),
        "Kontor A1": (2, 1, 1, 0, 1, 1, 6, 3),
        "Kontor A2": (1, 0, 0, 0, 0, 2, 3, 1),
        "Center B": (0, 0, 0, 0, 0, 7, 7, 0),
        "Kontor B1": (0, 0, 0, 0, 0, 7, 7, 0),
        "Hele organisationen": (3, 1, 1, 1, 1, 11, 18, 4),
    }
    assert report.totals.cells[8] == pytest.approx(11 / 18)
    assert report.overdue_count == 4
    assert {r.employee.department.name for r in report.overdue} == {"Kontor A1", "Kontor A2"}


def test_the_page_shows_two_levels_and_says_what_lies_under_them(
    client, hr_user, round_in_progress
):
    client.force_login(hr_user)
    response = client.get(reverse("round_progress", args=[round_in_progress.pk]))
    report = response.context["report"]
    assert [(row.label, row.folded) for row in report.rows] == [
        ("Kommunen", 0),
        ("Center A", 2),
        ("Center B", 1),
    ]
    assert table(report)["Center A"] == (3, 1, 1, 1, 1, 4, 11, 4)
    page = response.content.decode()
    assert "Center · 2 afdelinger under den" in page
    assert "Center · 1 afdeling under den" in page


def test_drilling_down_shows_that_part_of_the_tree_and_its_overdue_only(
    client, hr_user, round_in_progress, municipality
):
    client.force_login(hr_user)
    centre = municipality["Center A"]
    url = reverse("round_progress", args=[round_in_progress.pk])

    response = client.get(url, {"department": centre.pk})

    report = response.context["report"]
    assert [row.label for row in report.rows] == [
        "Center A",
        "direkte i Center A",
        "Kontor A1",
        "Kontor A2",
    ]
    assert report.totals.label == "Center A"
    assert [unit.department.name for unit in report.path] == ["Kommunen"]
    assert len(report.overdue) == report.overdue_count == 4
    page = response.content.decode()
    assert f'href="{url}?department={municipality["Kontor A1"].pk}"' in page
    table = page[page.index("<table") : page.index("</table>")]
    assert "Kontor B1" not in table

    office = municipality["Kontor A2"]
    response = client.get(url, {"department": office.pk})
    assert [r.employee.department for r in response.context["report"].overdue] == [office]


@pytest.mark.parametrize("department", ["x", "999999", "empty"])
def test_an_unknown_or_empty_department_is_a_404(
    client, hr_user, round_in_progress, municipality, department
):
    if department == "empty":
        department = municipality["Tomt center"].pk
    client.force_login(hr_user)
    url = reverse("round_progress", args=[round_in_progress.pk])
    assert client.get(url, {"department": department}).status_code == 404


@pytest.mark.parametrize(
    ("dates", "mode", "overdue"),
    [
        ({"preparation_deadline": FUTURE, "talks_start": FUTURE}, "both", 0),
        ({"preparation_deadline": PAST}, "both", 4),  # not prepared: invited and preparing
        ({"preparation_deadline": PAST}, "none", 0),  # nobody prepares in this mode
        ({"preparation_deadline": PAST, "talks_end": PAST}, "both", 6),  # every talk not held
    ],
)
def test_who_is_overdue_follows_the_deadline_the_talks_and_the_mode(
    round_in_progress, dates, mode, overdue
):
    Round.objects.filter(pk=round_in_progress.pk).update(mode=mode, **dates)
    round_in_progress.refresh_from_db()
    assert progress(round_in_progress).overdue_count == overdue
    listed = Round.objects.filter(pk=round_in_progress.pk)
    assert rounds_with_counts(listed).get().overdue == overdue


def test_the_round_page_shows_the_top_of_the_tree_and_links_onwards(
    client, hr_user, round_in_progress
):
    client.force_login(hr_user)
    response = client.get(reverse("round_detail", args=[round_in_progress.pk]))
    assert [row.label for row in response.context["report"].rows] == ["Kommunen"]
    page = response.content.decode()
    for name in ("round_progress", "round_focus"):
        assert reverse(name, args=[round_in_progress.pk]) in page
    assert reverse("med_report", args=[round_in_progress.talks_start.year]) in page
    assert "4 over fristen" in page


def test_the_csv_opens_in_danish_excel(client, hr_user, round_in_progress):
    client.force_login(hr_user)
    response = client.get(reverse("round_progress_csv", args=[round_in_progress.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="fremdrift-mus-2027.csv"'
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel it is UTF-8
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == [
        "Afdeling",
        "Type",
        "Del af",
        "Ikke startet",
        "Forbereder",
        "Delt",
        "Samtale i gang",
        "Samtale holdt",
        "Afsluttet",
        "I alt",
        "Over fristen",
        "Andel afsluttet",
    ]
    assert rows[3] == [
        "direkte i Center A",
        "",
        "Kommunen › Center A",
        *["0", "0", "0", "1", "0", "1", "2", "0"],
        "50,0%",
    ]
    assert rows[-1] == [
        "Hele organisationen",
        "",
        "",
        *["3", "1", "1", "1", "1", "11", "18", "4"],
        "61,1%",
    ]


def test_the_overdue_csv_lists_everyone_overdue_and_escapes_formulas(
    client, hr_user, round_in_progress, municipality
):
    overdue = round_in_progress.reviews.filter(state="invited").first().employee.user
    overdue.first_name, overdue.last_name = "=HYPERLINK(1)", ""
    overdue.save()
    client.force_login(hr_user)

    response = client.get(reverse("round_overdue_csv", args=[round_in_progress.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Medarbejder", "Medarbejdernummer", "Afdeling", "Leder", "Status"]
    assert len(rows) == 1 + 4
    assert [row[0] for row in rows if "HYPERLINK" in row[0]] == ["'=HYPERLINK(1)"]


def test_the_xlsx_has_real_numbers_a_frozen_header_and_all_overdue(
    client, hr_user, round_in_progress, municipality
):
    client.force_login(hr_user)
    centre = municipality["Center A"]
    response = client.get(
        reverse("round_progress_xlsx", args=[round_in_progress.pk]), {"department": centre.pk}
    )

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "fremdrift-mus-2027-center-a.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Fremdrift", "Over fristen"]
    sheet = workbook["Fremdrift"]
    assert sheet.freeze_panes == "B2"
    assert [c.value for c in sheet[1]][:4] == ["Afdeling", "Type", "Del af", "Ikke startet"]
    assert sheet["A2"].value == "Center A" and sheet["B2"].value == "Center"
    total, share = sheet["J2"], sheet["L2"]
    assert (total.value, total.data_type) == (11, "n")
    assert share.value == pytest.approx(4 / 11)
    assert share.number_format == "0.0%"
    assert sheet.column_dimensions["A"].width >= len("direkte i Center A")
    assert sheet["A3"].alignment.indent == 1  # the tree, indented
    assert sheet.max_row == 1 + 4  # Center A, its own people, A1, A2
    overdue = workbook["Over fristen"]
    assert overdue.max_row == 1 + 4
    assert {overdue.cell(row, 3).value for row in range(2, 6)} == {"Kontor A1", "Kontor A2"}


def test_the_page_and_the_csv_round_shares_alike(client, hr_user, round_in_progress, municipality):
    client.force_login(hr_user)
    centre = {"department": municipality["Center A"].pk}
    page = client.get(reverse("round_progress", args=[round_in_progress.pk]), centre)
    assert "16,7\u00a0%" in page.content.decode()  # Kontor A1: 1 of 6 concluded
    csv_file = client.get(reverse("round_progress_csv", args=[round_in_progress.pk]), centre)
    assert ";16,7%\r\n" in csv_file.content.decode("utf-8-sig")


@pytest.mark.parametrize(("offices", "each"), [(2, 5), (60, 10)])
def test_queries_do_not_grow_with_the_round(
    client, hr_user, kl_catalogue, kl_questions, offices, each, django_assert_max_num_queries
):
    root = tree(("Kommunen", "forvaltning", None))["Kommunen"]
    chief = make_person("chef", root)
    round_ = make_round(kl_catalogue, kl_questions, status="open", preparation_deadline=PAST)
    round_.talks_start = PAST
    round_.save()
    for index in range(offices):
        office = DepartmentFactory(name=f"Kontor {index}", kind="kontor", parent=root)
        reviews(round_, people(office, each, chief), "invited" if index % 2 else "concluded", chief)
    client.force_login(hr_user)
    for name in ("round_progress", "round_progress_csv", "round_progress_xlsx", "round_detail"):
        with django_assert_max_num_queries(14):
            response = client.get(reverse(name, args=[round_.pk]))
        assert response.status_code == 200
    assert response.context["report"].review_count == offices * each
