"""The focus map: how many employees have each competence as an agreed focus area, per unit,
with every group of fewer than five hidden as "færre end 5" in the page, the SVG, the CSV
and the xlsx, and no hidden figure recoverable by subtraction."""

import csv
import io
import itertools
import random
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from hr.insight import heatmap
from hr.insight.reports import (
    HIDDEN,
    SMALLEST_GROUP,
    DepartmentTree,
    Figures,
    focus_map,
    latest_round_with_talks,
    suppress,
)
from organisation.factories import DepartmentFactory
from organisation.models import Department
from tests.conftest import make_person, make_round
from tests.insight_world import focus, goals, people, reviews

pytestmark = pytest.mark.django_db

H = "færre end 5"
COLUMNS = [
    "Samtaler holdt",
    "Faglighed",
    "Helhed",
    "Kommuner",
    "Kommunikation",
    "Politik",
    "Udvikling",
    "Resultater",
    "Relationer",
    "Egne kompetencer",
    "Med aftalte mål",
]
# Worked out by hand from the round below (see suppress() for the rules):
WHOLE = [18, 12, 7, H, H, 5, H, H, H, H, 6]
EXPECTED = {
    "Kommunen": WHOLE,  # the organisation's one top unit
    "Center A": [11, 6, H, H, H, 5, H, H, H, H, 6],
    "direkte i Center A": [H] * 11,  # 2 people
    "Kontor A1": [6, 5, H, H, H, H, H, H, H, H, H],  # Politik 2; goals 6 of 6 would tell A2's 0
    "Kontor A2": [H] * 11,  # 3 people
    # Helhed: Center A's 0 would tell that nobody in the small groups chose it, so it is
    # hidden, and Center B with it, or Center A's could be subtracted from Kommunen's.
    "Center B": [7, 6, H, H, H, 0, H, H, H, 0, 0],
    "Kontor B1": [7, 6, H, H, H, 0, H, H, H, 0, 0],
    "Hele organisationen": WHOLE,
}
# The page shows two levels: Kommunen and its centres; the files hold every level.
ON_THE_PAGE = ["Kommunen", "Center A", "Center B", "Hele organisationen"]
HIDDEN_ON_THE_PAGE = sum(EXPECTED[label].count(H) for label in ON_THE_PAGE)


@pytest.fixture
def talks(kl_catalogue, kl_questions, municipality):
    """MUS 2027: 18 talks held; focus areas and goals as the comments say."""
    chief = make_person("chef", municipality["Kommunen"], first_name="Chefen")
    round_ = make_round(kl_catalogue, kl_questions, status="open")
    competence = {c.name: c for c in kl_catalogue.competences.all()}

    reviews(round_, people(municipality["Center A"], 2, chief), "concluded", chief)
    a1 = reviews(round_, people(municipality["Kontor A1"], 6, chief), "concluded", chief)
    focus(a1[:5], competence["Faglighed"])
    focus(a1[:2], competence["Politik"])
    focus(a1[5:], name="Kagebagning")  # a competence of one's own
    goals(a1)
    # Not agreed yet: a talk under way, and one not begun.
    started = reviews(round_, people(municipality["Kontor A1"], 1, chief), "talk_started", chief)
    focus(started, competence["Faglighed"])
    reviews(round_, people(municipality["Kontor A1"], 1, chief), "invited", chief)

    a2 = reviews(round_, people(municipality["Kontor A2"], 3, chief), "talk_held", chief)
    focus(a2[:1], competence["Faglighed"])
    focus(a2, competence["Politik"])

    b1 = reviews(round_, people(municipality["Kontor B1"], 7, chief), "concluded", chief)
    focus(b1[:6], competence["Faglighed"])
    focus(b1, competence["Helhed"])
    goals(b1[:2], agreed=False)  # only the manager accepted: not agreed
    return round_


def cells_by_label(report):
    return {
        row.label: [str(cell) if cell is HIDDEN else cell for cell in row.cells]
        for row in [*report.rows, report.totals]
    }


def test_counts_on_known_data_with_small_groups_and_subtraction_hidden(talks):
    report = focus_map(talks, levels=None)
    assert [column.label for column in report.columns] == COLUMNS
    assert cells_by_label(report) == EXPECTED


