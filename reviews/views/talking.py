"""The talk: comparison, agreement, sign-off, reflections. Every write goes through reviews.talk."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from common import names
from common.fields import own_field
from common.views import run_write
from competencies.wheel import Level, render_wheel
from organisation.http import AuthenticatedHttpRequest
from reviews import comparison, lookups, preparation, side_by_side
from reviews import talk as talk_service
from reviews.access import ReviewAccess
from reviews.forms import (
    ConfirmForm,
    FocusForm,
    FormError,
    GoalForm,
    GoalStatusForm,
    GoalTextsForm,
    ReflectionForm,
    TalkTextForm,
    WordingForm,
    valid,
)
from reviews.models import EditConflictError, Goal, Party, Reflection, Review
from reviews.refusals import bad_request, forbidden
from reviews.views import fields
from trail.models import Action


@dataclass(frozen=True)
class GoalRow:
    """A goal on the talk page, with its change form's texts (which save as one types)."""

    goal: Goal
    fields: list[fields.TextField]
    url: str
    errors: list[str]  # of a change posted without JavaScript and refused
    open: bool  # the change form unfolded: it shows what was typed and refused


@dataclass(frozen=True)
class GoalEdit:
    """A change of one goal posted without JavaScript that was not (wholly) saved: its
    conflicts, or the errors with what was typed, shown again in its form."""

    goal_id: int
    conflicts: dict[str, EditConflictError]
    errors: list[str]
    typed: dict[str, tuple[str, int]]


def _goal_rows(
    review: Review, goals: list[Goal], review_access: ReviewAccess, edit: GoalEdit | None
) -> list[GoalRow]:
    if not review_access.can_talk:
        return [GoalRow(goal, [], "", [], False) for goal in goals]
    rows = []
    for goal in goals:
        mine = edit if edit and edit.goal_id == goal.pk else None
        rows.append(
            GoalRow(
                goal,
                fields.goal_fields(goal, mine.conflicts, mine.typed)
                if mine
                else fields.goal_fields(goal),
                reverse("goal_edit", args=[review.public_id, goal.pk]),
                mine.errors if mine else [],
                mine is not None,
            )
        )
    return rows


def _talk_context(
    review: Review,
    review_access: ReviewAccess,
    goal_form: GoalForm | None = None,
    conflicts: dict[str, EditConflictError] | None = None,
    goal_edit: GoalEdit | None = None,
) -> dict[str, Any]:
    preparation.other_preparation_shown(review_access)  # its marks and notes, side by side
    views = side_by_side.views(review_access)
    rows = views.rows
    goals = list(review.goals.all())
    chosen = {(f.competence_id, f.name) for f in review.focus_areas.all()}
    letters = comparison.symbols()
    return {
        "review": review,
        "access": review_access,
        "rows": rows,
        "letters": letters,
        "answers": views.answers,
        "wheels": views.wheels,
        "focus_choices": [(row, row.focus_key in chosen, _focus_marked_by(row)) for row in rows],
        "wheel": render_wheel(
            comparison.shared_wheel_teeth(rows),
            title=_("Both wheels in one: %(marks)s") % {"marks": comparison.describe(rows)},
        ),
        "texts": talk_texts(review, review_access, conflicts or {}),
        "conflicts": conflicts,
        "text_url": reverse("talk_text", args=[review.public_id]),
        "goals": goals,
        "goal_rows": _goal_rows(review, goals, review_access, goal_edit),
        "acceptable": [goal for goal in goals if review_access.can_accept(goal)],
        "goal_form": goal_form or GoalForm(),
        "statuses": Goal.Status.choices,
        "readers": {
            text: review_access.readers(text)
            for text in ("goal", "summary", "talk_notes", "disagreement")
        },
    }


def _focus_marked_by(row: comparison.ComparedRow) -> str:
    """Who marked this competence fokusområde, said beside it in the focus-area choice."""
    employee, manager = (row.level_of(party) == Level.FOCUS for party in ("employee", "manager"))
    if employee and manager:
        return _("both marked it a focus area")
    if employee:
        return _("the employee marked it a focus area")
    if manager:
        return _("the manager marked it a focus area")
    return ""


