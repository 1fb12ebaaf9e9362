from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from competencies.wheel import Level, render_wheel, wheel_summary
from mus.pdf import pdf_response
from reviews import access, comparison, preparation, progress, record, services
from reviews import talk as talk_service
from reviews.forms import GoalForm, MoveToManagerForm, ParticipantsForm, ReopenForm, RoundForm
from reviews.models import EditConflictError, Goal, Reflection, State


def _run(request: HttpRequest, write, success: str = "") -> bool:
    """Run one write; a refusal becomes an error message for the user. True if it went through."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    if success:
        messages.success(request, success)
    return True


@access.hr_required
def round_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/round_list.html", {"rounds": progress.rounds_with_counts()})


@access.hr_required
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = form.save()
        messages.success(
            request, _("The round “%(name)s” was created as a draft.") % {"name": round_}
        )
        return redirect("round_detail", pk=round_.pk)
    return render(request, "reviews/round_form.html", {"form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.round_for_hr(request.user, pk)
    number = request.GET.get("employee", "").strip()
    found = (
        round_.reviews.select_related("employee__user", "manager__user")
        .filter(employee__employee_number=number)
        .first()
        if number
        else None
    )
    return render(
        request,
        "reviews/round_detail.html",
        {
            "round": round_,
            "progress": progress.round_progress(round_),
            "participants_form": ParticipantsForm(),
            "states": State.choices,
            "searched": number,
            "found": found,
        },
    )


def _report_opened(request, opened: services.Opened) -> None:
    messages.success(
        request,
        ngettext("%(count)d review was created.", "%(count)d reviews were created.", opened.created)
        % {"count": opened.created},
    )
    if opened.without_manager:
        messages.warning(
            request,
            _("No review for people without a manager: %(names)s.")
            % {"names": ", ".join(p.name for p in opened.without_manager)},
        )


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.round_for_hr(request.user, pk)
    _run(request, lambda: _report_opened(request, services.open_round(round_)))
    return redirect("round_detail", pk=pk)


@login_required
@require_POST
def round_add_participants(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.round_for_hr(request.user, pk)
    form = ParticipantsForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "reviews/round_detail.html",
            {
                "round": round_,
                "progress": progress.round_progress(round_),
                "participants_form": form,
                "states": State.choices,
            },
        )
    try:
        opened = services.add_participants(
            round_, form.cleaned_data["departments"], form.cleaned_data["people"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if opened:
            _report_opened(request, opened)
        else:
            messages.success(request, _("The participants were added."))
    return redirect("round_detail", pk=pk)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.round_for_hr(request.user, pk)
    _run(request, lambda: services.close_round(round_), _("The round is closed."))
    return redirect("round_detail", pk=pk)


@login_required
def review_move(request: HttpRequest, pk: int, public_id: UUID) -> HttpResponse:
    round_ = access.round_for_hr(request.user, pk)
    review = access.review_for_hr(request.user, round_, public_id)
    if not access.access_to(request.user, review).can_reassign:
        raise PermissionDenied
    form = MoveToManagerForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_to_manager(
                review, form.cleaned_data["manager"], form.cleaned_data["reason"], request.user
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
    return render(
        request, "reviews/review_move.html", {"round": round_, "review": review, "form": form}
    )


@login_required
def review_reopen(request: HttpRequest, pk: int, public_id: UUID) -> HttpResponse:
    """HR reopens a concluded review; the reason is recorded in its history."""
    round_ = access.round_for_hr(request.user, pk)
    review = access.review_for_hr(request.user, round_, public_id)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            talk_service.reopen(review, form.cleaned_data["reason"], request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The review is reopened."))
            return redirect("round_detail", pk=pk)
    return render(
        request, "reviews/review_reopen.html", {"round": round_, "review": review, "form": form}
    )


@login_required
def review_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = access.review_for_party(request.user, public_id)
    context = {"review": review, "access": review_access, "talk_states": access.TALK_STATES}
    return render(request, "reviews/review_detail.html", context)


# Preparation. The page works as one plain form; htmx saves each field as one types.

TEXT_FIELDS = ("answer-", "note-", "name-")


def _wheel(review, review_access, sheet) -> str:
    return render_wheel(
        sheet.teeth(),
        title=_("Your competence wheel: %(marks)s") % {"marks": wheel_summary(sheet.rows)},
        action_url=(
            reverse("prepare_level", args=[review.public_id]) if review_access.can_prepare else None
        ),
    )


def _page_context(review, review_access) -> dict:
    own = preparation.sheet_for(review, review_access.own_preparation)
    other_party = review_access.other_party
    other = None
    if review_access.can_see_preparation(other_party):
        theirs = review_access.preparations[other_party]
        preparation.mark_seen(theirs)
        other = preparation.sheet_for(review, theirs)
    return {
        "review": review,
        "access": review_access,
        "sheet": own,
        "other": other,
        "wheel": _wheel(review, review_access, own),
        "levels": Level.choices,
        "previous": progress.previous_agreements(review),
    }


def _apply(review_access, name: str, value: str, version: str):
    """Save one posted text by its field name: the one path for htmx and the plain form."""
    base = int(version) if version.isdigit() else 0
    kind, _sep, rest = name.partition("-")
    if kind == "answer" and rest.isdigit():
        question = preparation.question_of(review_access.review, int(rest))
        return preparation.save_answer(review_access, question, value, base)
    if kind in ("note", "name"):
        return preparation.save_mark_text(review_access, rest, kind, value, base)
    raise Http404


@login_required
def prepare(request: HttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = access.review_for_party(request.user, public_id)
    conflicts, errors = {}, []
    if request.method == "POST":
        if not review_access.can_prepare:
            raise PermissionDenied
        for name, value in request.POST.items():
            try:
                if name.startswith(TEXT_FIELDS) and not name.endswith("-version"):
                    _apply(review_access, name, value, request.POST.get(f"{name}-version", ""))
                elif name.startswith("level-"):
                    preparation.save_level(review_access, name.removeprefix("level-"), value)
            except EditConflictError as conflict:
                conflict.mine = value  # shown in the field, the stored text beside it
                conflicts[name] = conflict
            except ValidationError as error:
                errors += error.messages
        if not conflicts and not errors:
            messages.success(request, _("Your preparation is saved."))
            return redirect("prepare", public_id=public_id)
        review_access = access.access_to(request.user, review)
    context = _page_context(review, review_access) | {"conflicts": conflicts, "errors": errors}
    return render(request, "reviews/prepare.html", context)


@login_required
@require_POST
def prepare_text(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """htmx autosave of one text. A conflict keeps the typed text in its field and shows
    the text saved meanwhile beside it, until the writer chooses one of the two."""
    review, review_access = access.review_to_prepare(request.user, public_id)
    name = request.POST.get("field", "")
    if not name.startswith(TEXT_FIELDS):
        raise Http404
    take_saved = "take_saved" in request.POST
    value = request.POST.get(name, "")
    # A choice after a conflict names the version it saw; autosave, the one in the page.
    version = request.POST.get("base_version") or request.POST.get(f"{name}-version", "")
    try:
        if take_saved:
            value = preparation.saved_text(review_access, name)
        saved = _apply(review_access, name, value, version)
    except EditConflictError as conflict:
        response = render(
            request,
            "reviews/partials/conflict.html",
            {"name": name, "conflict": conflict, "review": review},
        )
        return retarget(reswap(response, "innerHTML"), f"#conflict-{name}")
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    counter = "text_version" if name.startswith("answer-") else f"{name.partition('-')[0]}_version"
    context = {
        "name": name,
        "version": getattr(saved, counter),
        "saved": True,
        "replace_input": take_saved,  # the field shows the chosen text
        "value": value,
        "review": review,
        "access": review_access,
    }
    return render(request, "reviews/prepare.html#state", context)


@login_required
@require_POST
def prepare_level(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Mark a competence by a click on the wheel or a radio button; the wheel is redrawn."""
    review, review_access = access.review_to_prepare(request.user, public_id)
    key = request.POST.get("key", "")
    level = request.POST.get("level", request.POST.get(f"level-{key}", ""))
    try:
        preparation.save_level(review_access, key, level)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if not request.htmx:
        return redirect(reverse("prepare", args=[public_id]) + f"#row-{key}")
    sheet = preparation.sheet_for(review, review_access.own_preparation)
    row = next(r for r in sheet.rows if r.key == key)
    context = {
        "review": review,
        "access": review_access,
        "wheel": _wheel(review, review_access, sheet),
        "row": row,
        "levels": Level.choices,
    }
    return render(request, "reviews/prepare.html#level_change", context)


