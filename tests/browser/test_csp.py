"""Chromium enforces our Content Security Policy on every page type and reports nothing.

Each page the header sweep requests with GET (tests/test_headers.py, built from the URL
resolver) is opened in Chromium as the same persona, plus the htmx swaps of the
preparation and every page of Django admin. A violation, or a Permissions-Policy
feature Chromium does not know, shows up as a console message or a
``securitypolicyviolation`` event; there must be none.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from competencies.models import Catalogue
from organisation.models import Person
from reviews.models import Round
from tests import sweep
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.test_headers import VISITS, Sweep, world  # noqa: F401  (the world fixture)

pytestmark = pytest.mark.django_db(transaction=True)

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} ` +
                `${event.sourceFile}:${event.lineNumber}`);
});
"""
WATCHED = ("Content Security Policy", "CSP violation", "Permissions-Policy", "Refused to")


@pytest.fixture
def watched_page(page):
    messages = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            messages.append(f"{page.url}: {message.text}")
            if any(word in message.text for word in WATCHED)
            else None
        ),
    )
    page.violations = messages
    return page


def visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response


def test_no_page_of_the_app_violates_the_policy(watched_page, live_server, world):  # noqa: F811
    page, sweeper = watched_page, Sweep(None, world)
    by_persona = {}
    for name, spec in VISITS.items():
        if spec.method == "GET" and spec.persona and not spec.download:
            by_persona.setdefault(spec.persona, []).append((name, spec))
    seen = 0
    for persona, visits in by_persona.items():
        page.context.clear_cookies()
        log_in(page, live_server, world[persona].username)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        for name, spec in visits:
            response = visit(page, live_server.url + reverse(name, args=sweeper.args(spec.args)))
            assert response.status == 200, name
            seen += 1
    page.context.clear_cookies()
    for url in ("/login/", "/reviews/00000000-0000-4000-8000-000000000000/"):
        visit(page, live_server.url + url)
    assert seen >= 10
    assert not page.violations, "\n".join(page.violations)


def test_the_preparations_htmx_swaps_stay_within_the_policy(
    watched_page,
    live_server,
    world,  # noqa: F811
):
    page = watched_page
    log_in(page, live_server, world["colleague"].username)
    visit(page, f"{live_server.url}/reviews/{world['open'].public_id}/prepare/")
    page.locator("textarea").first.fill("Skrevet med htmx")
    expect(page.locator("[id^=state-answer-]").first).to_contain_text("Gemt")
    page.locator(".wheel__field--strong").first.click()
    expect(page.locator(".wheel .is-marked")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert not page.violations, "\n".join(page.violations)


def test_django_admin_stays_within_the_policy(watched_page, live_server, superuser, world):  # noqa: F811
    page = watched_page
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.get_by_label("Brugernavn").fill(superuser.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator("#site-name")).to_be_visible()
    change_forms = [
        reverse("admin:competencies_catalogue_change", args=[Catalogue.objects.first().pk]),
        reverse("admin:reviews_round_change", args=[Round.objects.first().pk]),
        reverse("admin:organisation_person_change", args=[Person.objects.first().pk]),
    ]
    for url in [*sweep.admin_pages(), *change_forms]:
        visit(page, live_server.url + url)
    # The autocomplete widgets load their options with a script of their own: a person's
    # department and manager (an opened round's participants are read-only).
    visit(page, live_server.url + change_forms[2])
    page.locator(".select2-selection").first.click()
    page.wait_for_load_state("networkidle")
    assert not page.violations, "\n".join(page.violations)
