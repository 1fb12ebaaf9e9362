"""Your data, in Chromium: the employee finds the page, reads it and downloads everything."""

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, assert_accessible, log_in, screenshot
from tests.test_review_pdf import EMPLOYEE_NOTE, conclude

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_employee_downloads_all_their_data(
    page, live_server, client, review, employee, manager
):
    concluded = conclude(client, review, employee, manager)
    log_in(page, live_server, "anne")
    page.get_by_role("link", name="Dine data: hent dem, og se hvem der har åbnet din MUS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine data i MUS")
    expect(page.get_by_role("link", name="MUS 2027")).to_have_attribute(
        "href", f"/reviews/{concluded.public_id}/opened/"
    )
    assert_accessible(page)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"privacy-{label}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    with page.expect_download() as info:
        page.get_by_role("link", name="Hent mine data (zip)").click()
    download = info.value
    assert download.suggested_filename.startswith("mus-data-anne-")
    archive = zipfile.ZipFile(io.BytesIO(download.path().read_bytes()))
    assert "pdf/mus-2027-anne-andersen.pdf" in archive.namelist()
    data = json.loads(archive.read("data.json"))
    assert data["account"]["username"] == "anne"
    assert EMPLOYEE_NOTE in json.dumps(data, ensure_ascii=False)
    assert archive.read("pdf/mus-2027-anne-andersen.pdf").startswith(b"%PDF")
