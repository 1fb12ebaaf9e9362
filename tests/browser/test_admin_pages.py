"""Django admin as HR uses it: every list, add form and change form, with zero axe violations.

The models come from the admin's registry, so a model someone registers is swept too.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from mus.management.commands.seed_demo import DEMO_PASSWORD
from organisation.models import User
from tests.browser.conftest import assert_accessible, page_weight, write_weights
from tests.browser.world import build_world

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
    return list(dict.fromkeys(pages))


def _request_of(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("username", ["hr", "root"])
def test_every_admin_page_has_no_axe_violations(browser, live_server, username):
    build_world()
    user = User.objects.get(username=username)
    page = browser.new_context(locale="da-DK").new_page()
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    failures, weights = [], []
    for url in admin_pages(user):
        page.goto(live_server.url + url)
        weights.append((f"admin ({username}) · {url}", page_weight(page)))
        try:
            assert_accessible(page)
        except AssertionError as violations:
            failures.append(f"{url}:\n{violations}")
    page.context.close()
    write_weights(f"admin-{username}", weights)
    assert not failures, "\n\n".join(failures)
