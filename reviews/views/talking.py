"""The talk: comparison, agreement, sign-off, reflections. Every write goes through reviews.talk."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.fields import own_field
from common.views import run_write
from competencies.wheel import render_wheel
from organisation.http import AuthenticatedHttpRequest
from reviews import comparison, lookups, preparation
from reviews import talk as talk_service
from reviews.access import ReviewAccess
from reviews.forms import (
    ConfirmForm,
    FocusForm,
    GoalForm,
    GoalStatusForm,
    ReflectionForm,
    TalkTextForm,
    WordingForm,
    valid,
)
from reviews.models import EditConflictError, Goal, Reflection, Review
from reviews.refusals import forbidden
from trail.models import Action


def _talk_context(
    review: Review, review_access: ReviewAccess, goal_form: GoalForm | None = None
) -> dict[str, Any]:
    preparation.other_preparation_shown(review_access)  # its marks and notes, side by side
    rows = comparison.rows_for(review, review_access.preparations)
    goals = list(review.goals.all())
    chosen = {(f.competence_id, f.name) for f in review.focus_areas.all()}
    letters = comparison.symbols()
    return {
        "review": review,
        "access": review_access,
        "rows": rows,
        "letters": letters,
        "focus_choices": [(row, row.focus_key in chosen) for row in rows],
        "wheel": render_wheel(
            comparison.shared_wheel_teeth(rows),
            title=_("Both wheels in one: %(marks)s") % {"marks": comparison.describe(rows)},
        ),
        "goals": goals,
        "acceptable": [goal for goal in goals if review_access.can_accept(goal)],
        "goal_form": goal_form or GoalForm(),
        "statuses": Goal.Status.choices,
        "readers": {
            text: review_access.readers(text)
            for text in ("goal", "summary", "talk_notes", "disagreement")
        },
    }


@login_required
def talk(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = lookups.review_for_the_two(
        request.user, public_id, shows=Action.OPENED_TALK
    )
    if not review_access.can_see_comparison:  # the talk has not begun
        return redirect("review_detail", public_id=public_id)
    return render(request, "reviews/talk.html", _talk_context(review, review_access))


# A write of the talk, given the review and the requesting party's access to it.
type TalkWrite = Callable[[Review, ReviewAccess], object]


def _talk_write(
    request: AuthenticatedHttpRequest, public_id: UUID, write: TalkWrite
) -> HttpResponse:
    """Run one write of the talk for the requesting party, then show the talk again."""
    review, review_access = lookups.review_for_party(request.user, public_id)
    run_write(request, lambda: write(review, review_access))
    return redirect("talk", public_id=public_id)


@login_required
@require_POST
def talk_start(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _talk_write(request, public_id, lambda review, a: talk_service.start_talk(a))


@login_required
@require_POST
def talk_focus(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    def write(review, review_access):
        rows = comparison.rows_for(review, review_access.preparations)
        keys = set(valid(FocusForm(request.POST, [r.key for r in rows]))["focus"])
        talk_service.set_focus_areas(review_access, [r.focus_key for r in rows if r.key in keys])

    return _talk_write(request, public_id, write)


@login_required
@require_POST
def goal_save(
    request: AuthenticatedHttpRequest, public_id: UUID, goal_id: int | None = None
) -> HttpResponse:
    review, review_access = lookups.review_for_party(
        request.user, public_id, shows=Action.OPENED_TALK
    )
    goal = get_object_or_404(Goal, pk=goal_id, review=review) if goal_id else Goal(review=review)
    form = GoalForm(request.POST, instance=goal)
    if not form.is_valid():
        context = _talk_context(review, review_access, goal_form=form if not goal_id else None)
        return render(request, "reviews/talk.html", context)
    try:
        wording = valid(WordingForm(request.POST))["wording"]
        talk_service.save_goal(review_access, form.instance, wording)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("talk", args=[public_id]) + "#goals")


def _goal_write(
    request: AuthenticatedHttpRequest,
    public_id: UUID,
    goal_id: int,
    write: Callable[[ReviewAccess, Goal], object],
) -> HttpResponse:
    def run(review: Review, review_access: ReviewAccess) -> None:
        write(review_access, get_object_or_404(Goal, pk=goal_id, review=review))

    return _talk_write(request, public_id, run)


@login_required
@require_POST
def goal_accept(request: AuthenticatedHttpRequest, public_id: UUID, goal_id: int) -> HttpResponse:
    def accept(review_access, goal):
        wording = valid(WordingForm(request.POST))["wording"]
        talk_service.accept_goal(review_access, goal, wording)

    return _goal_write(request, public_id, goal_id, accept)


@login_required
@require_POST
def goal_delete(request: AuthenticatedHttpRequest, public_id: UUID, goal_id: int) -> HttpResponse:
    return _goal_write(request, public_id, goal_id, talk_service.delete_goal)


@login_required
@require_POST
def goal_status(request: AuthenticatedHttpRequest, public_id: UUID, goal_id: int) -> HttpResponse:
    """The goal's status through the year; back to the talk, or for a manager who took the
    review over after it, to the review's page, where they follow it up."""
    review, review_access = lookups.review_for_party(request.user, public_id)
    goal = get_object_or_404(Goal, pk=goal_id, review=review)
    form = GoalStatusForm(request.POST)
    run_write(
        request,
        lambda: talk_service.set_goal_status(review_access, goal, valid(form)["status"]),
    )
    if review_access.follows_up_only:
        return redirect("review_detail", public_id=public_id)
    return redirect("talk", public_id=public_id)


