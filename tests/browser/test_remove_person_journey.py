"""HR removes a person who left, in Django admin: reads what it does, confirms, and it is done."""

import pytest
from playwright.sync_api import expect

from organisation.models import Person
from reviews.models import Review
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_removes_a_person_and_their_data(page, live_server, review, colleague, hr_user):
    page.goto(f"{live_server.url}/admin/organisation/person/")
    page.get_by_label("Brugernavn").fill("hr")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("checkbox", name="Vælg dette objekt for en handling - Bo").check()
    page.locator("select[name=action]").select_option("remove_people")
    page.locator(".actions button[type=submit]").click()

    expect(page.get_by_role("heading", name="Fjern personer og deres data")).to_be_visible()
    expect(page.locator("#content")).to_contain_text("1 egen samtale slettes")
    screenshot(page, "admin-remove-person")
    assert Review.objects.filter(employee=colleague).exists()  # nothing happened yet

    page.get_by_role("button", name="Ja, fjern dem og deres data").click()
    expect(page.locator(".messagelist")).to_contain_text("1 person blev fjernet.")
    expect(page.get_by_role("row", name="Fjernet person")).to_be_visible()
    assert not Review.objects.filter(employee=colleague).exists()
    assert Person.objects.get(pk=colleague.pk).employee_number == f"removed-{colleague.pk}"