@login_required
@require_POST
def prepare_share(request: HttpRequest, public_id: UUID) -> HttpResponse:
    _review, review_access = access.review_to_prepare(request.user, public_id)
    preparation.share(review_access)
    messages.success(request, _("Your preparation is shared and can no longer be changed."))
    return redirect("prepare", public_id=public_id)


@login_required
@require_POST
def prepare_take_back(request: HttpRequest, public_id: UUID) -> HttpResponse:
    _review, review_access = access.review_for_party(request.user, public_id)
    _run(
        request,
        lambda: preparation.take_back(review_access),
        _("Sharing is taken back; you can change your preparation again."),
    )
    return redirect("prepare", public_id=public_id)


# The talk: comparison, agreement, sign-off. Every write goes through reviews.talk.


def _talk_context(review, review_access, goal_form=None) -> dict:
    employee, manager = comparison.both_sheets(review, review_access.preparations)
    rows = comparison.compare(review, employee, manager)
    chosen = {(f.competence_id, f.name) for f in review.focus_areas.all()}
    letters = comparison.symbols()
    return {
        "review": review,
        "access": review_access,
        "rows": rows,
        "letters": letters,
        "focus_choices": [
            (
                row,
                (row.competence.pk if row.competence else None, "" if row.competence else row.name)
                in chosen,
            )
            for row in rows
        ],
        "wheel": render_wheel(
            comparison.shared_wheel_teeth(rows),
            title=_("Both wheels in one: %(marks)s") % {"marks": comparison.describe(rows)},
        ),
        "goals": list(review.goals.all()),
        "goal_form": goal_form or GoalForm(),
        "statuses": Goal.Status.choices,
    }


