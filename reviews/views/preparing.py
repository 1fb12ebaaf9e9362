"""Preparation: the page works as one plain form; htmx saves each field as one types."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from common import names
from common.views import run_write
from competencies import cache
from competencies.wheel import render_wheel, wheel_summary
from organisation.http import AuthenticatedHttpRequest
from reviews import lookups, preparation, progress
from reviews.access import ReviewAccess, access_to
from reviews.forms import FormError, LevelForm, PreparationForm, PreparationTextForm
from reviews.models import Answer, EditConflictError, Mark, Review
from reviews.preparation import PreparationSheet
from reviews.refusals import bad_request, forbidden
from reviews.views import fields
from trail import recording
from trail.models import Action


def _editing(review: Review, review_access: ReviewAccess) -> dict[str, Any]:
    """Whether the fields are editable, and where they save: reversed once, not per field."""
    if not review_access.can_prepare:
        return {"editable": False, "level_choices": fields.level_choices()}
    return {
        "editable": True,
        "level_choices": fields.level_choices(),
        "text_url": reverse("prepare_text", args=[review.public_id]),
        "level_url": reverse("prepare_level", args=[review.public_id]),
    }


def _wheel(sheet: PreparationSheet, editing: dict[str, Any], review_access: ReviewAccess) -> str:
    marks = wheel_summary(sheet.rows)
    if review_access.is_employee:
        title = _("Your competence wheel: %(marks)s") % {"marks": marks}
    else:  # the manager's wheel is their view of the employee
        whose = names.possessive(review_access.review.employee.first_name)
        title = _("Your view of %(whose)s competences: %(marks)s") % {
            "whose": whose,
            "marks": marks,
        }
    return render_wheel(sheet.teeth(), title=title, action_url=editing.get("level_url"))


def previous_agreements(review: Review, review_access: ReviewAccess) -> progress.Agreements | None:
    """What was agreed at the employee's last MUS, to follow up on: a read of that review."""
    if not review_access.can_see_previous_agreements:
        return None
    previous = progress.previous_agreements(review)
    if previous is not None:
        recording.shown(review_access, Action.READ_PREVIOUS, review=previous.review)
    return previous


