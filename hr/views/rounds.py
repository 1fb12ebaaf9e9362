"""HR's pages: rounds, their progress, and handling one review's manager or reopening."""

import copy
import datetime
import math
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from common.views import run_write
from hr import jobs
from hr.forms import (
    FindReviewForm,
    MoveToManagerForm,
    ParticipantsForm,
    ReminderScheduleForm,
    ReopenForm,
    RoundForm,
)
from hr.insight import reports
from hr.models import RoundJob
from notifications import outbox
from organisation.http import AuthenticatedHttpRequest
from reviews import lookups, progress, services
from reviews import talk as talk_service
from reviews.models import Review, Round


@lookups.hr_required
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "hr/round_list.html", {"rounds": progress.rounds_with_counts()})


@lookups.hr_required
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = form.save()
        messages.success(
            request, _("The round “%(name)s” was created as a draft.") % {"name": round_}
        )
        return redirect("round_detail", pk=round_.pk)
    return render(request, "hr/round_form.html", {"form": form})


def _round_page(request: AuthenticatedHttpRequest, round_: Round, **forms: Any) -> HttpResponse:
    """The round's page with the top of its progress tree; a refused form comes back with
    its errors."""
    report = reports.progress(round_, levels=1, overdue_limit=0)
    draft = round_.status == Round.Status.DRAFT
    context = {
        "round": round_,
        "report": report,
        "participant_count": round_.participants().count() if draft else report.review_count,
        "participants_form": forms.get("participants_form") or ParticipantsForm(),
        "reminder_form": forms.get("reminder_form") or ReminderScheduleForm(instance=round_),
    } | _jobs_context(round_)
    return render(request, "hr/round_detail.html", context | forms)


@login_required
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = lookups.round_for_hr(request.user, pk)
    search = FindReviewForm(request.GET)
    number = search.cleaned_data["employee"] if search.is_valid() else ""
    found = (
        round_.reviews.select_related("employee__user", "manager__user")
        .filter(employee__employee_number=number)
        .first()
        if number
        else None
    )
    return _round_page(request, round_, searched=number, found=found)


def _start(request: AuthenticatedHttpRequest, round_: Round, kind: str) -> None:
    """Hand the bulk work to the task workers; HR's click returns at once, and the
    round's page shows the progress. Started twice, the second joins the first."""
    _job, joined = jobs.start(round_, kind, request.user)
    started: dict[str, str] = {
        RoundJob.Kind.OPEN: _("The reviews are being created. The progress is shown below."),
        RoundJob.Kind.EXPORT: _("The PDFs are being written. The progress is shown below."),
    }
    if joined:
        messages.info(request, _("This was already under way; nothing was started twice."))
    else:
        messages.success(request, started[kind])


SECOND_ROUND = "second_round"  # the explicit yes to a second round in one year


def second_rounds(round_: Round) -> dict[int, list[str]]:
    """The participants who already have a review in another round of the same year, by
    person, with those rounds' names: a second MUS in a year is asked for explicitly."""
    year = round_.talks_start.year
    others: dict[int, list[str]] = {}
    for employee_id, name in (
        Review.objects.filter(employee__in=round_.participants(), round__talks_start__year=year)
        .exclude(round=round_)
        .values_list("employee_id", "round__name")
    ):
        others.setdefault(employee_id, []).append(name)
    return others


@login_required
@require_GET
def round_open_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Before opening: who gets a review, with which manager, and who is in a round already."""
    round_ = lookups.round_for_hr(request.user, pk)
    if round_.status != Round.Status.DRAFT:
        return redirect("round_detail", pk=pk)
    twice = second_rounds(round_)
    people = round_.participants().select_related("user", "manager__user", "department")
    participants = [(p, twice.get(p.pk, [])) for p in people.order_by("user__last_name")]
    with_review = sum(1 for p, _rounds in participants if p.manager_id)  # no manager: no review
    context = {
        "round": round_,
        "title": _("Open the round “%(name)s”?") % {"name": round_},
        "points": [
            ngettext(
                "%(count)d person gets a review with their manager, and both are told by e-mail.",
                "%(count)d people get a review with their manager, and both are told by e-mail.",
                with_review,
            )
            % {"count": with_review},
            _("An opened round cannot be made a draft again."),
        ],
        "participants": participants,
        "warning": ngettext(
            "%(count)d participant already has a MUS in another round this year.",
            "%(count)d participants already have a MUS in another round this year.",
            len(twice),
        )
        % {"count": len(twice)}
        if twice
        else "",
        "ask_yes": {
            "name": SECOND_ROUND,
            "label": _("Yes, they are to have a second MUS this year."),
        }
        if twice
        else None,
        "action": reverse("round_open", args=[pk]),
        "back": reverse("round_detail", args=[pk]),
        "back_label": str(round_),
        "button": _("Open the round"),
    }
    return render(request, "hr/round_open_confirm.html", context)


@login_required
@require_GET
def round_close_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = lookups.round_for_hr(request.user, pk)
    if round_.status != Round.Status.OPEN:
        return redirect("round_detail", pk=pk)
    context = {
        "title": _("Close the round “%(name)s”?") % {"name": round_},
        "points": [
            _(
                "Nothing in the round's reviews can change any more: no preparation, talk or "
                "reopening."
            ),
            _("The goals' status and each person's own reflections can still be updated."),
            _("A closed round cannot be opened again."),
        ],
        "action": reverse("round_close", args=[pk]),
        "back": reverse("round_detail", args=[pk]),
        "back_label": str(round_),
        "button": _("Close the round"),
    }
    return render(request, "confirm_step.html", context)


@login_required
@require_POST
def round_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = lookups.round_for_hr(request.user, pk)
    if request.POST.get(SECOND_ROUND) != "yes" and second_rounds(round_):
        messages.error(
            request,
            _(
                "Some participants already have a MUS this year: confirm that they are to have "
                "a second one."
            ),
        )
        return redirect("round_open_confirm", pk=pk)
    run_write(request, lambda: _start(request, round_, RoundJob.Kind.OPEN))
    return redirect(reverse("round_detail", args=[pk]) + "#jobs-heading")


@login_required
@require_POST
def round_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HR has every concluded review written as PDF for the personnel files, as one zip."""
    round_ = lookups.round_for_hr(request.user, pk)
    run_write(request, lambda: _start(request, round_, RoundJob.Kind.EXPORT))
    return redirect(reverse("round_detail", args=[pk]) + "#jobs-heading")


