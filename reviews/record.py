"""The record of a concluded review: the PDF for the personnel file.

One template serves every reader; what it shows is decided part by part by the reader's
``ReviewAccess`` (reviews.access), never here. A part the reader may not see is left out
of the context altogether (``None``), so that the template cannot show it by mistake.
"""

import re
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.fields import own_field
from common.pdf import render_pdf
from competencies.views import DANISH_LETTERS
from competencies.wheel import render_wheel, wheel_summary
from reviews import comparison, preparation
from reviews.access import ReviewAccess
from reviews.models import Party, Reflection, Review

TEMPLATE = "reviews/record_pdf.html"

# What a record needs beyond the review itself, one query each however much there is.
RECORD_PREFETCH = ("focus_areas__competence", "goals", "reflections")


def hr_access(review: Review) -> ReviewAccess:
    """HR's view of a review, for exports run by HR from the command line (no login).

    Built like access_to() builds it for a user in the HR group: no party, so none of
    the confidential parts, and no preparations loaded.
    """
    return ReviewAccess(review=review, person=None, as_hr=True)


@dataclass
class ReflectionRecord:
    """One party's Refleksioner efter MUS as the record prints them: filled fields only."""

    heading: str
    shared: bool
    points: list[tuple[str, str]]  # (label, text) of "Pointer til fastholdelse"
    longer_term: str


def _comparison(review: Review, review_access: ReviewAccess) -> dict:
    """The shared wheel and the table, as on the talk page: where the views differ most first."""
    rows = comparison.rows_for(review, review_access.preparations)
    return {
        "rows": rows,
        "any_marks": any(row.employee or row.manager for row in rows),
        "letters": comparison.symbols(),
        "wheel": render_wheel(
            comparison.shared_wheel_teeth(rows),
            title=_("Both wheels in one: %(marks)s") % {"marks": comparison.describe(rows)},
            title_id="record-wheel-title",
        ),
    }


@dataclass
class PreparedAnswers:
    """One inspiration question with the answers the reader may see, the employee's first."""

    question: str
    answers: list[tuple[str, str]]  # (whose, text)


def _prepared(review: Review, review_access: ReviewAccess) -> dict | None:
    """Each party's own wheel and the prepared answers, as far as the reader may see them
    (``ReviewAccess.can_see_preparation``); None for HR and anyone else who may not."""
    parties = [
        (party, label)
        for party, label in (
            (Party.EMPLOYEE, _("The employee")),
            (Party.MANAGER, _("The manager")),
        )
        if party in review_access.preparations and review_access.can_see_preparation(party)
    ]
    if not parties:
        return None
    sheets = {
        party: preparation.sheet_for(review, review_access.preparations[party])
        for party, _label in parties
    }
    wheels = [
        (
            label,
            render_wheel(
                sheets[party].teeth(),
                title=_("%(whose)s wheel: %(marks)s")
                % {"whose": label, "marks": wheel_summary(sheets[party].rows)},
                title_id=f"record-wheel-{party}",
            ),
        )
        for party, label in parties
    ]
    first = sheets[parties[0][0]]
    themes = []
    for index, (theme, questions) in enumerate(first.themes):
        prepared = []
        for number, (question, _answer) in enumerate(questions):
            answers = []
            for party, label in parties:
                answer = sheets[party].themes[index][1][number][1]
                answers.append((label, answer.text if answer else ""))
            prepared.append(PreparedAnswers(question.text, answers))
        themes.append((theme.title, prepared))
    return {"wheels": wheels, "themes": themes}


def _reflection(reflection: Reflection) -> ReflectionRecord | None:
    def label(name: str) -> str:
        return str(own_field(Reflection, name).verbose_name).capitalize()

    points = [
        (label(name), text) for name in Reflection.POINTS if (text := getattr(reflection, name))
    ]
    if not points and not reflection.longer_term:
        return None  # begun and left empty: nothing to keep on file
    headings: dict[str, str] = {
        Party.EMPLOYEE: _("The employee’s reflections"),
        Party.MANAGER: _("The manager’s reflections"),
    }
    heading = headings[reflection.party]
    return ReflectionRecord(
        heading=heading,
        shared=reflection.shared_at is not None,
        points=points,
        longer_term=reflection.longer_term,
    )


def _reflections(review: Review, review_access: ReviewAccess) -> list[ReflectionRecord]:
    visible = sorted(
        (r for r in review.reflections.all() if review_access.can_see_reflection(r)),
        key=lambda r: r.party,  # the employee's first: "employee" < "manager"
    )
    return [record for r in visible if (record := _reflection(r))]


def record_context(review: Review, review_access: ReviewAccess) -> dict:
    """Everything the record shows to this reader, and nothing they may not see."""
    # Skips what the caller prefetched already (a round's export does, for all at once).
    prefetch_related_objects([review], *RECORD_PREFETCH)
    preparation.other_preparation_shown(review_access)  # the comparison shows its marks
    agreement = review_access.can_see_agreement
    return {
        "review": review,
        "is_party": review_access.is_party,
        "comparison": (
            _comparison(review, review_access) if review_access.can_see_comparison else None
        ),
        "focus_areas": list(review.focus_areas.all()) if agreement else None,
        # Only what both accepted in its current wording was agreed; drafts are not on file.
        "goals": [g for g in review.goals.all() if g.is_agreed] if agreement else None,
        "summary": review.summary if review_access.can_see_summary else None,
        "confirmed": review.confirmed_at if review_access.can_see_confirmation else None,
        "disagreement": review.disagreement if review_access.can_see_confirmation else None,
        "talk_notes": review.talk_notes if review_access.can_see_talk_notes else None,
        "reflections": _reflections(review, review_access),
        "prepared": _prepared(review, review_access),
    }


def review_pdf(
    review: Review, review_access: ReviewAccess, request: HttpRequest | None = None
) -> bytes:
    # HR's copy is the one for the personnel file: archival.
    archival = not review_access.is_party
    return render_pdf(request, TEMPLATE, record_context(review, review_access), archival)


def review_html(review: Review, review_access: ReviewAccess) -> str:
    """The record as HTML, for laying out elsewhere (the round export's worker processes)."""
    return render_to_string(TEMPLATE, record_context(review, review_access))


def _slug(text: str) -> str:
    # slugify() drops æ, ø and å; Danish spells them out instead.
    return slugify(text.translate(DANISH_LETTERS))


def filename(review: Review) -> str:
    """For a download: which round and whose, e.g. "mus-2027-anne-andersen.pdf"."""
    round_name = _slug(review.round.name)
    prefix = round_name if round_name.startswith("mus") else f"mus-{round_name}"
    return f"{prefix}-{_slug(review.employee.name)}.pdf"


def export_filename(review: Review) -> str:
    """For a round's folder: by employee number, then name, e.g. "1042-anne-andersen.pdf".

    The number identifies the person in the personnel file and makes the name unique;
    it is kept as HR wrote it, except characters a file name cannot hold.
    """
    number = re.sub(r"[^0-9A-Za-z_.-]+", "_", review.employee.employee_number).strip("._")
    return f"{number}-{_slug(review.employee.name)}.pdf"