@login_required
def talk(request: HttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = access.review_for_party(request.user, public_id)
    if review.state not in access.TALK_STATES:
        return redirect("review_detail", public_id=public_id)
    return render(request, "reviews/talk.html", _talk_context(review, review_access))


def _talk_write(request, public_id, write) -> HttpResponse:
    """Run one write of the talk for the requesting party, then show the talk again."""
    review, review_access = access.review_for_party(request.user, public_id)
    _run(request, lambda: write(review, review_access))
    return redirect("talk", public_id=public_id)


@login_required
@require_POST
def talk_start(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _talk_write(request, public_id, lambda review, a: talk_service.start_talk(a))


@login_required
@require_POST
def talk_focus(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def write(review, review_access):
        keys = set(request.POST.getlist("focus"))
        employee, manager = comparison.both_sheets(review, review_access.preparations)
        rows = comparison.compare(review, employee, manager)
        chosen = [
            (row.competence.pk if row.competence else None, "" if row.competence else row.name)
            for row in rows
            if row.key in keys
        ]
        talk_service.set_focus_areas(review_access, chosen)

    return _talk_write(request, public_id, write)


@login_required
@require_POST
def goal_save(request: HttpRequest, public_id: UUID, goal_id: int | None = None) -> HttpResponse:
    review, review_access = access.review_for_party(request.user, public_id)
    goal = get_object_or_404(Goal, pk=goal_id, review=review) if goal_id else Goal(review=review)
    form = GoalForm(request.POST, instance=goal)
    if not form.is_valid():
        context = _talk_context(review, review_access, goal_form=form if not goal_id else None)
        return render(request, "reviews/talk.html", context)
    try:
        talk_service.save_goal(review_access, form.instance)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("talk", args=[public_id]) + "#goals")


def _goal_write(request, public_id, goal_id, write) -> HttpResponse:
    def run(review, review_access):
        write(review_access, get_object_or_404(Goal, pk=goal_id, review=review))

    return _talk_write(request, public_id, run)


@login_required
@require_POST
def goal_accept(request: HttpRequest, public_id: UUID, goal_id: int) -> HttpResponse:
    wording = int(request.POST.get("wording", "0") or 0)
    return _goal_write(
        request, public_id, goal_id, lambda a, goal: talk_service.accept_goal(a, goal, wording)
    )


@login_required
@require_POST
def goal_delete(request: HttpRequest, public_id: UUID, goal_id: int) -> HttpResponse:
    return _goal_write(request, public_id, goal_id, talk_service.delete_goal)


@login_required
@require_POST
def goal_status(request: HttpRequest, public_id: UUID, goal_id: int) -> HttpResponse:
    status = request.POST.get("status", "")
    return _goal_write(
        request, public_id, goal_id, lambda a, goal: talk_service.set_goal_status(a, goal, status)
    )


@login_required
@require_POST
def talk_text(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The manager's summary or the shared talk notes, saved with their version."""

    def write(review, review_access):
        field = request.POST.get("field")
        allowed = {
            "summary": review_access.can_write_summary,
            "talk_notes": review_access.can_talk,
        }
        if not allowed.get(field):
            raise PermissionDenied
        version = request.POST.get("version", "")
        review.save_text(
            field, request.POST.get(field, ""), int(version) if version.isdigit() else 0
        )
        messages.success(request, _("Saved."))

    return _talk_write(request, public_id, write)


@login_required
@require_POST
def talk_end(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _talk_write(request, public_id, lambda review, a: talk_service.end_talk(a))


@login_required
@require_POST
def talk_confirm(request: HttpRequest, public_id: UUID) -> HttpResponse:
    disagreement = request.POST.get("disagreement", "")[:4000]
    return _talk_write(request, public_id, lambda review, a: talk_service.confirm(a, disagreement))


@login_required
def reflection(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Refleksioner efter MUS: one's own points to hold on to, private unless shared."""
    review, review_access = access.review_for_party(request.user, public_id)
    conflicts = {}
    if request.method == "POST":
        texts = {
            field: (request.POST.get(field, ""), _version(request.POST.get(f"{field}-version")))
            for field in Reflection.FIELDS
            if field in request.POST
        }
        try:
            conflicts = talk_service.save_reflection(review_access, texts)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if not conflicts:
                messages.success(request, _("Your reflections are saved."))
                return redirect("reflection", public_id=public_id)
    own = Reflection.objects.filter(review=review, party=review_access.party).first()
    others = [
        r
        for r in Reflection.objects.filter(review=review).exclude(party=review_access.party)
        if review_access.can_see_reflection(r)
    ]
    return render(
        request,
        "reviews/reflection.html",
        {
            "review": review,
            "access": review_access,
            "own": own,
            "fields": _reflection_fields(own, conflicts),
            "others": [(r, _reflection_fields(r, {})) for r in others],
            "editable": review_access.can_talk and not (own and own.shared_at),
            "conflicts": conflicts,
        },
    )


def _version(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _reflection_fields(reflection, conflicts) -> list[dict]:
    return [
        {
            "name": field,
            "label": Reflection._meta.get_field(field).verbose_name,
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
def reflection_share(request: HttpRequest, public_id: UUID) -> HttpResponse:
    _review, review_access = access.review_for_party(request.user, public_id)
    _run(
        request,
        lambda: talk_service.share_reflection(review_access),
        _("Your reflections are shared with the other party."),
    )
    return redirect("reflection", public_id=public_id)


@login_required
def review_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = access.review_for_record(request.user, public_id)
    return pdf_response(record.review_pdf(review, review_access, request), record.filename(review))
