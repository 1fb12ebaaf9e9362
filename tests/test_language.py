"""Danish by default, English complete, the choice remembered, the alphabet of each language."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from common.collation import Localised, danish_key, english_key
from organisation.factories import DepartmentFactory
from organisation.models import Department, Person, User
from tests.conftest import make_person

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po"
NAMES = ["Zacharias", "Øster", "Anders", "Åse", "Ærø", "Aabenraa", "Bo", "Ødis", "Ulla", "Über"]
DANISH_ORDER = [
    "Anders",
    "Bo",
    "Ulla",
    "Über",
    "Zacharias",
    "Ærø",
    "Ødis",
    "Øster",
    "Aabenraa",
    "Åse",
]
ENGLISH_ORDER = [
    "Aabenraa",
    "Ærø",
    "Anders",
    "Åse",
    "Bo",
    "Ødis",
    "Øster",
    "Über",
    "Ulla",
    "Zacharias",
]


def entries(*options) -> list[str]:
    """The msgids gettext's msgattrib picks out of the Danish catalogue with the options."""
    result = subprocess.run(
        ["msgattrib", *options, "--no-wrap", str(PO)], capture_output=True, text=True, check=True
    )
    return [m for m in re.findall(r'^msgid "(.*)"$', result.stdout, re.M) if m]


def test_every_message_has_a_danish_translation_and_none_is_fuzzy():
    assert entries("--translated", "--no-fuzzy"), "msgattrib found no messages at all"
    assert not entries("--untranslated"), "Untranslated"
    assert not entries("--only-fuzzy"), "Fuzzy"


def test_the_catalogue_compiles_without_untranslated_messages(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def text_outside_template_code(source: str) -> str:
    source = re.sub(r"{% blocktranslate.*?{% endblocktranslate %}", " ", source, flags=re.S)
    source = re.sub(r"{% comment %}.*?{% endcomment %}", " ", source, flags=re.S)
    # The admin's body classes (a copied Django template) are CSS names, not text.
    source = re.sub(r"{% block bodyclass %}.*?{% endblock %}", " ", source, flags=re.S)
    source = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", source, flags=re.S)
    return re.sub(r"<[^>]+>", " ", source)


# The language switch names each language in that language, marked with lang="…".
# MUS is the product's name in both.
SPOKEN_IN_THEIR_OWN_LANGUAGE = {"Dansk", "English", "MUS"}


def test_templates_speak_through_translations_only():
    """Text a person reads is in {% translate %}: no Danish or English written into a template."""
    found = []
    for template in (ROOT / "templates").rglob("*.html"):
        for word in re.findall(
            r"[A-Za-zÆØÅæøå][\wæøåÆØÅ’'-]+", text_outside_template_code(template.read_text())
        ):
            if word not in SPOKEN_IN_THEIR_OWN_LANGUAGE and not word.startswith("&"):
                found.append(f"{template.relative_to(ROOT)}: {word}")
    assert not found, "\n".join(found)


def test_danish_and_english_alphabets_in_python():
    assert sorted(NAMES, key=danish_key) == DANISH_ORDER
    assert sorted(NAMES, key=english_key) == ENGLISH_ORDER


@pytest.mark.parametrize(("language", "expected"), [("da", DANISH_ORDER), ("en", ENGLISH_ORDER)])
def test_the_database_sorts_names_in_the_active_language(db, language, expected):
    department = DepartmentFactory(name="Kontoret")
    for name in NAMES:
        make_person(name.casefold(), department, first_name=name)
    with translation.override(language):
        assert [p.user.first_name for p in Person.objects.select_related("user")] == expected
        ordered = User.objects.order_by(Localised("first_name")).values_list(
            "first_name", flat=True
        )
        assert list(ordered) == expected


def test_departments_are_listed_in_danish_order(db):
    for name in [
        "Økonomi",
        "Arbejdsmarked",
        "Aalborg-kontoret",
        "Ældre og Sundhed",
        "Borgerservice",
    ]:
        DepartmentFactory(name=name)
    with translation.override("da"):
        assert [d.name for d in Department.objects.all()] == [
            "Arbejdsmarked",
            "Borgerservice",
            "Ældre og Sundhed",
            "Økonomi",
            "Aalborg-kontoret",
        ]


def test_danish_is_the_default_even_for_an_english_browser(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="da">' in response.content.decode()


def test_the_choice_sticks_in_a_cookie_and_on_the_user(client, employee):
    client.force_login(employee.user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert User.objects.get(pk=employee.user.pk).language == "en"
    assert '<html lang="en">' in client.get(reverse("dashboard")).content.decode()


def test_a_new_device_gets_the_language_the_user_chose(client, employee):
    User.objects.filter(pk=employee.user.pk).update(language="en")
    client.force_login(employee.user)  # a fresh client: no language cookie
    page = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="en">' in page
    assert "Your MUS" in page


def test_the_switch_works_for_anonymous_visitors_by_cookie(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()


def test_the_switch_needs_post(client, db):
    assert client.get(reverse("set_language")).status_code == 405


def test_the_favicon_is_served_also_as_favicon_ico(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.svg")
