"""Logging in through real identity providers on loopback in Chromium: an OpenID provider
(oidc-provider, its endpoints discovered from the issuer) and a SAML 2.0 IdP (samlify)."""

import re

import pytest
from playwright.sync_api import expect

from organisation.models import Person, User
from tests.browser.conftest import WIDTHS, assert_accessible, screenshot
from tests.conftest import make_person
from tests.identity_providers import configure_oidc, free_port, node_provider, saml_provider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def oidc(settings, live_server):
    callback = f"{live_server.url}/sso/oidc/callback/"
    with node_provider(
        "oidc.mjs", callback, ready_path="/.well-known/openid-configuration"
    ) as issuer:
        configure_oidc(settings, issuer)
        yield issuer


def provider_login(page, live_server, login):
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Log ind med din kommunekonto").click()
    # oidc-provider's own login and consent pages.
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()  # consent


def test_employee_logs_in_through_the_provider_and_lands_on_her_dashboard(
    page, live_server, oidc, employee
):
    employee.employee_number = "E100"
    employee.save()
    provider_login(page, live_server, "anne")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej, Anne Andersen")
    assert_accessible(page)


def test_provider_group_makes_hr_and_nothing_more(page, live_server, oidc, office):
    hanne = make_person("hanne", office, first_name="Hanne", last_name="Rasmussen")
    hanne.employee_number = "H1"
    hanne.save()
    provider_login(page, live_server, "hanne")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej, Hanne Rasmussen")
    user = User.objects.get(username="hanne")
    assert user.groups.filter(name="HR").exists()
    assert not user.is_superuser and not user.is_staff


def test_unknown_person_is_refused_in_danish_and_nothing_is_created(
    page, live_server, oidc, employee
):
    people, users = Person.objects.count(), User.objects.count()
    provider_login(page, live_server, "nobody")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du kan ikke logge ind i MUS endnu")
    expect(page.get_by_role("alert")).to_contain_text("HR-afdelingen på hr@kommune.dk")
    assert (Person.objects.count(), User.objects.count()) == (people, users)
    assert_accessible(page)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"sso-refused-{label}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_login_page_offers_the_provider_and_logout_offers_single_logout(
    page, live_server, oidc, employee
):
    employee.employee_number = "E100"
    employee.save()
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"sso-login-{label}")
    provider_login(page, live_server, "anne")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej, Anne Andersen")
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er logget ud af MUS")
    assert_accessible(page)
    screenshot(page, "sso-logged-out")
    page.get_by_role("link", name="Log ud af din kommunekonto").click()
    # The provider's own end-session page, which asks whether to log out there too.
    expect(page).to_have_url(re.compile(re.escape(oidc) + "/session/end"))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")


def test_an_unreachable_provider_is_said_plainly(page, live_server, settings, employee):
    configure_oidc(settings, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Log ind med din kommunekonto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunens login kan ikke nås")
    expect(page.get_by_role("alert")).to_contain_text("Prøv igen om et par minutter")
    assert_accessible(page)
    screenshot(page, "sso-unavailable")


@pytest.fixture
def saml_idp(settings, live_server, tmp_path):
    # Over plain HTTP a SameSite=None cookie is dropped; the test IdP is same-site (localhost).
    settings.SAML_SESSION_COOKIE_SAMESITE = "Lax"
    with saml_provider(settings, tmp_path, live_server.url) as base:
        yield base


def saml_login(page, live_server, login):
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Log ind med din kommunekonto").click()
    page.get_by_label("Username").fill(login)
    page.get_by_role("button", name="Sign in").click()


def test_employee_logs_in_through_a_saml_provider(page, live_server, saml_idp, employee):
    employee.employee_number = "E100"
    employee.save()
    saml_login(page, live_server, "anne")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej, Anne Andersen")
    assert_accessible(page)


def test_unknown_person_is_refused_by_saml_in_danish(page, live_server, saml_idp, employee):
    users = User.objects.count()
    saml_login(page, live_server, "nobody")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du kan ikke logge ind i MUS endnu")
    expect(page.get_by_role("alert")).to_contain_text("HR-afdelingen på hr@kommune.dk")
    assert User.objects.count() == users


def test_logging_out_offers_the_saml_idps_single_logout(page, live_server, saml_idp, employee):
    employee.employee_number = "E100"
    employee.save()
    saml_login(page, live_server, "anne")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej, Anne Andersen")
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er logget ud af MUS")
    assert_accessible(page)
    # MUS signs a LogoutRequest; the IdP checks it, logs out and answers: the login page.
    page.get_by_role("link", name="Log ud af din kommunekonto").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")


def test_the_saml_idps_own_logout_ends_the_mus_session(page, live_server, saml_idp, employee):
    employee.employee_number = "E100"
    employee.save()
    saml_login(page, live_server, "anne")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej, Anne Andersen")
    # Anne logs out at the municipality (another system): the IdP tells MUS.
    page.goto(f"{saml_idp}/slo/start?login=anne")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logged out of the test IdP")
    expect(page.get_by_text("MUS answered: Success")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
