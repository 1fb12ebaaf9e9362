"""The wheel's competences and the inspiration questions, read once per process.

Every preparation, comparison and PDF shows the whole catalogue: the eight competences
with their statements and the questions in their themes, the same for every review
of a round. This keeps them in the process's memory, by the catalogue's or question
set's id, for as long as the process lives, with no invalidation, and that is correct,
not merely tolerable: only what a round uses is read through here (from a review's
round), and a catalogue or question set a round uses is frozen (``FrozenWhenInUse``):
nothing can change it any more, HR makes a new version instead, under a new id. So no
other app server needs to hear of a change, and no process can show a stale text.

The objects are shared between requests: read them, never change them. So is what is
rendered of them alone, such as a competence's statements (``meaning_html``), once per
language.
"""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from competencies.models import Competence, Question, Theme

_competences: dict[int, list[Competence]] = {}
_themes: dict[int, list[Theme]] = {}
_meanings: dict[tuple[str, int, str], SafeString] = {}


def competences(catalogue_id: int) -> list[Competence]:
    """The catalogue's competences in wheel order, their statements prefetched."""
    if catalogue_id not in _competences:
        _competences[catalogue_id] = list(
            Competence.objects.filter(catalogue_id=catalogue_id)
            .order_by("position")
            .prefetch_related("statements")
        )
    return _competences[catalogue_id]


def themes(question_set_id: int) -> list[Theme]:
    """The question set's themes in order, each with its questions prefetched in order."""
    if question_set_id not in _themes:
        _themes[question_set_id] = list(
            Theme.objects.filter(question_set_id=question_set_id)
            .order_by("position")
            .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("position")))
        )
    return _themes[question_set_id]


def meaning_html(competence: Competence, part: str = "meaning") -> SafeString:
    """What the competence means and its indicators, to unfold: for the preparation
    ("meaning") or the talk's table ("meaning_in_talk", under the competence's name).

    For a competence read through ``competences()`` only: its text can never change.
    """
    key = (part, competence.pk, get_language())
    if key not in _meanings:
        _meanings[key] = render_to_string(
            f"competencies/partials/{part}.html", {"competence": competence}
        )
    return _meanings[key]


def clear() -> None:
    """Forget everything: for tests, whose rolled-back databases may reuse an id."""
    _competences.clear()
    _themes.clear()
    _meanings.clear()