@login_required
@require_POST
def talk_text(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The manager's summary or the shared talk notes, saved with their version."""

    def write(review, review_access):
        form = TalkTextForm(request.POST)
        if not form.is_valid() and "field" in form.errors:  # names no text of the talk
            raise forbidden(review_access, review_access.write_refusal(""))
        data = valid(form)
        talk_service.save_talk_text(review_access, data["field"], data["text"], data["version"])
        messages.success(request, _("Saved."))

    return _talk_write(request, public_id, write)


@login_required
@require_POST
def talk_end(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _talk_write(request, public_id, lambda review, a: talk_service.end_talk(a))


@login_required
@require_POST
def talk_confirm(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    def confirm(review, review_access):
        talk_service.confirm(review_access, valid(ConfirmForm(request.POST))["disagreement"])

    return _talk_write(request, public_id, confirm)


@login_required
def reflection(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Refleksioner efter MUS: one's own points to hold on to, private unless shared."""
    review, review_access = lookups.review_for_the_two(
        request.user, public_id, shows=Action.OPENED_REFLECTIONS
    )
    conflicts: dict[str, EditConflictError] = {}
    if request.method == "POST":
        try:
            texts = ReflectionForm(request.POST).texts()
            conflicts = talk_service.save_reflection(review_access, texts)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if not conflicts:
                messages.success(request, _("Your reflections are saved."))
                return redirect("reflection", public_id=public_id)
    reflections = [r for r in review.reflections.all() if review_access.can_see_reflection(r)]
    person = review_access.person  # one of the two: review_for_the_two refused anyone else
    own = next((r for r in reflections if person and r.author_id == person.pk), None)
    others = [r for r in reflections if r is not own]
    return render(
        request,
        "reviews/reflection.html",
        {
            "review": review,
            "access": review_access,
            "own": own,
            "fields": _reflection_fields(own, conflicts),
            "others": [(r, _reflection_fields(r, {})) for r in others],
            "editable": review_access.can_edit_reflection(own),
            "conflicts": conflicts,
            "readers": review_access.readers("reflection", shared=bool(own and own.shared_at)),
        },
    )


def _reflection_fields(
    reflection: Reflection | None, conflicts: dict[str, EditConflictError]
) -> list[dict[str, Any]]:
    return [
        {
            "name": field,
            "label": own_field(Reflection, field).verbose_name,
            "value": conflicts[field].mine
            if field in conflicts
            else getattr(reflection, field, ""),
            "version": (
                conflicts[field].current_version
                if field in conflicts
                else getattr(reflection, f"{field}_version", 0)
            ),
            "conflict": conflicts.get(field),
        }
        for field in Reflection.FIELDS
    ]


@login_required
@require_POST
def reflection_share(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    _review, review_access = lookups.review_for_party(request.user, public_id)
    run_write(
        request,
        lambda: talk_service.share_reflection(review_access),
        _("Your reflections are shared with the other party."),
    )
    return redirect("reflection", public_id=public_id)
