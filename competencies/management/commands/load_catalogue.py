"""Load catalogue fixtures, checked first; a faulty file changes nothing.

``loaddata`` alone would let a fixture with two competences in one wheel position
silently merge them (they share a natural key), and would reword a catalogue that
a round already uses. This command refuses both, naming what is wrong.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from competencies.models import Catalogue, QuestionSet

# How each model's natural key is read from a fixture item's fields.
NATURAL_KEYS: dict[str, Callable[[dict[str, Any]], tuple[object, ...]]] = {
    "competencies.catalogue": lambda f: (f["name"], f.get("version", 1)),
    "competencies.questionset": lambda f: (f["name"], f.get("version", 1)),
    "competencies.cataloguetext": lambda f: (*f["catalogue"], f["kind"], f["position"]),
    "competencies.competence": lambda f: (*f["catalogue"], f["position"]),
    "competencies.statement": lambda f: (*f["competence"], f["kind"], f["position"]),
    "competencies.theme": lambda f: (*f["question_set"], f["position"]),
    "competencies.question": lambda f: (*f["theme"], f["position"]),
}


def read_items(path: Path) -> list[Any]:
    """The fixture's items, as JSON has them: problems_in() checks what they are."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"{path}: not valid JSON ({error}).") from None
    if not isinstance(items, list):
        raise CommandError(f"{path}: a fixture is a JSON list of objects.")
    return items


def label(fields: dict[str, Any]) -> str:
    return str(fields.get("name") or fields.get("title") or fields.get("text", ""))[:50]


def problems_in(path: Path, items: list[Any]) -> list[str]:
    problems: list[str] = []
    seen: dict[tuple[str, tuple[object, ...]], tuple[int, dict[str, Any]]] = {}
    for number, item in enumerate(items, start=1):
        where = f"{path}, item {number}"
        if not isinstance(item, dict) or not isinstance(item.get("fields"), dict):
            problems.append(f"{where}: expected an object with “model” and “fields”.")
            continue
        model, fields = str(item.get("model", "")).lower(), item["fields"]
        if model not in NATURAL_KEYS:
            problems.append(f"{where}: “{model}” is not a catalogue model.")
            continue
        try:
            key = (model, NATURAL_KEYS[model](fields))
        except (KeyError, TypeError) as error:
            problems.append(f"{where} ({model}): missing or malformed field {error}.")
            continue
        if key in seen:
            first_number, first_fields = seen[key]
            what = (
                "two competences in the same wheel position"
                if model == "competencies.competence"
                else f"two {apps.get_model(model)._meta.verbose_name_plural} with the same position"
            )
            problems.append(
                f"{where}: {what} {key[1]} (“{label(first_fields)}” in item {first_number} "
                f"and “{label(fields)}”)."
            )
        else:
            seen[key] = (number, fields)
    return problems


def snapshot(obj: Catalogue | QuestionSet) -> str:
    """The text of a catalogue or question set with all its parts, for comparison."""
    if isinstance(obj, Catalogue):
        parts = [obj, *obj.texts.all(), *obj.competences.all()]
        parts += [s for c in obj.competences.all() for s in c.statements.all()]
    else:
        parts = [obj, *obj.themes.all()]
        parts += [q for t in obj.themes.all() for q in t.questions.all()]
    text: str = serializers.serialize(
        "json", parts, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    return text


class Command(BaseCommand):
    help = "Load catalogue fixtures (e.g. fixtures/kl_2015.json), checked first; all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fixtures", nargs="+", type=Path)

    def handle(self, *args: Any, fixtures: list[Path], verbosity: int = 1, **options: Any) -> None:
        problems: list[str] = []
        for path in fixtures:
            problems += problems_in(path, read_items(path))
        if problems:
            raise CommandError("Nothing was loaded:\n" + "\n".join(problems))

        with transaction.atomic():
            in_use: list[Catalogue | QuestionSet] = [
                *Catalogue.objects.filter(rounds__isnull=False).distinct(),
                *QuestionSet.objects.filter(rounds__isnull=False).distinct(),
            ]
            before = {obj: snapshot(obj) for obj in in_use}
            try:
                call_command("loaddata", *fixtures, verbosity=0)
            except Exception as error:
                raise CommandError(f"Nothing was loaded: {error}") from error
            changed = [str(obj) for obj in in_use if snapshot(obj) != before[obj]]
            if changed:
                raise CommandError(
                    "Nothing was loaded: "
                    + ", ".join(changed)
                    + " is used by a round and its text cannot change. "
                    "Give the changed catalogue a new version number in the fixture."
                )
        if verbosity:
            self.stdout.write(f"Loaded {', '.join(str(p) for p in fixtures)}.")