def test_a_drill_down_hides_the_same_figures(talks, municipality):
    report = focus_map(talks, municipality["Center A"].pk)
    assert [row.label for row in report.rows] == [
        "Center A",
        "direkte i Center A",
        "Kontor A1",
        "Kontor A2",
    ]
    assert cells_by_label(report) == {
        label: EXPECTED[label] for label in [row.label for row in report.rows]
    }


def test_the_page_table_and_svg_hide_small_groups(client, hr_user, talks, municipality):
    client.force_login(hr_user)
    response = client.get(reverse("round_focus", args=[talks.pk]))
    page = response.content.decode()

    svg_markup = response.context["svg"]
    svg = ET.fromstring(svg_markup)
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert svg.get("role") == "img"
    assert svg.find("s:title", ns).text == "Aftalte fokusområder pr. enhed: MUS 2027"
    assert "færre end 5" in svg.find("s:desc", ns).text
    # Each cell: a rect and a text; the hidden ones hatched, never shaded.
    texts = [t for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.get("text-anchor")]
    hidden = [t for t in texts if (t.text or "").strip() == H]
    assert len(hidden) == HIDDEN_ON_THE_PAGE
    for group in svg.iter("{http://www.w3.org/2000/svg}g"):
        rect, text = group.find("s:rect", ns), group.find("s:text", ns)
        if rect is not None and text is not None and text.text == H:
            assert rect.get("fill") == "url(#focus-hatch)"
            assert H in group.find("s:title", ns).text

    table = page[page.index('<table class="tree-table">') : page.index("</table>")]
    assert table.count('<span class="figure--hidden">færre end 5</span>') == HIDDEN_ON_THE_PAGE
    assert cells_by_label(response.context["report"]) == {
        label: EXPECTED[label] for label in ON_THE_PAGE
    }
    assert "Kagebagning" not in page  # an own competence's name is never shown


