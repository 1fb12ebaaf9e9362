"""Django admin as HR uses it: edit an unused catalogue, not one in use; never review contents."""

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from competencies.models import Catalogue, Competence, QuestionSet
from organisation.factories import UserFactory
from organisation.models import HR_GROUP
from organisation.roles import HR_MODELS
from tests.conftest import PASSWORD
from tests.test_catalogue_models import use_in_round

pytestmark = pytest.mark.django_db


def form_data(response):
    """The POST data the admin change form would submit as it stands: main form and inlines."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = (
                [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
            )

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[formset.management_form.add_prefix(key)] = value
        for form in formset.initial_forms:
            add(form)
    return data


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_hr_group_has_exactly_the_rights_hr_needs(hr_user):
    granted = {
        (p.content_type.app_label, p.content_type.model)
        for p in Group.objects.get(name=HR_GROUP).permissions.select_related("content_type")
    }
    assert granted == set(HR_MODELS)
    codenames = set(Group.objects.get(name=HR_GROUP).permissions.values_list("codename", flat=True))
    assert {"add_catalogue", "change_catalogue", "delete_catalogue", "view_catalogue"} <= codenames


def test_hr_has_no_right_on_anything_that_holds_what_people_wrote(hr_user):
    # Every reviews model but the round itself holds review contents; HR gets none of them,
    # including the models later issues add.
    for model in apps.get_app_config("reviews").get_models():
        if model._meta.model_name == "round":
            continue
        for action in ("view", "add", "change", "delete"):
            assert not hr_user.has_perm(f"reviews.{action}_{model._meta.model_name}")


def test_hr_edits_an_unused_catalogue(client, hr_user, kl_catalogue):
    client.force_login(hr_user)
    response = client.get(change_url(kl_catalogue))
    assert response.status_code == 200
    data = form_data(response)
    data["custom_slots"] = "3"
    data["competences-0-name"] = "Fagligheden"

    response = client.post(change_url(kl_catalogue), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    kl_catalogue.refresh_from_db()
    assert kl_catalogue.custom_slots == 3
    assert kl_catalogue.competences.get(position=1).name == "Fagligheden"


def test_hr_swaps_two_competences_in_one_save(client, hr_user, kl_catalogue):
    client.force_login(hr_user)
    data = form_data(client.get(change_url(kl_catalogue)))
    data["competences-0-position"], data["competences-1-position"] = "2", "1"

    response = client.post(change_url(kl_catalogue), data)

    assert response.status_code == 302, [
        f.errors for f in response.context["inline_admin_formsets"][0].formset
    ]
    wheel = list(kl_catalogue.competences.values_list("name", flat=True))
    assert wheel[:3] == ["Helhed", "Faglighed", "Kommuner"]


def test_two_rows_in_one_position_are_refused_next_to_the_inline(client, hr_user, kl_catalogue):
    client.force_login(hr_user)
    data = form_data(client.get(change_url(kl_catalogue)))
    data["competences-2-position"] = "1"

    response = client.post(change_url(kl_catalogue), data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert errors == ["Ret venligst duplikerede data for position."]
    assert "Ret venligst duplikerede data for position." in response.content.decode()
    assert list(kl_catalogue.competences.values_list("position", flat=True)) == list(range(1, 9))


def test_two_bullets_of_one_kind_in_one_position_are_refused(client, hr_user, kl_catalogue):
    client.force_login(hr_user)
    helhed = kl_catalogue.competences.get(name="Helhed")
    response = client.get(change_url(helhed))
    meaning = response.context["inline_admin_formsets"][0].formset.prefix
    data = form_data(response)
    data[f"{meaning}-1-position"] = "1"  # the rows carry no kind field, so Django cannot see it

    response = client.post(change_url(helhed), data)

    assert response.status_code == 200
    assert (
        "To rækker har position 1. Giv hver række sin egen position." in response.content.decode()
    )
    assert [s.position for s in helhed.meaning] == list(range(1, 7))


def test_hr_edits_the_bullets_of_a_competence_by_kind(client, hr_user, kl_catalogue):
    client.force_login(hr_user)
    helhed = kl_catalogue.competences.get(name="Helhed")
    response = client.get(change_url(helhed))
    prefixes = [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]
    data = form_data(response)
    meaning_prefix = prefixes[0]
    data[f"{meaning_prefix}-TOTAL_FORMS"] = str(int(data[f"{meaning_prefix}-TOTAL_FORMS"]) + 1)
    new = int(data[f"{meaning_prefix}-TOTAL_FORMS"]) - 1
    data[f"{meaning_prefix}-{new}-position"] = "7"
    data[f"{meaning_prefix}-{new}-text"] = "have blik for borgerens perspektiv"

    response = client.post(change_url(helhed), data)

    assert response.status_code == 302
    added = helhed.statements.get(text="have blik for borgerens perspektiv")
    assert (added.kind, added.position) == ("meaning", 7)
    assert [s.kind for s in helhed.statements.all()].count("positive") == 3


def test_a_catalogue_in_use_is_read_only_with_a_copy_button(
    client, hr_user, kl_catalogue, kl_questions
):
    use_in_round(kl_catalogue, kl_questions)
    client.force_login(hr_user)

    response = client.get(change_url(kl_catalogue))

    page = response.content.decode()
    assert response.status_code == 200
    assert "kan ikke længere ændres" in page
    assert "Kopiér som ny version" in page
    assert 'name="_save"' not in page
    assert 'name="custom_slots"' not in page


def test_posting_to_a_catalogue_in_use_is_refused(client, hr_user, kl_catalogue, kl_questions):
    client.force_login(hr_user)
    data = form_data(client.get(change_url(kl_catalogue)))
    use_in_round(kl_catalogue, kl_questions)
    data["custom_slots"] = "7"

    response = client.post(change_url(kl_catalogue), data)

    assert response.status_code == 403
    kl_catalogue.refresh_from_db()
    assert kl_catalogue.custom_slots == 2


def test_a_competence_in_use_is_read_only(client, hr_user, kl_catalogue, kl_questions):
    use_in_round(kl_catalogue, kl_questions)
    client.force_login(hr_user)
    competence = kl_catalogue.competences.first()
    assert client.post(change_url(competence), {"name": "x", "position": "1"}).status_code == 403
    assert Competence.objects.get(pk=competence.pk).name == "Faglighed"


@pytest.mark.parametrize("model", [Catalogue, QuestionSet])
def test_copy_as_new_version_from_the_change_page(client, hr_user, catalogues, model):
    original = model.objects.get(name="KL MUS 2015")
    client.force_login(hr_user)
    url = reverse(f"admin:competencies_{model._meta.model_name}_copy", args=[original.pk])

    response = client.post(url)

    copy = model.objects.get(name="KL MUS 2015", version=2)
    assert response.status_code == 302
    assert response["Location"] == change_url(copy)


def test_copy_needs_post(client, hr_user, kl_catalogue):
    client.force_login(hr_user)
    url = reverse("admin:competencies_catalogue_copy", args=[kl_catalogue.pk])
    assert client.get(url).status_code == 405
    assert Catalogue.objects.filter(name="KL MUS 2015").count() == 1


def test_copy_needs_the_right_to_add(client, kl_catalogue, django_user_model):
    staff = UserFactory(username="staff", first_name="", email="", password="x", is_staff=True)
    client.force_login(staff)
    url = reverse("admin:competencies_catalogue_copy", args=[kl_catalogue.pk])
    assert client.post(url).status_code == 403
    assert Catalogue.objects.count() == 2


def test_employees_and_managers_do_not_get_into_the_admin(client, employee, manager):
    for person in (employee, manager):
        client.force_login(person.user)
        response = client.get(reverse("admin:competencies_catalogue_changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_changelists_search_and_filter(client, hr_user, kl_catalogue):
    catalogues = [kl_catalogue]
    client.force_login(hr_user)
    base = reverse("admin:competencies_competence_changelist")
    response = client.get(base, {"q": "Holder relationer og netværk"})
    assert [c.name for c in response.context["cl"].result_list] == ["Relationer"]
    response = client.get(base, {"q": "netværk", "catalogue__id__exact": catalogues[0].pk})
    assert [c.name for c in response.context["cl"].result_list] == [
        "Faglighed",
        "Kommuner",
        "Relationer",
    ]
    response = client.get(reverse("admin:competencies_catalogue_changelist"), {"in_use": "no"})
    assert response.context["cl"].result_count == 2
    response = client.get(reverse("admin:competencies_catalogue_changelist"), {"in_use": "yes"})
    assert response.context["cl"].result_count == 0


def test_hr_cannot_grant_itself_rights(client, hr_user):
    client.force_login(hr_user)
    response = client.get(reverse("admin:organisation_user_change", args=[hr_user.pk]))
    assert response.status_code == 200
    assert 'name="is_superuser"' not in response.content.decode()
    assert 'name="groups"' not in response.content.decode()


def test_superuser_sees_the_admin_index(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200


# Valid HTML in the admin of people and logins (docs/accessibility.md): Django's own
# widgets, as MUS renders them.


def options_of(bound_field) -> list[str]:
    return re.findall(r"<option[^>]*>[^<]*</option>", str(bound_field))


def test_an_autocomplete_select_starts_with_a_labelled_empty_option(client, superuser, employee):
    """A required autocomplete select has an option, the first empty-valued; no option is
    empty without a label (both are what HTML asks, and what Django's leaves out)."""
    client.force_login(superuser)
    form = client.get(reverse("admin:organisation_person_add")).context["adminform"].form
    assert options_of(form["department"]) == ['<option value="">---------</option>']
    assert options_of(form["manager"]) == ['<option value="">---------</option>']

    form = client.get(change_url(employee)).context["adminform"].form
    assert options_of(form["department"]) == [
        '<option value="">---------</option>',
        f'<option value="{employee.department.pk}" selected>{employee.department}</option>',
    ]
    empty, chosen = options_of(form["manager"])
    assert empty == '<option value="">---------</option>'
    assert chosen.startswith(f'<option value="{employee.manager.pk}" selected>')


def test_a_person_is_still_saved_through_the_autocomplete_fields(client, superuser, employee):
    client.force_login(superuser)
    data = form_data(client.get(change_url(employee)))
    data["manager"] = ""
    response = client.post(change_url(employee), data)
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.manager is None

    data["department"] = ""
    response = client.post(change_url(employee), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["department"] == ["Dette felt er påkrævet."]
    employee.refresh_from_db()
    assert employee.department is not None


def test_a_logins_password_is_shown_without_disabled_and_still_cannot_be_posted(
    client, superuser, employee
):
    client.force_login(superuser)
    url = change_url(employee.user)
    response = client.get(url)
    widget = str(response.context["adminform"].form["password"])
    assert widget.startswith("<div") and "disabled" not in widget

    data = {**form_data(response), "password": "sat-through-the-form"}
    del data["date_joined"]  # admin splits it in two
    data |= {"date_joined_0": "2026-01-05", "date_joined_1": "08:00:00", "first_name": "Ann"}
    assert client.post(url, data).status_code == 302
    employee.user.refresh_from_db()
    assert employee.user.first_name == "Ann"
    assert employee.user.check_password(PASSWORD)


def test_setting_a_password_shows_the_warning_beside_the_help_in_danish(
    client, superuser, employee
):
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[employee.user.pk])
    page = client.get(url).content.decode()
    help_text = re.search(r'<div class="help">\s*<p>(.*?)</p>\s*<ul id="id_unusable_warning"', page)
    assert help_text and "<" not in help_text.group(1)
    assert "Hvis adgangskoden deaktiveres" in page

    new = "En-ny-lang-adgangskode-42"
    data = {"usable_password": "true", "password1": new, "password2": new}
    assert client.post(url, {**data, "set-password": "1"}).status_code == 302
    employee.user.refresh_from_db()
    assert employee.user.check_password(new)


def test_setting_a_password_for_a_login_without_one_has_no_empty_choice(
    client, superuser, employee
):
    employee.user.set_unusable_password()
    employee.user.save()
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[employee.user.pk])
    page = client.get(url).content.decode()
    assert 'name="usable_password"' not in page
    assert "id_unusable_warning" not in page
