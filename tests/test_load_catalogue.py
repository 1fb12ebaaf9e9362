"""load_catalogue: checked first, all or nothing, idempotent, never rewording a catalogue in use."""

import json

import pytest
from django.core.management import CommandError, call_command

from competencies.models import Catalogue, Competence, Statement
from tests.conftest import CATALOGUE_FIXTURES
from tests.test_catalogue_models import use_in_round

pytestmark = pytest.mark.django_db


def fixture_items(path="fixtures/kl_2015.json"):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write(tmp_path, items, name="catalogue.json"):
    path = tmp_path / name
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return str(path)


def counts():
    return Catalogue.objects.count(), Competence.objects.count(), Statement.objects.count()


def test_loading_twice_changes_nothing():
    call_command("load_catalogue", *CATALOGUE_FIXTURES, verbosity=0)
    first = counts()
    call_command("load_catalogue", *CATALOGUE_FIXTURES, verbosity=0)
    assert counts() == first
    assert first[0] == 2


def test_malformed_json_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"model": "competencies.catalogue", "fields": {', encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken.json: not valid JSON"):
        call_command("load_catalogue", str(path), verbosity=0)
    assert counts() == (0, 0, 0)


def test_item_without_its_fields_is_refused(tmp_path):
    items = fixture_items()
    del items[10]["fields"]["position"]
    with pytest.raises(CommandError, match=r"item 11 .*missing or malformed field 'position'"):
        call_command("load_catalogue", write(tmp_path, items), verbosity=0)
    assert counts() == (0, 0, 0)


def test_two_competences_in_one_wheel_position_are_refused(tmp_path):
    items = fixture_items()
    competences = [i for i in items if i["model"] == "competencies.competence"]
    competences[2]["fields"]["position"] = competences[1]["fields"]["position"]

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", write(tmp_path, items), verbosity=0)

    message = str(error.value)
    assert "two competences in the same wheel position" in message
    assert "Helhed" in message and "Kommuner" in message
    assert counts() == (0, 0, 0)


def test_a_bad_file_among_good_ones_loads_nothing(tmp_path):
    bad = write(tmp_path, [{"model": "reviews.round", "fields": {}}])
    with pytest.raises(CommandError, match="not a catalogue model"):
        call_command("load_catalogue", *CATALOGUE_FIXTURES, bad, verbosity=0)
    assert counts() == (0, 0, 0)


def test_rewording_a_catalogue_in_use_is_refused(tmp_path, kl_catalogue, kl_questions):
    use_in_round(kl_catalogue, kl_questions)
    items = fixture_items()
    statement = next(i for i in items if i["model"] == "competencies.statement")
    original = statement["fields"]["text"]
    statement["fields"]["text"] = "omformuleret"

    with pytest.raises(CommandError, match="is used by a round and its text cannot change"):
        call_command("load_catalogue", write(tmp_path, items), verbosity=0)

    assert Statement.objects.filter(text=original).exists()
    assert not Statement.objects.filter(text="omformuleret").exists()


def test_reloading_the_same_text_into_a_catalogue_in_use_is_fine(kl_catalogue, kl_questions):
    use_in_round(kl_catalogue, kl_questions)
    call_command("load_catalogue", *CATALOGUE_FIXTURES, verbosity=0)
    assert Catalogue.objects.count() == 2
