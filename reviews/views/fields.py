"""The preparation's texts and levels as its page lays them out.

What each field shows is worked out here — its name, text, version, size and any
conflict — so that ``reviews/prepare.html``'s partials (``text_field``, ``text_input``,
``levels``) only lay it out, with the template engine's escaping.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Field
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from common.fields import own_field
from competencies.models import Theme
from competencies.wheel import Level
from reviews.models import Answer, EditConflictError, Goal, Mark, VersionedText
from reviews.preparation import PreparationSheet, WheelRow

# The texts by the first part of their name (forms.TEXT_NAME): the model field that
# stores each (its length limit) and the text area's height; None: a single line.
SHAPES: dict[str, tuple[Field, int | None]] = {
    "answer": (Answer._meta.get_field("text"), 3),
    "note": (Mark._meta.get_field("note"), 2),
    "name": (Mark._meta.get_field("name"), None),
}


@dataclass(frozen=True)
class TextField:
    """One text that saves itself as one types: "answer-12", "note-c3", "name-s1"."""

    name: str
    value: str
    version: int
    label: str
    rows: int | None
    max_length: int | None
    conflict: EditConflictError | None = None
    label_detail: str = ""  # read out after the label: which competence a note is on
    input_type: str = "text"  # of a single line (``rows`` None): "text", or "date"

    @property
    def catalogue_label(self) -> bool:
        """Labelled by the catalogue (a question: KL's Danish), not by the app's own words."""
        return self.name.startswith("answer-")


def text_field(
    name: str,
    value: str | None,
    version: int | None,
    label: str = "",
    conflicts: dict[str, EditConflictError] | None = None,
    label_detail: str = "",
) -> TextField:
    """A text as stored, or after a conflict what was typed, based on the stored version
    (the stored text is shown beside it: ``reviews/partials/conflict.html``)."""
    conflict = (conflicts or {}).get(name)
    if conflict:
        value, version = conflict.mine, conflict.current_version
    model_field, rows = SHAPES[name.partition("-")[0]]
    return TextField(
        name, value or "", version or 0, label, rows, model_field.max_length, conflict, label_detail
    )


@dataclass(frozen=True)
class RowFields:
    """A tooth of the wheel with its texts: an own competence's name, and a note."""

    row: WheelRow
    name: TextField | None
    note: TextField
    legend: str  # of its level's radio buttons


def question_fields(
    sheet: PreparationSheet, conflicts: dict[str, EditConflictError]
) -> list[tuple[Theme, list[TextField]]]:
    return [
        (
            theme,
            [
                text_field(
                    f"answer-{question.pk}",
                    answer.text if answer else "",
                    answer.text_version if answer else 0,
                    question.text,
                    conflicts,
                )
                for question, answer in questions
            ],
        )
        for theme, questions in sheet.themes
    ]


def row_fields(sheet: PreparationSheet, conflicts: dict[str, EditConflictError]) -> list[RowFields]:
    note_label = _("Note (optional)")
    return [
        RowFields(
            row,
            name=text_field(
                f"name-{row.key}",
                row.name,
                row.mark.name_version if row.mark else 0,
                _("Your own competence %(number)s") % {"number": row.slot},
                conflicts,
            )
            if row.slot
            else None,
            note=text_field(
                f"note-{row.key}",
                row.mark.note if row.mark else "",
                row.mark.note_version if row.mark else 0,
                note_label,
                conflicts,
                label_detail=row_name(row),
            ),
            legend=level_legend(row),
        )
        for row in sheet.rows
    ]


def row_name(row: WheelRow) -> str:
    """A tooth's name, also an own competence's not yet named: each slot its own."""
    return row.name or _("Your own competence %(number)s") % {"number": row.slot}


def level_legend(row: WheelRow) -> str:
    return _("Level of %(name)s") % {"name": row_name(row)}


def level_choices() -> tuple[tuple[str, str, str], ...]:
    """A tooth's radio buttons, (value, its name in ids and classes, label): the three
    levels and "not marked". Translated once for the page, not once per tooth."""
    return (
        *((value, value, str(label)) for value, label in Level.choices),
        ("", "none", _("not marked")),
    )


def versioned_field(
    obj: VersionedText,
    name: str,
    label: str,
    conflicts: dict[str, EditConflictError] | None = None,
    rows: int = 3,
    value: str | None = None,
) -> TextField:
    """A text of a VersionedText (the talk's, a reflection's) as its autosaving box shows
    it: as stored (or ``value``), or after a conflict what was typed."""
    conflict = (conflicts or {}).get(name)
    if conflict:
        text, version = conflict.mine, conflict.current_version
    else:
        text = getattr(obj, name, "") if value is None else value
        version = getattr(obj, f"{name}_version", 0)
    max_length = own_field(obj, name).max_length
    return TextField(name, text or "", version or 0, label, rows, max_length, conflict)


def goal_fields(
    goal: Goal,
    conflicts: dict[str, EditConflictError] | None = None,
    typed: dict[str, tuple[str, int]] | None = None,
) -> list[TextField]:
    """A goal's texts as its change form lays them out, named for the page it shares with
    other goals ("goal-12-title"): as stored, as ``typed`` (a post refused for its
    errors: the typed text and the version it was based on), or after a conflict what was
    typed, based on the version saved meanwhile."""
    labels = {
        "title": _("Goal"),
        "actions": _("Actions"),
        "responsible": _("Who does what"),
        "due": _("By when"),
    }
    shown = []
    for name in Goal.TEXTS:
        value: object
        conflict = (conflicts or {}).get(name)
        if conflict:
            value, version = conflict.mine, conflict.current_version
        elif typed and name in typed:
            value, version = typed[name]
        else:
            value, version = getattr(goal, name), getattr(goal, f"{name}_version")
        if isinstance(value, datetime.date):
            value = value.isoformat()  # a date box's value, whatever the language
        shown.append(
            TextField(
                f"goal-{goal.pk}-{name}",
                str(value or ""),
                version,
                labels[name],
                rows=2 if name in ("actions", "responsible") else None,
                max_length=own_field(goal, name).max_length,
                conflict=conflict,
                input_type="date" if name == "due" else "text",
            )
        )
    return shown


def autosave_answer(
    request: HttpRequest,
    obj: VersionedText,
    texts: dict[str, tuple[str, int]],
    conflicts: dict[str, EditConflictError],
    text_url: str,
    rows: int = 3,
) -> HttpResponse:
    """htmx's answer to one text saved as one types: "Saved" and its new version, or the
    text saved meanwhile beside the typed one, until the writer chooses."""
    name, (value, _version) = next(iter(texts.items()))
    if name in conflicts:
        context = {"name": name, "conflict": conflicts[name], "text_url": text_url}
        response = render(request, "reviews/partials/conflict.html", context)
        return retarget(reswap(response, "innerHTML"), f"#conflict-{name}")
    take_saved = bool(request.POST.get("take_saved"))
    context = {
        "field": versioned_field(obj, name, "", rows=rows, value=value),
        "text_url": text_url,
        "editable": True,
        "replace_input": take_saved,  # the field shows the chosen text
    }
    return render(request, "reviews/partials/autosave_state.html", context)
