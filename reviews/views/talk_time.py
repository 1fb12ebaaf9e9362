"""The talk in the calendar: the manager sets its time and place, both get an invitation."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.views import run_write
from organisation.http import AuthenticatedHttpRequest
from reviews import lookups
from reviews import talk as talk_service
from reviews.forms import TalkTimeForm
from reviews.models import Review


@login_required
def talk_time(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    review, review_access = lookups.review_to_schedule(request.user, public_id)
    form = TalkTimeForm(request.POST or None, review=review)
    form.fields["place"].help_text = _("%(help)s Who reads it: %(readers)s") % {
        "help": form.fields["place"].help_text,
        "readers": review_access.readers("talk_place"),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = talk_service.schedule_talk(
                review_access, data["at"], data["minutes"], data["place"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _report(request, review, form, changed)
        return redirect("review_detail", public_id=public_id)
    return render(
        request, "reviews/talk_time.html", {"review": review, "access": review_access, "form": form}
    )


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
