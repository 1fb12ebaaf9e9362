"""Django admin as HR and a superuser use it: every list, add form and change form, with
zero axe violations and, as served, no Nu Html Checker error.

The models come from the admin's registry, so a model someone registers is swept too.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse

from mus.management.commands.seed_demo import DEMO_PASSWORD
from organisation.models import User
from tests import validate
from tests.browser.conftest import assert_accessible, page_weight, write_weights
from tests.browser.world import build_world
from trail.recording import removal

pytestmark = pytest.mark.django_db(transaction=True)


def admin_pages(user) -> list[str]:
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}"
        if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            continue
        pages.append(reverse("admin:app_list", args=[meta.app_label]))
        pages.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(_request_of(user)):
            pages.append(reverse(f"{name}_add"))
        if first := model_admin.get_queryset(_request_of(user)).first():
            pages.append(reverse(f"{name}_change", args=[first.pk]))
            pages.append(reverse(f"{name}_history", args=[first.pk]))
            if isinstance(model_admin, UserAdmin) and user.is_superuser:
                pages.append(reverse("admin:auth_user_password_change", args=[first.pk]))
    return list(dict.fromkeys(pages))


def removal_confirmation(page, live_server):
    """What removing a person asks first (privacy/admin.py, MUS's own template): the answer
    to the action's POST."""
    page.goto(live_server.url + reverse("admin:organisation_person_changelist"))
    page.get_by_role("checkbox", name="Vælg dette objekt for en handling - Anne").check()
    page.locator("select[name=action]").select_option("remove_people")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.locator(".actions button[type=submit]").click()
    page.get_by_role("heading", name="Fjern personer og deres data").wait_for()
    return posted.value


def _request_of(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("username", ["hr", "root"])
def test_every_admin_page_has_no_axe_violations(browser, live_server, username, tmp_path):
    """axe-core on each admin page; the Nu Html Checker on the HTML each was served as."""
    build_world()
    with removal("Retention: reviews past their keeping time"):
        pass  # a removal from the trail, so that its read-only page is swept too
    user = User.objects.get(username=username)
    page = browser.new_context(locale="da-DK").new_page()
    failures, weights = [], []
    served = {}

    def check(url, response):
        if response is not None and response.ok:
            path = tmp_path / f"admin-{len(served)}.html"
            path.write_text(response.text())
            served[path.name] = url
        weights.append((f"admin ({username}) · {url}", page_weight(page)))
        try:
            assert_accessible(page)
        except AssertionError as violations:
            failures.append(f"{url}:\n{violations}")

    login = reverse("admin:login")
    check(login, page.goto(live_server.url + login))
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    for url in admin_pages(user):
        check(url, page.goto(live_server.url + url))
    check("remove people: the confirmation", removal_confirmation(page, live_server))
    page.context.close()
    write_weights(f"admin-{username}", weights)
    for error in validate.vnu([tmp_path / name for name in served]):
        failures.append(f"Nu Html Checker, {served[error.partition(':')[0]]}: {error}")
    assert not failures, "\n\n".join(failures)
