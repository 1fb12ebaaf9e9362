"""Every PDF is tagged for screen readers (PDF/UA-1); the personnel file's are archival too.

Read back with pikepdf (tests/pdf.py): the structure tree in reading order, the document
language and title, the wheel's text alternative, the XMP identification, and for the
personnel file PDF/A-3u with every font embedded.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.pdf import Pdf
from tests.test_med_report import years  # noqa: F401 - a fixture
from tests.test_review_pdf import conclude

pytestmark = pytest.mark.django_db

UA = 'pdfuaid:part="1"'
ARCHIVE = ('pdfaid:part="3"', 'pdfaid:conformance="U"')


def assert_accessible(pdf: Pdf, title: str) -> None:
    catalog = pdf.catalog
    assert catalog["lang"] == "da"
    assert catalog["marked"] and catalog["display_title"]
    assert catalog["title"] == title
    assert UA in catalog["xmp"]
    kinds = pdf.tags.kinds()
    assert "Document" in kinds and "H1" in kinds


def assert_archival(pdf: Pdf) -> None:
    catalog = pdf.catalog
    assert all(part in catalog["xmp"] for part in ARCHIVE)
    assert catalog["output_intents"] == 1
    assert catalog["fonts_embedded"]


@pytest.fixture
def concluded(client, review, employee, manager):
    return conclude(client, review, employee, manager)


def record(client, review, user, tmp_path) -> Pdf:
    client.force_login(user)
    response = client.get(reverse("review_pdf", args=[review.public_id]))
    assert response.status_code == 200
    return Pdf(tmp_path / f"{user.username}.pdf", response.content)


def test_the_parties_record_is_tagged_with_the_wheel_said_in_words(
    client, concluded, employee, tmp_path
):
    pdf = record(client, concluded, employee.user, tmp_path)
    assert_accessible(pdf, "MUS 2027 – Anne Andersen")
    tags = list(pdf.tags.walk())
    # The wheel's text alternative names each mark, so a screen reader needs no picture.
    wheel = next(tag for tag in tags if tag.kind == "Figure")
    assert "Faglighed" in wheel.alt and "Politik" in wheel.alt
    assert {"H2", "Table", "L"} <= {tag.kind for tag in tags}
    # Not the archive's: a party's copy is not the personnel file.
    assert "pdfaid" not in pdf.catalog["xmp"]


def test_hrs_record_is_for_the_archive_as_well(client, concluded, hr_user, tmp_path):
    pdf = record(client, concluded, hr_user, tmp_path)
    assert_accessible(pdf, "MUS 2027 – Anne Andersen")
    assert_archival(pdf)


def test_the_reading_order_follows_the_page(client, concluded, employee, tmp_path):
    """The headings come in the tree in the order the page shows them."""
    pdf = record(client, concluded, employee.user, tmp_path)
    headings = [tag for tag in pdf.tags.walk() if tag.kind in ("H1", "H2")]
    assert headings[0].kind == "H1"
    flow = pdf.flow
    order = [flow.find(text) for text in ("Anne Andersen", "Fokusområder", "Udviklingsmål")]
    assert -1 not in order and order == sorted(order)


def test_the_exported_personnel_file_is_archival(client, concluded, tmp_path):
    call_command("export_round", "MUS 2027", str(tmp_path), "--processes", "1")
    pdf = Pdf(next(tmp_path.glob("*-anne-andersen.pdf")))
    assert_accessible(pdf, "MUS 2027 – Anne Andersen")
    assert_archival(pdf)


def test_the_blank_guide_is_tagged(client, employee, kl_catalogue, tmp_path):
    client.force_login(employee.user)
    response = client.get(reverse("catalogue_guide_pdf", args=[kl_catalogue.pk]))
    pdf = Pdf(tmp_path / "guide.pdf", response.content)
    assert pdf.catalog["lang"] == "da" and UA in pdf.catalog["xmp"]
    assert pdf.catalog["marked"] and "Figure" in pdf.tags.kinds()


@pytest.mark.usefixtures("years")
def test_the_med_report_is_tagged_with_its_tables(client, hr_user, tmp_path):
    client.force_login(hr_user)
    response = client.get(reverse("med_pdf", args=[2026]))
    pdf = Pdf(tmp_path / "med.pdf", response.content)
    assert_accessible(pdf, "MED-rapport: MUS holdt i 2026")
    assert {"Table", "TH", "TD"} <= set(pdf.tags.kinds())
