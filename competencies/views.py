"""The catalogue outside the admin: the blank preparation guide, for those who prefer paper."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.pdf import pdf_response, render_pdf
from common.posted import whole_number
from competencies.models import Catalogue, CatalogueText, Competence, QuestionSet
from competencies.wheel import Tooth, render_wheel

# Ruled lines to write on by hand, per answer.
ANSWER_LINES = 4
NOTE_LINES = 2
REFLECTION_LINES = 8

# slugify() drops letters without an ASCII decomposition; Danish spells them out instead.
DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def _catalogue(pk: int) -> Catalogue:
    competences = Competence.objects.prefetch_related("statements")
    return get_object_or_404(
        Catalogue.objects.prefetch_related("texts", Prefetch("competences", competences)), pk=pk
    )


def _question_set(request: HttpRequest, catalogue: Catalogue) -> QuestionSet | None:
    """The one asked for, or else the one published with the catalogue, if there is one."""
    question_sets = QuestionSet.objects.prefetch_related("themes__questions")
    wanted = request.GET.get("questions")
    if wanted is None:
        return question_sets.filter(name=catalogue.name, version=catalogue.version).first()
    if (pk := whole_number(wanted)) is None:
        raise Http404
    return get_object_or_404(question_sets, pk=pk)


def _wheel(catalogue: Catalogue, competences: list[Competence]) -> str:
    teeth = [Tooth(key=f"c{c.pk}", label=c.name) for c in competences]
    teeth += [
        Tooth(key=f"s{slot}", label="", empty=True) for slot in range(1, catalogue.custom_slots + 1)
    ]
    return render_wheel(teeth, title=_("The competence wheel"), title_id="guide-wheel-title")


def guide_filename(catalogue: Catalogue) -> str:
    return f"mus-forberedelse-{slugify(catalogue.name.translate(DANISH_LETTERS))}.pdf"


@login_required
def guide_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The blank preparation guide: the catalogue is not confidential, so anyone logged in."""
    catalogue = _catalogue(pk)
    question_set = _question_set(request, catalogue)
    texts: dict[str, list[CatalogueText]] = {kind: [] for kind in CatalogueText.Kind.values}
    for text in catalogue.texts.all():
        texts[text.kind].append(text)
    competences = list(catalogue.competences.all())
    content = render_pdf(
        request,
        "competencies/guide.html",
        {
            "catalogue": catalogue,
            "question_set": question_set,
            "texts": texts,
            "competences": competences,
            "wheel": _wheel(catalogue, competences),
            "answer_lines": range(ANSWER_LINES),
            "note_lines": range(NOTE_LINES),
            "reflection_lines": range(REFLECTION_LINES),
        },
    )
    return pdf_response(content, guide_filename(catalogue))
