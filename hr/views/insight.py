"""HR's insight: a round's progress through the tree, the focus map, the MED report.

Each page has its downloads beside it, drawn from the same report (reviews/reports.py)
by hr/insight/exports.py or the PDF template, so a download never differs from the page.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.pdf import pdf_response, render_pdf
from common.posted import whole_number
from hr.insight import exports, heatmap, reports
from organisation.http import AuthenticatedHttpRequest
from reviews import lookups
from reviews.models import Round


def _department(request: AuthenticatedHttpRequest) -> int | None:
    """The unit a report is drilled down to (?department=), if any."""
    value = request.GET.get("department", "")
    if not value:
        return None
    number = whole_number(value)
    if number is None:
        raise Http404
    return number


def _unit_name(report: reports.TreeReport) -> str:
    return report.root.department.name if report.root else ""


@login_required
def round_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = lookups.round_for_hr(request.user, pk)
    report = reports.progress(round_, _department(request))
    return render(request, "hr/progress.html", {"round": round_, "report": report})


@login_required
def round_progress_export(
    request: AuthenticatedHttpRequest, pk: int, fmt: str, table: str
) -> HttpResponse:
    """The progress tree as CSV or xlsx (with the overdue as a second sheet), or the
    overdue alone as CSV: each for the department drilled down to."""
    round_ = lookups.round_for_hr(request.user, pk)
    report = reports.progress(round_, _department(request), levels=None, overdue_limit=0)
    subject = _("progress") if table == "tree" else _("overdue")
    name = exports.filename(subject, round_.name, _unit_name(report), extension=f".{fmt}")
    if fmt == "xlsx":
        sheets = [exports.tree_sheet(_("Progress"), report), exports.overdue_sheet(report)]
        return exports.xlsx_response(sheets, f"{round_.name}: {_('Progress')}", name)
    sheet = exports.tree_sheet(_("Progress"), report) if table == "tree" else None
    return exports.csv_response(sheet or exports.overdue_sheet(report), name)


def _focus_context(
    request: AuthenticatedHttpRequest, pk: int, levels: int | None
) -> tuple[Round, reports.FocusMap]:
    round_ = lookups.round_for_hr(request.user, pk)
    return round_, reports.focus_map(round_, _department(request), levels)


OWN_AND_GOALS_NOTE = gettext_noop(
    "“Own competences” counts the employees who agreed a focus area on a competence of their "
    "own; their names are not shown. “With agreed goals” counts those with at least one "
    "development goal both have accepted."
)


def focus_map_note() -> str:
    return _(
        "Only focus areas and goals agreed in talks that were held count; what anyone marked "
        "or wrote in their preparation never does. To keep each person’s MUS confidential, a "
        "group of fewer than %(n)s people is shown as “fewer than %(n)s”, and so is any figure "
        "from which such a group could be worked out by subtraction."
    ) % {"n": reports.SMALLEST_GROUP}


@lookups.hr_required
def focus_latest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The focus map of the newest round with talks held, where HR looks first."""
    round_ = reports.latest_round_with_talks()
    if round_ is None:
        return render(request, "hr/focus_map.html", {"round": None})
    return redirect("round_focus", pk=round_.pk)


@login_required
def round_focus(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_, focus_map = _focus_context(request, pk, reports.LEVELS_SHOWN)
    rounds = Round.objects.exclude(status=Round.Status.DRAFT).order_by("-talks_start", "name")
    return render(
        request,
        "hr/focus_map.html",
        {
            "round": round_,
            "report": focus_map,
            "svg": heatmap.render_focus_map(focus_map),
            "rounds": rounds.only("name"),
            "note": focus_map_note(),
            "own_and_goals_note": _(OWN_AND_GOALS_NOTE),
        },
    )


@login_required
def round_focus_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    round_, focus_map = _focus_context(request, pk, levels=None)
    sheet = exports.tree_sheet(_("Focus areas"), focus_map)
    name = exports.filename(
        _("focus-areas"), round_.name, _unit_name(focus_map), extension=f".{fmt}"
    )
    if fmt == "xlsx":
        about = exports.notes_sheet(focus_map_note(), _(OWN_AND_GOALS_NOTE))
        title = f"{round_.name}: {_('Focus areas')}"
        return exports.xlsx_response([sheet, about], title, name)
    return exports.csv_response(sheet, name)


@lookups.hr_required
def med_latest(request: AuthenticatedHttpRequest) -> HttpResponse:
    report = reports.med_report()
    if report.year is None:
        return render(request, "hr/med_report.html", {"report": report})
    return redirect("med_report", year=report.year)


def _med(request: AuthenticatedHttpRequest, year: int, levels: int | None) -> reports.MedReport:
    return reports.med_report(year, _department(request), levels)


@lookups.hr_required
def med_report(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    report = _med(request, year, reports.LEVELS_SHOWN)
    return render(request, "hr/med_report.html", {"report": report})


@lookups.hr_required
def med_report_export(request: AuthenticatedHttpRequest, year: int, fmt: str) -> HttpResponse:
    report = _med(request, year, levels=None)
    title = _("MUS held in %(year)s") % {"year": year}
    name = exports.filename(_("med-report"), str(year), _unit_name(report), extension=f".{fmt}")
    if fmt == "pdf":
        pdf = render_pdf(request, "hr/med_report_pdf.html", {"report": report})
        return pdf_response(pdf, name, inline=False)
    sheets = [exports.tree_sheet(title, report), exports.years_sheet(report)]
    return exports.xlsx_response(sheets, title, name)
