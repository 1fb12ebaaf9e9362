"""The talk in the calendar: the manager sets its time and place, both get an invitation.

The place saves as the manager types it (htmx), but the invitation, or its update, is
sent only when they send the form: never one calendar update per keystroke."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from common.views import run_write
from organisation.http import AuthenticatedHttpRequest
from reviews import lookups
from reviews import talk as talk_service
from reviews.access import ReviewAccess
from reviews.forms import FormError, TalkPlaceForm, TalkTimeForm
from reviews.models import EditConflictError, Review
from reviews.refusals import bad_request
from reviews.views import fields


def _place(
    review: Review, form: TalkTimeForm, conflict: EditConflictError | None = None
) -> fields.TextField:
    """The place's box: as typed last (or as posted), or after a conflict what was typed,
    based on the version saved meanwhile (which is shown beside it)."""
    if conflict:
        value, version = conflict.mine, conflict.current_version
    else:
        value = form["place"].value() or ""
        version = review.talk_place_draft_version
    place = form.fields["place"]
    return fields.TextField(
        "place", value, version, str(place.label), None, 200, conflict, input_type="text"
    )


def _page(
    request: AuthenticatedHttpRequest,
    review: Review,
    review_access: ReviewAccess,
    form: TalkTimeForm,
    conflict: EditConflictError | None = None,
) -> HttpResponse:
    form.fields["place"].widget.attrs["id"] = "id-place"  # the errors' links lead to its box
    context: dict[str, Any] = {
        "review": review,
        "access": review_access,
        "form": form,
        "place": _place(review, form, conflict),
        "place_url": reverse("talk_place", args=[review.public_id]),
        "readers": review_access.readers("talk_place"),
    }
    return render(request, "reviews/talk_time.html", context)


@login_required
def talk_time(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = lookups.review_to_schedule(request.user, public_id)
    form = TalkTimeForm(request.POST or None, review=review)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A page from before the place saved itself posts no version: nothing to compare.
        place_version = data["place-version"] if "place-version" in request.POST else None
        try:
            changed = talk_service.schedule_talk(
                review_access, data["at"], data["minutes"], data["place"], place_version
            )
        except EditConflictError as error:
            error.mine, conflict = data["place"], error
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("review_detail", public_id=public_id)
        else:
            _report(request, review, form, changed)
            return redirect("review_detail", public_id=public_id)
    return _page(request, review, review_access, form, conflict)


@login_required
@require_POST
def talk_place(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The place as the manager types it (htmx): saved on the version the page saw, and
    not sent; the page says so until they send it."""
    review, review_access = lookups.review_to_schedule(request.user, public_id)
    form = TalkPlaceForm(request.POST)
    if not form.is_valid():
        return bad_request(FormError(form).messages)
    place, version = form.cleaned_data["place"], form.version
    try:
        if form.cleaned_data["take_saved"]:
            review.refresh_from_db(fields=["talk_place", "talk_place_draft"])
            place = review.typed_place
        talk_service.save_talk_place(review_access, place, version)
    except EditConflictError as conflict:
        context = {
            "name": "place",
            "conflict": conflict,
            "text_url": reverse("talk_place", args=[public_id]),
        }
        response = render(request, "reviews/partials/conflict.html", context)
        return retarget(reswap(response, "innerHTML"), "#conflict-place")
    except ValidationError as error:
        return bad_request(error.messages)
    if not request.htmx:  # posted without the page's script: the page, with the place kept
        return redirect("talk_time", public_id=public_id)
    # The review's place as saved just now (save_text keeps the object up to date).
    field = _place(review, TalkTimeForm(review=review))
    context = {
        "review": review,
        "field": field,
        "place": field,
        "place_url": reverse("talk_place", args=[public_id]),
        "replace_input": form.cleaned_data["take_saved"],  # the box shows the chosen text
    }
    return render(request, "reviews/talk_time.html#place_state", context)


def _report(
    request: AuthenticatedHttpRequest, review: Review, form: TalkTimeForm, changed: bool
) -> None:
    if not changed:
        messages.info(request, _("Nothing changed, so no invitation was sent."))
        return
    messages.success(
        request,
        _("The time is saved. %(employee)s and you receive the invitation by e-mail.")
        % {"employee": review.employee},
    )
    if form.outside_talk_window:
        messages.warning(
            request,
            _("Note: the time lies outside the round’s period for talks, %(start)s – %(end)s.")
            % {
                "start": formats.date_format(review.round.talks_start),
                "end": formats.date_format(review.round.talks_end),
            },
        )


@login_required
@require_POST
def talk_time_cancel(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    _review, review_access = lookups.review_to_schedule(request.user, public_id)
    run_write(
        request,
        lambda: talk_service.cancel_talk(review_access),
        _("The talk is cancelled. You both receive the cancellation by e-mail."),
    )
    return redirect("review_detail", public_id=public_id)
