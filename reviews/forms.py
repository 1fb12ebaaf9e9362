"""The forms of the review's two parties: goals and the talk's time."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import no_control_characters_in_line
from common.forms import CalendarDateInput
from reviews.models import Goal


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "actions", "responsible", "due"]
        widgets = {
            "actions": forms.Textarea(attrs={"rows": 2}),
            "responsible": forms.Textarea(attrs={"rows": 2}),
            "due": CalendarDateInput(),
        }


class TalkTimeForm(forms.Form):
    """The manager sets the talk's date, time and place; both then receive an invitation."""

    DURATIONS = [
        (30, _("30 minutes")),
        (45, _("45 minutes")),
        (60, _("1 hour")),
        (90, _("1½ hours")),
        (120, _("2 hours")),
    ]

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    minutes = forms.TypedChoiceField(label=_("Duration"), choices=DURATIONS, coerce=int, initial=60)
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        validators=[no_control_characters_in_line],
        help_text=_("A meeting room, an address or a link to a video meeting."),
    )

    def __init__(self, *args, review, **kwargs):
        self.review = review
        if review.has_talk_time:
            start = timezone.localtime(review.talk_at)
            kwargs.setdefault(
                "initial",
                {
                    "date": start.date(),
                    "time": start.time(),
                    "minutes": review.talk_minutes,
                    "place": review.talk_place,
                },
            )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        day, time = data.get("date"), data.get("time")
        if day and time:
            data["at"] = timezone.make_aware(datetime.datetime.combine(day, time))
            if data["at"] < timezone.now():
                field = "time" if day == timezone.localdate() else "date"
                self.add_error(field, _("The talk cannot lie in the past."))
        return data

    @property
    def outside_talk_window(self) -> bool:
        """Outside the round's window for talks: allowed, but the manager is told."""
        round_ = self.review.round
        day = self.cleaned_data["at"].date()
        return not round_.talks_start <= day <= round_.talks_end