def _page_context(
    review: Review,
    review_access: ReviewAccess,
    conflicts: dict[str, EditConflictError] | None = None,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    own = preparation.sheet_for(review, review_access.own_preparation)
    theirs = preparation.other_preparation_shown(review_access)
    shows = Action.READ_BOTH_PREPARATIONS if theirs else Action.OPENED_PREPARATION
    recording.shown(review_access, shows)
    editing = _editing(review, review_access)
    return editing | {
        "review": review,
        "access": review_access,
        "sheet": own,
        "question_fields": fields.question_fields(own, conflicts or {}),
        "row_fields": fields.row_fields(own, conflicts or {}),
        "conflicts": conflicts,
        "errors": errors,
        "other": preparation.sheet_for(review, theirs) if theirs else None,
        "wheel": _wheel(own, editing, review_access),
        "previous": previous_agreements(review, review_access),
        "answered": own.answered,
        "questions": own.questions,
        "marked": own.marked,
        "competences": own.competences,
        "readers": review_access.readers("preparation"),
    }


def _apply(review_access: ReviewAccess, name: str, value: str, version: int) -> Answer | Mark:
    """Save one text by its field name (forms.TEXT_NAME): one path for htmx and the form."""
    kind, _sep, rest = name.partition("-")
    if kind == "answer":
        question = preparation.question_of(review_access.review, int(rest))
        return preparation.save_answer(review_access, question, value, version)
    return preparation.save_mark_text(review_access, rest, kind, value, version)


@login_required
def prepare(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    # The page names both: the employee, and the other who will read what one writes.
    review, review_access = lookups.review_for_the_two(request.user, public_id)
    conflicts: dict[str, EditConflictError] = {}
    errors: list[str] = []
    if request.method == "POST":
        if not review_access.can_prepare:
            raise forbidden(review_access, _("This preparation can no longer change."))
        form = PreparationForm(request.POST)
        try:
            texts, levels = form.texts(), form.levels()
        except ValidationError as error:
            texts, levels, errors = [], [], error.messages
        for name, value, version in texts:
            try:
                _apply(review_access, name, value, version)
            except EditConflictError as conflict:
                conflict.mine = value  # shown in the field, the stored text beside it
                conflicts[name] = conflict
            except ValidationError as error:
                errors += error.messages
        for key, level in levels:
            try:
                preparation.save_level(review_access, key, level)
            except ValidationError as error:
                errors += error.messages
        if not conflicts and not errors:
            messages.success(request, _("Your preparation is saved."))
            return redirect("prepare", public_id=public_id)
        review_access = access_to(request.user, review)
    context = _page_context(review, review_access, conflicts, errors)
    return render(request, "reviews/prepare.html", context)


@login_required
@require_POST
@transaction.atomic  # lookups.review_to_prepare reads under the lock the write holds
def prepare_text(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """htmx autosave of one text. A conflict keeps the typed text in its field and shows
    the text saved meanwhile beside it, until the writer chooses one of the two."""
    review, review_access = lookups.review_to_prepare(request.user, public_id)
    form = PreparationTextForm(request.POST)
    if not form.is_valid():
        if "field" in form.errors:
            raise Http404  # no text of the preparation has that name
        return bad_request(FormError(form).messages)
    name, value, take_saved = (form.cleaned_data[k] for k in ("field", "text", "take_saved"))
    # A choice after a conflict names the version it saw; autosave, the one in the page.
    version = form.cleaned_data["version"]
    try:
        if take_saved:
            value = preparation.saved_text(review_access, name)
        saved = _apply(review_access, name, value, version)
    except EditConflictError as conflict:
        response = render(
            request,
            "reviews/partials/conflict.html",
            {
                "name": name,
                "conflict": conflict,
                "review": review,
                "text_url": reverse("prepare_text", args=[public_id]),
            },
        )
        return retarget(reswap(response, "innerHTML"), f"#conflict-{name}")
    except ValidationError as error:
        return bad_request(error.messages)
    counter = "text_version" if name.startswith("answer-") else f"{name.partition('-')[0]}_version"
    editing = _editing(review, review_access)
    context = editing | {
        "field": fields.text_field(name, value, getattr(saved, counter)),
        "saved": True,
        "replace_input": take_saved,  # the field shows the chosen text
        "readers": take_saved,  # ... still described by who reads it, said beside it
        "review": review,
        "access": review_access,
    }
    if name.startswith("answer-"):  # the questions' progress, beside the link to them
        context |= {
            "answered": Answer.objects.filter(preparation=saved.preparation_id)
            .exclude(text="")
            .count(),
            "questions": sum(
                len(theme.questions.all()) for theme in cache.themes(review.round.question_set_id)
            ),
        }
    if name.startswith("name-"):  # an own competence's name stands on the wheel at once
        own = review_access.own_preparation  # its marks read anew: the name was just saved
        marks = list(Mark.objects.filter(preparation=own))
        sheet = preparation.sheet_for(review, own, whole=False, marks=marks)
        context["wheel"] = _wheel(sheet, editing, review_access)
    return render(request, "reviews/prepare.html#state", context)


@login_required
@require_POST
@transaction.atomic  # lookups.review_to_prepare reads under the lock the write holds
def prepare_level(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Mark a competence by a click on the wheel or a radio button; the wheel is redrawn."""
    review, review_access = lookups.review_to_prepare(request.user, public_id)
    form = LevelForm(request.POST)
    if not form.is_valid():
        if "key" in form.errors:
            raise Http404  # no tooth of the wheel has that name
        return bad_request(FormError(form).messages)
    key, level = form.cleaned_data["key"], form.cleaned_data["level"]
    try:
        sheet = preparation.save_level(review_access, key, level)
    except ValidationError as error:
        return bad_request(error.messages)
    if not request.htmx:
        return redirect(reverse("prepare", args=[public_id]) + f"#row-{key}")
    row = next(r for r in sheet.rows if r.key == key)
    editing = _editing(review, review_access)
    context = editing | {
        "review": review,
        "access": review_access,
        "wheel": _wheel(sheet, editing, review_access),
        "row": row,
        "legend": fields.level_legend(row),
        "marked": sheet.marked,
        "competences": sheet.competences,
    }
    return render(request, "reviews/prepare.html#level_change", context)


@login_required
@require_GET
def prepare_share_confirm(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Sharing asks first, and says exactly what the other will see (and that HR never will)."""
    review, review_access = lookups.review_for_the_two(
        request.user, public_id, shows=Action.OPENED_PREPARATION
    )
    if not review_access.can_prepare:
        raise forbidden(review_access, _("This preparation can no longer change."))
    context = {
        "review": review,
        "access": review_access,
        "sheet": preparation.sheet_for(review, review_access.own_preparation),
        "other": review_access.other_person,
    }
    return render(request, "reviews/prepare_share.html", context)


@login_required
@require_POST
@transaction.atomic  # lookups.review_to_prepare reads under the lock the write holds
def prepare_share(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    _review, review_access = lookups.review_to_prepare(request.user, public_id)
    run_write(
        request,
        lambda: preparation.share(review_access),
        _("Your preparation is shared and can no longer be changed."),
    )
    return redirect("prepare", public_id=public_id)


@login_required
@require_POST
def prepare_take_back(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    _review, review_access = lookups.review_for_party(request.user, public_id)
    run_write(
        request,
        lambda: preparation.take_back(review_access),
        _("Sharing is taken back; you can change your preparation again."),
    )
    return redirect("prepare", public_id=public_id)