@login_required
def round_jobs(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The bulk work's progress: the fragment htmx polls, or the round's page."""
    round_ = lookups.round_for_hr(request.user, pk)
    if not request.htmx:
        return redirect(reverse("round_detail", args=[pk]) + "#jobs-heading")
    return render(request, "hr/round_detail.html#jobs", _jobs_context(round_))


@login_required
def round_export_download(request: AuthenticatedHttpRequest, pk: int, job: int) -> HttpResponseBase:
    round_ = lookups.round_for_hr(request.user, pk)
    found = RoundJob.objects.filter(round=round_, pk=job, kind=RoundJob.Kind.EXPORT).first()
    path = jobs.archive_path(found) if found else None
    if found is None or path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=jobs.download_name(found))


def _minutes(left: datetime.timedelta | None) -> int | None:
    return math.ceil(left.total_seconds() / 60) if left else None


def _jobs_context(round_: Round) -> dict[str, Any]:
    """The bulk work's progress; the page asks again every few seconds while it runs."""
    shown = jobs.latest(round_)
    emails = outbox.sent_counts(round_)
    return {
        "round": round_,
        "jobs": [
            (job, _minutes(jobs.estimate(job)), jobs.archive_path(job) is not None) for job in shown
        ],
        "jobs_running": emails["waiting"] > 0
        or any(job.status == RoundJob.Status.RUNNING for job in shown),
        "reminders_sent": emails,
    }


@login_required
@require_POST
def round_add_participants(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = lookups.round_for_hr(request.user, pk)
    form = ParticipantsForm(request.POST)
    if not form.is_valid():
        return _round_page(request, round_, participants_form=form)
    try:
        services.add_participants(
            round_, form.cleaned_data["departments"], form.cleaned_data["people"], False
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("round_detail", pk=pk)
    if round_.status == Round.Status.OPEN:
        # The new people's reviews are created in the background, as at the opening.
        run_write(request, lambda: _start(request, round_, RoundJob.Kind.OPEN))
    else:
        messages.success(request, _("The participants were added."))
    return redirect("round_detail", pk=pk)


@login_required
@require_POST
def round_reminders(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HR changes when the round reminds those who have not prepared."""
    round_ = lookups.round_for_hr(request.user, pk)
    # The form writes what was posted into its instance even when refused: a copy of its
    # own, so the page shows the round's schedule as saved beside the errors.
    form = ReminderScheduleForm(request.POST, instance=copy.copy(round_))
    if not form.is_valid():
        return _round_page(request, round_, reminder_form=form)
    if run_write(request, round_.check_accepts_changes, _("The reminder schedule is saved.")):
        form.save()
    return redirect(reverse("round_detail", args=[pk]) + "#reminders-heading")


@login_required
@require_POST
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = lookups.round_for_hr(request.user, pk)
    run_write(request, lambda: services.close_round(round_), _("The round is closed."))
    return redirect("round_detail", pk=pk)


@login_required
def review_move(request: AuthenticatedHttpRequest, pk: int, public_id: UUID) -> HttpResponse:
    """HR gives a review to another manager, having read what that does (``Handover``)."""
    round_ = lookups.round_for_hr(request.user, pk)
    review, hr_access = lookups.review_for_hr(request.user, round_, public_id)
    if refusal := hr_access.reassign_refusal():
        lookups.refuse(hr_access, refusal)
    form = MoveToManagerForm(request.POST or None, access=hr_access)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_to_manager(
                hr_access, form.cleaned_data["manager"], form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(employee)s’s review now belongs to %(manager)s.")
                % {"employee": review.employee, "manager": review.manager},
            )
            return redirect("round_detail", pk=pk)
    context = {
        "round": round_,
        "review": review,
        "form": form,
        "handover": services.handover(review).describe(),
    }
    return render(request, "hr/review_move.html", context)


@login_required
def review_reopen(request: AuthenticatedHttpRequest, pk: int, public_id: UUID) -> HttpResponse:
    """HR reopens a concluded review; the reason is recorded in its history."""
    round_ = lookups.round_for_hr(request.user, pk)
    review, hr_access = lookups.review_for_hr(request.user, round_, public_id)
    refusal = hr_access.reopen_refusal()  # one for a party, whatever else holds
    if request.method == "POST" and hr_access.is_party and refusal:
        lookups.refuse(hr_access, refusal)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            talk_service.reopen(hr_access, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The review is reopened."))
            return redirect("round_detail", pk=pk)
    context = {
        "round": round_,
        "review": review,
        "form": form,
        "refusal": hr_access.reopen_refusal(),
    }
    return render(request, "hr/review_reopen.html", context)
