"""Who has opened my MUS, in Chromium: the employee finds it from the dashboard and reads it."""

import pytest
from playwright.sync_api import expect

from reviews.access import access_to
from reviews.services import move_to_manager
from tests.browser.conftest import WIDTHS, assert_accessible, log_in, screenshot
from tests.conftest import make_person

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_employee_sees_who_has_opened_their_mus(page, live_server, review, manager, hr_user):
    # Mette opens Anne's review and her own preparation for it.
    log_in(page, live_server, "mette")
    page.goto(f"{live_server.url}/reviews/{review.public_id}/prepare/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.context.clear_cookies()
    # Anne writes, and HR later gives the review to another manager, with a reason.
    log_in(page, live_server, "anne")
    page.goto(f"{live_server.url}/reviews/{review.public_id}/prepare/")
    for text in ("Første udkast", "Andet udkast", "Tredje udkast"):
        with page.expect_response(lambda response: "/prepare/text/" in response.url):
            page.locator("textarea").first.fill(text)
    lars = make_person("lars", review.employee.department, first_name="Lars", last_name="Lund")
    move_to_manager(access_to(hr_user, review), lars, "Ny organisering")

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Hvem har åbnet min MUS").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hvem har åbnet min MUS")
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Hanne Rasmussen")
    expect(rows.first).to_contain_text(
        "gav samtalen til en anden leder: fra Mette Madsen til Lars Lund"
    )
    expect(rows.first).to_contain_text("Begrundelse: Ny organisering")
    mette = rows.filter(has=page.get_by_role("rowheader", name="Mette Madsen"))
    expect(mette).to_contain_text("åbnede sin forberedelse")
    expect(mette).to_contain_text("leder")
    expect(page.locator("tbody")).to_contain_text("gemte et svar (3 gange)")
    assert_accessible(page)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"trail-{label}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("link", name="Vis kun andre end mig").click()
    expect(page.locator("tbody")).not_to_contain_text("Anne Andersen")
    expect(page.locator("tbody")).to_contain_text("Mette Madsen")