@login_required
def talk(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = lookups.review_for_the_two(
        request.user, public_id, shows=Action.OPENED_TALK
    )
    if not review_access.can_see_comparison:  # the talk has not begun
        return redirect("review_detail", public_id=public_id)
    return render(request, "reviews/talk.html", _talk_context(review, review_access))


PROJECTOR_SECTIONS = {
    "compare": gettext_lazy("Your two views"),
    "answers": gettext_lazy("Your answers"),
    "goals": gettext_lazy("Focus areas and goals"),
}


@login_required
@require_GET
def talk_projector(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The talk on the meeting room's screen: large type, one section at a time, and only
    what both of the two may see (the comparison, the answers, what they agree)."""
    review, review_access = lookups.review_for_the_two(
        request.user, public_id, shows=Action.OPENED_TALK
    )
    if not review_access.can_see_comparison:
        return redirect("review_detail", public_id=public_id)
    section = request.GET.get("section", "compare")
    if section not in PROJECTOR_SECTIONS:
        section = "compare"
    context = _talk_context(review, review_access) | {
        "section": section,
        "sections": PROJECTOR_SECTIONS.items(),
    }
    return render(request, "reviews/talk_projector.html", context)


# A write of the talk, given the review and the requesting party's access to it.
type TalkWrite = Callable[[Review, ReviewAccess], object]


def _talk_write(
    request: AuthenticatedHttpRequest, public_id: UUID, write: TalkWrite
) -> HttpResponse:
    """Run one write of the talk for the requesting party, then show the talk again."""
    review, review_access = lookups.review_for_party(request.user, public_id)
    run_write(request, lambda: write(review, review_access))
    return redirect("talk", public_id=public_id)


def _confirm_step(
    request: AuthenticatedHttpRequest, review: Review, action: str, **context: Any
) -> HttpResponse:
    """A step that cannot be undone asks first, on a page of its own: no JavaScript needed."""
    context |= {
        "action": reverse(action, args=[review.public_id]),
        "back": reverse("review_detail", args=[review.public_id]),
        "back_label": f"{review.round} · {review.employee}",
        "review": review,
    }
    return render(request, "confirm_step.html", context)


@login_required
@require_GET
def talk_start_confirm(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = lookups.review_for_party(request.user, public_id)
    if not review_access.can_start_talk:
        return redirect("review_detail", public_id=public_id)
    not_shared = [
        p.get_party_display() for p in review_access.preparations.values() if not p.is_shared
    ]
    points = [
        _("Both preparations are locked: neither of you can change them any more."),
        _("Both preparations lie open to both of you, side by side, also what is not shared yet."),
        _("The talk's page opens, where you agree focus areas and goals."),
    ]
    return _confirm_step(
        request,
        review,
        "talk_start",
        title=_("Start the talk with %(employee)s?") % {"employee": review.employee},
        points=points,
        warning=_("Not shared yet: %(parties)s.") % {"parties": ", ".join(not_shared)}
        if not_shared
        else "",
        button=_("Start the talk"),
    )


@login_required
@require_GET
def talk_end_confirm(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = lookups.review_for_party(request.user, public_id)
    if not review_access.can_end_talk:
        return redirect("talk", public_id=public_id)
    points = [
        _("%(employee)s is asked to confirm that the talk took place.")
        % {"employee": review.employee},
        _("Focus areas, goals and the texts can still change until %(employee)s confirms.")
        % {"employee": review.employee},
    ]
    response = _confirm_step(
        request,
        review,
        "talk_end",
        title=_("Record that the talk was held?"),
        points=points,
        button=_("The talk was held"),
    )
    return response


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
def goal_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A new goal, proposed to the other of the two: added when its writer adds it, as a
    decision (what is typed in its form meanwhile is kept by the page's leave warning)."""
    review, review_access = lookups.review_for_party(
        request.user, public_id, shows=Action.OPENED_TALK
    )
    form = GoalForm(request.POST, instance=Goal(review=review))
    if not form.is_valid():
        return render(request, "reviews/talk.html", _talk_context(review, review_access, form))
    run_write(request, lambda: talk_service.add_goal(review_access, form.instance))
    return redirect(reverse("talk", args=[public_id]) + "#goals")


@login_required
@require_POST
def goal_edit(request: AuthenticatedHttpRequest, public_id: UUID, goal_id: int) -> HttpResponse:
    """A goal's texts, saved on the versions the writer saw: one as one types (htmx), or
    all of its form at once without JavaScript. A text saved meanwhile in another window
    is shown beside the typed one, both kept until the writer chooses."""
    # Read, if nothing is written: a conflict shows the goal's text saved meanwhile.
    review, review_access = lookups.review_for_party(
        request.user, public_id, shows=Action.OPENED_TALK
    )
    goal = get_object_or_404(Goal, pk=goal_id, review=review)
    form = GoalTextsForm(request.POST, goal)
    one = bool(request.htmx and request.POST.get("field"))
    if one and not review_access.can_talk:
        raise forbidden(review_access, _("This review can no longer be changed here."))
    if not form.is_valid():
        if "field" in form.errors or not one:
            return _goal_refused(request, review, review_access, goal, form)
        return _goal_invalid(request, goal, form)
    texts = form.texts()
    if not texts:  # no text of the goal posted: nothing its page sends
        return bad_request([_("There is no such text in the goal.")])
    if form.cleaned_data["take_saved"]:  # the text saved meanwhile is the one to keep
        goal.refresh_from_db()
        texts = {name: (getattr(goal, name), version) for name, (_v, version) in texts.items()}
    waiting = goal.awaiting()
    try:
        wording = form.cleaned_data["wording"] if form.legacy else None
        goal, conflicts = talk_service.save_goal_texts(review_access, goal, texts, wording)
    except ValidationError as error:
        if one:
            return bad_request(error.messages)
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("talk", args=[public_id]) + "#goals")
    if one:
        return _goal_saved(request, review, review_access, goal, texts, conflicts, waiting)
    if conflicts:
        edit = GoalEdit(goal.pk, conflicts, [], {})
        context = _talk_context(review, review_access, goal_edit=edit)
        return render(request, "reviews/talk.html", context)
    asked = _asked_again(review_access, goal, waiting)
    messages.success(request, asked or _("Saved."))
    return redirect(reverse("talk", args=[public_id]) + f"#goal-{goal.pk}")


def _asked_again(review_access: ReviewAccess, goal: Goal, waiting: list[Party]) -> str:
    """ "Saved, and asks Anne again", when a save took back the other's acceptance."""
    other = review_access.other_person
    if other is None or not set(goal.awaiting()) - set(waiting):
        return ""
    return _("Saved. The goal waits for %(whose)s acceptance again.") % {
        "whose": names.possessive(other.first_name)
    }


def _goal_saved(
    request: AuthenticatedHttpRequest,
    review: Review,
    review_access: ReviewAccess,
    goal: Goal,
    texts: dict[str, tuple[Any, int | None]],
    conflicts: dict[str, EditConflictError],
    waiting: list[Party],
) -> HttpResponse:
    """htmx's answer to one text of a goal saved as one types: "Saved" and its new version,
    with the goal as it now reads (whose acceptance it waits for); or the text saved
    meanwhile beside the typed one."""
    (name,) = texts
    posted = f"goal-{goal.pk}-{name}"
    text_url = reverse("goal_edit", args=[review.public_id, goal.pk])
    if name in conflicts:
        context = {"name": posted, "conflict": conflicts[name], "text_url": text_url}
        response = render(request, "reviews/partials/conflict.html", context)
        return retarget(reswap(response, "innerHTML"), f"#conflict-{posted}")
    context = {
        "field": next(f for f in fields.goal_fields(goal) if f.name == posted),
        "text_url": text_url,
        "editable": True,
        "replace_input": bool(request.POST.get("take_saved")),  # the box shows the chosen text
        "announcement": _asked_again(review_access, goal, waiting),
        "goal": goal,
        "review": review,
        "access": review_access,
        "acceptable": [goal] if review_access.can_accept(goal) else [],
        "statuses": Goal.Status.choices,
    }
    return render(request, "reviews/talk.html#goal_saved", context)


def _goal_invalid(
    request: AuthenticatedHttpRequest, goal: Goal, form: GoalTextsForm
) -> HttpResponse:
    """A text of a goal that cannot be kept as typed (no title, a date past): said beside
    it (422: htmx shows it, and the text counts as not saved), nothing changed."""
    posted = form.data["field"]
    (field,) = [f for f in fields.goal_fields(goal) if f.name == posted]
    error = " ".join(FormError(form).messages)
    response = render(
        request, "reviews/partials/autosave_refused.html", {"field": field, "error": error}
    )
    response.status_code = 422
    return response


def _goal_refused(
    request: AuthenticatedHttpRequest,
    review: Review,
    review_access: ReviewAccess,
    goal: Goal,
    form: GoalTextsForm,
) -> HttpResponse:
    """A change posted without JavaScript with errors: the talk page again, the goal's form
    open with what was typed and what to fix; nothing saved."""
    if "field" in form.errors:
        return bad_request(FormError(form).messages)
    prefix = f"goal-{goal.pk}-"
    typed = {
        name: (
            str(form.data.get(prefix + name, "")),
            form.cleaned_data.get(f"{prefix}{name}-version") or getattr(goal, f"{name}_version"),
        )
        for name in Goal.TEXTS
        if prefix + name in form.data
    }
    edit = GoalEdit(goal.pk, {}, FormError(form).messages, typed)
    context = _talk_context(review, review_access, goal_edit=edit)
    return render(request, "reviews/talk.html", context)


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


def talk_texts(
    review: Review, review_access: ReviewAccess, conflicts: dict[str, EditConflictError]
) -> list[dict[str, Any]]:
    """The talk's texts as its page lays them out: the summary for whoever may see it, the
    notes for the two; each editable by whoever writes it now (reviews.access)."""
    labels = {"summary": _("Summary of what was agreed"), "talk_notes": _("Talk notes")}
    shown = {
        "summary": review_access.can_see_summary,
        "talk_notes": review_access.can_see_talk_notes,
    }
    return [
        {
            "field": fields.versioned_field(review, name, labels[name], conflicts, rows=5),
            "editable": review_access.can_write(name),
            "readers": review_access.readers(name),
        }
        for name in TalkTextForm.TEXTS
        if shown[name]
    ]


@login_required
@require_POST
def talk_text(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The manager's summary and the shared talk notes, saved on the versions they saw: one
    as one types (htmx), or the page's texts all at once without JavaScript."""
    review, review_access = lookups.review_for_party(request.user, public_id)
    form = TalkTextForm(request.POST)
    names = form.is_valid() or "field" not in form.errors
    if not names or not (request.POST.get("field") or set(TalkTextForm.TEXTS) & set(request.POST)):
        raise forbidden(review_access, review_access.write_refusal(""))  # no text of the talk
    one = request.htmx and bool(form.cleaned_data.get("field"))
    try:
        texts = form.texts()
        if form.cleaned_data.get("take_saved"):
            review.refresh_from_db(fields=list(texts))
            texts = {name: (getattr(review, name), v) for name, (_t, v) in texts.items()}
        conflicts = talk_service.save_talk_texts(review_access, texts)
    except ValidationError as error:
        if one:
            return bad_request(error.messages)
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("talk", args=[public_id]) + "#texts")
    if one:
        return fields.autosave_answer(
            request, review, texts, conflicts, reverse("talk_text", args=[public_id]), rows=5
        )
    if conflicts:
        context = _talk_context(review, review_access, conflicts=conflicts)
        return render(request, "reviews/talk.html", context)
    messages.success(request, _("Saved."))
    return redirect(reverse("talk", args=[public_id]) + "#texts")


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
    """Refleksioner efter MUS: one's own points to hold on to, private unless shared; they
    save as one types (htmx posts one point) or all at once without JavaScript."""
    review, review_access = lookups.review_for_the_two(
        request.user, public_id, shows=Action.OPENED_REFLECTIONS
    )
    conflicts: dict[str, EditConflictError] = {}
    text_url = reverse("reflection", args=[public_id])
    if request.method == "POST":
        form = ReflectionForm(request.POST)
        one = request.htmx and form.is_valid() and bool(form.cleaned_data.get("field"))
        try:
            texts = form.texts()
            if one and form.cleaned_data.get("take_saved"):
                kept = talk_service.own_reflection(review_access)
                texts = {name: (getattr(kept, name), v) for name, (_t, v) in texts.items()}
            conflicts = talk_service.save_reflection(review_access, texts)
        except ValidationError as error:
            if one:
                return bad_request(error.messages)
            messages.error(request, " ".join(error.messages))
        else:
            if one:
                saved = talk_service.own_reflection(review_access)
                return fields.autosave_answer(request, saved, texts, conflicts, text_url)
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
            "text_url": text_url,
            "conflicts": conflicts,
            "readers": review_access.readers("reflection", shared=bool(own and own.shared_at)),
        },
    )


def _reflection_fields(
    reflection: Reflection | None, conflicts: dict[str, EditConflictError]
) -> list[fields.TextField]:
    shown = reflection or Reflection()
    return [
        fields.versioned_field(
            shown, name, str(own_field(Reflection, name).verbose_name).capitalize(), conflicts
        )
        for name in Reflection.FIELDS
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