def test_the_csv_and_xlsx_hide_the_same(client, hr_user, talks):
    client.force_login(hr_user)
    response = client.get(reverse("round_focus_csv", args=[talks.pk]))
    assert "fokusomraader-mus-2027.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Afdeling", "Type", "Del af", *COLUMNS]
    assert {row[0]: row[3:] for row in rows[1:]} == {
        label: [str(value) for value in cells] for label, cells in EXPECTED.items()
    }

    response = client.get(reverse("round_focus_xlsx", args=[talks.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Fokusområder", "Om tallene"]
    assert "vises en gruppe på færre end 5 personer som “færre end 5”" in (
        workbook["Om tallene"]["A2"].value
    )
    sheet = workbook["Fokusområder"]
    assert sheet.freeze_panes == "B2"
    read = {row[0]: list(row[3:]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert read == EXPECTED
    assert sheet["D2"].data_type == "n"  # talks held in Kommunen: a number


def test_only_agreed_focus_areas_and_goals_are_read_never_marks_notes_or_talks(
    client, hr_user, talks
):
    client.force_login(hr_user)
    with CaptureQueriesContext(connection) as queries:
        for name in ("round_focus", "round_focus_csv", "round_focus_xlsx"):
            assert client.get(reverse(name, args=[talks.pk])).status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries).lower()
    for never in (
        "reviews_mark",
        "reviews_answer",
        "reviews_preparation",
        "reviews_reflection",
        "talk_notes",
        "summary",
        "disagreement",
        '"note"',
    ):
        assert never not in sql, never


@pytest.mark.parametrize("offices", [2, 40])
def test_queries_do_not_grow_with_the_organisation(
    client, hr_user, kl_catalogue, kl_questions, offices, django_assert_max_num_queries
):
    root = DepartmentFactory(name="Kommunen", kind="forvaltning")
    chief = make_person("chef", root)
    round_ = make_round(kl_catalogue, kl_questions, status="open")
    faglighed = kl_catalogue.competences.get(name="Faglighed")
    for index in range(offices):
        office = DepartmentFactory(name=f"Kontor {index}", kind="kontor", parent=root)
        held = reviews(round_, people(office, 6, chief), "concluded", chief)
        focus(held, faglighed)
        goals(held)
    client.force_login(hr_user)
    for name in ("round_focus", "round_focus_csv", "round_focus_xlsx"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name, args=[round_.pk])).status_code == 200


def test_the_shades_meet_aa_contrast_and_differ_in_lightness():
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a, b):
        high, low = sorted([luminance(a), luminance(b)], reverse=True)
        return (high + 0.05) / (low + 0.05)

    for fill, text in [*heatmap.SHADES, (heatmap.HATCH[1], heatmap.HATCH_TEXT)]:
        assert contrast(fill, text) >= 4.5, fill
    lightness = [luminance(fill) for fill, _ in heatmap.SHADES]
    assert lightness == sorted(lightness, reverse=True)
    assert min(a - b for a, b in itertools.pairwise(lightness)) > 0.1


def test_the_focus_link_opens_the_newest_round_with_talks(client, hr_user, talks):
    client.force_login(hr_user)
    response = client.get(reverse("focus_latest"))
    assert response["Location"] == reverse("round_focus", args=[talks.pk])
    assert latest_round_with_talks() == talks


def test_without_rounds_the_focus_page_says_so(client, hr_user):
    client.force_login(hr_user)
    response = client.get(reverse("focus_latest"))
    assert "Ingen runde er åbnet endnu." in response.content.decode()


# No hidden figure can be worked out from the sums, whatever the tree and the figures.


def rank(rows: list[list[Fraction]]) -> int:
    rows = [row[:] for row in rows]
    found, column_count = 0, len(rows[0]) if rows else 0
    for column in range(column_count):
        pivot = next((r for r in range(found, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(len(rows)):
            if r != found and rows[r][column] != 0:
                factor = rows[r][column] / rows[found][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


def determined(equations, hidden: list) -> set:
    """The hidden figures the sums pin down, whatever values the others may have."""
    index = {term: i for i, term in enumerate(hidden)}
    matrix = []
    for total, parts in equations:
        row = [Fraction(0)] * len(hidden)
        for term, sign in [(total, 1), *((part, -1) for part in parts)]:
            if term in index:
                row[index[term]] += sign
        if any(row):
            matrix.append(row)
    if not matrix:
        return set()
    base = rank(matrix)
    pinned = set()
    for term, i in index.items():
        unit = [Fraction(int(j == i)) for j in range(len(hidden))]
        if rank([*matrix, unit]) == base:
            pinned.add(term)
    return pinned


def random_figures(seed: int) -> Figures:
    rng = random.Random(seed)
    departments = [Department(pk=1, name="d1", kind="forvaltning", parent_id=None)]
    for pk in range(2, rng.randint(3, 14)):
        parent = rng.choice(departments)
        departments.append(Department(pk=pk, name=f"d{pk}", kind="kontor", parent_id=parent.pk))
    own = {}
    for department in departments:
        held = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20])
        own[department.pk] = {"held": held, "x": rng.randint(0, held), "y": rng.randint(0, held)}
    return Figures(DepartmentTree(departments), own, present="held")


@pytest.mark.parametrize("seed", range(200))
def test_no_hidden_figure_can_be_worked_out(seed):
    figures = random_figures(seed)
    hidden = suppress(figures, ["held", "x", "y"])
    equations = list(figures.equations())
    for key in ("held", "x", "y"):
        column = [term for term, k in hidden if k == key]
        assert not determined(equations, column), (seed, key)
        if key == "held":
            continue
        # Nor left as nothing, or as everyone, for the hidden parts of a sum shown.
        for total, parts in equations:
            unknown = [part for part in parts if part in column]
            if unknown and total not in column:
                left = figures.counts(total)[key] - sum(
                    figures.counts(part)[key] for part in parts if part not in column
                )
                sizes = sum(figures.counts(part)["held"] for part in unknown)
                assert left not in (0, sizes), (seed, key, total)
    shown = [("unit", u.pk) for u in figures.tree.walk() if figures.shown(u)]
    for term in shown:
        size = figures.counts(term)["held"]
        for key in ("held", "x", "y"):
            value = figures.counts(term)[key]
            if 0 < size < SMALLEST_GROUP or 0 < value < SMALLEST_GROUP:
                assert (term, key) in hidden
