"""The forms of the review's two parties: every write of the preparation and the talk."""

import datetime
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import no_control_characters, no_control_characters_in_line
from common.forms import CalendarDateInput
from common.posted import LARGEST_INTEGER
from competencies.wheel import Level
from reviews.models import Goal, Reflection


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "actions", "responsible", "due"]
        widgets = {
            "actions": forms.Textarea(attrs={"rows": 2}),
            "responsible": forms.Textarea(attrs={"rows": 2}),
            "due": CalendarDateInput(),
        }

    def clean_due(self) -> datetime.date | None:
        """A goal is for the time ahead: a date already past is refused (an unchanged old
        date on a goal being reworded is left as it was)."""
        due = self.cleaned_data.get("due")
        if due and due < timezone.localdate() and "due" in self.changed_data:
            raise ValidationError(_("The date has already passed: choose a date ahead."))
        return due


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
        # The place as last typed: it saves as one types, sent or not (Review.typed_place).
        initial: dict[str, Any] = {"place": review.typed_place}
        if review.has_talk_time:
            start = timezone.localtime(review.talk_at)
            initial |= {"date": start.date(), "time": start.time(), "minutes": review.talk_minutes}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["place-version"] = VersionField()  # of the place typed, as the page saw it

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
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


# The writes of the preparation and the talk: posted values that are not what the page
# sends are refused before any write (FormError); what they may then do, access decides.

# A preparation's text by its field name: an answer to a question, a note on a tooth, or
# the name of one's own competence in a slot ("answer-12", "note-c3", "name-s1").
TEXT_NAME = r"answer-\d{1,10}|note-[cs]\d{1,10}|name-s\d{1,10}"
TOOTH = r"[cs]\d{1,10}"


class FormError(ValidationError):
    """Posted values that are not what the page sends: the form's errors, in one message."""

    def __init__(self, form: forms.Form):
        super().__init__(
            [error for errors in form.errors.values() for error in errors], code="invalid"
        )


def valid(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or FormError."""
    if not form.is_valid():
        raise FormError(form)
    return form.cleaned_data


class VersionField(forms.IntegerField):
    """The version of a text the writer's page was based on (a missing one: none yet)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, max_value=LARGEST_INTEGER, **kwargs)

    def clean(self, value):
        return super().clean(value) or 0


class WrittenField(forms.CharField):
    """A text as typed: kept whole (the model's field checks its length and characters)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, **kwargs)


class PreparationTextForm(forms.Form):
    """One text of a preparation, as htmx posts it while one types: which field, its text
    under the field's own name, and the version it was based on (``<name>-version``, or
    ``base_version`` after a conflict, with ``take_saved`` to keep the saved text)."""

    field = forms.RegexField(regex=rf"^({TEXT_NAME})$")
    base_version = VersionField()
    take_saved = forms.BooleanField(required=False)

    def __init__(self, data):
        super().__init__(data)
        name = data.get("field", "")
        self.fields[name] = WrittenField()
        self.fields[f"{name}-version"] = VersionField()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        name = data.get("field")
        if name:
            data["text"] = data.get(name, "")
            data["version"] = data.get("base_version") or data.get(f"{name}-version", 0)
        return data


class PreparationForm(forms.Form):
    """The whole preparation as the page posts it without JavaScript: every text with its
    version, and every tooth's level (``level-<tooth>``)."""

    def __init__(self, data):
        super().__init__(data)
        for name in data:
            if re.fullmatch(TEXT_NAME, name):
                self.fields[name] = WrittenField()
                self.fields[f"{name}-version"] = VersionField()
            elif re.fullmatch(rf"level-({TOOTH})", name):
                self.fields[name] = LevelField()

    def texts(self) -> list[tuple[str, str, int]]:
        """(field name, text, version) of each posted text."""
        data = valid(self)
        return [
            (name, data[name], data[f"{name}-version"])
            for name in self.fields
            if re.fullmatch(TEXT_NAME, name)
        ]

    def levels(self) -> list[tuple[str, str]]:
        """(tooth, level) of each posted level."""
        data = valid(self)
        return [(name.removeprefix("level-"), data[name]) for name in data if name[:6] == "level-"]


class LevelField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(required=False, choices=[*Level.choices, ("", "")], **kwargs)


class LevelForm(forms.Form):
    """A tooth marked by a click on the wheel (``level``) or a radio button
    (``level-<tooth>``, the page's own name for it)."""

    key = forms.RegexField(regex=rf"^{TOOTH}$")
    level = LevelField()

    def __init__(self, data):
        key = data.get("key", "")
        if "level" not in data and f"level-{key}" in data:
            data = {"key": key, "level": data[f"level-{key}"]}
        super().__init__(data)


class TalkTextForm(forms.Form):
    """The talk's texts: the manager's summary and the talk notes, each with the version it
    was based on (``<name>-version``). htmx posts one text as one types (``field`` names
    it; ``base_version`` and ``take_saved`` after a conflict); the page without JavaScript
    posts all of them at once, so that saving one never drops the other."""

    TEXTS = ("summary", "talk_notes")

    field = forms.ChoiceField(required=False, choices=[(t, t) for t in TEXTS])
    summary = WrittenField()
    talk_notes = WrittenField()
    version = VersionField()  # the version of ``field``, as older pages posted it
    base_version = VersionField()
    take_saved = forms.BooleanField(required=False)

    def __init__(self, data):
        super().__init__(data)
        for name in self.TEXTS:
            self.fields[f"{name}-version"] = VersionField()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if field := data.get("field"):
            data["text"] = data.get(field, "")
            data["version"] = (
                data.get("base_version") or data.get("version") or data.get(f"{field}-version", 0)
            )
        return data

    def texts(self) -> dict[str, tuple[str, int]]:
        """(text, version) of each posted text, by name: one if ``field`` names it."""
        data = valid(self)
        if field := data.get("field"):
            return {field: (data["text"], data["version"])}
        return {
            name: (data[name], data[f"{name}-version"]) for name in self.TEXTS if name in self.data
        }


class FocusForm(forms.Form):
    """The competences chosen as focus areas, by their keys on the comparison. A key the
    comparison no longer has (a page left open while a name changed) is passed over."""

    focus = forms.MultipleChoiceField(required=False)

    def __init__(self, data: QueryDict | None, keys: list[str]) -> None:
        super().__init__(data)
        cast(forms.MultipleChoiceField, self.fields["focus"]).choices = [(key, key) for key in keys]
        if data is not None:
            known = [key for key in data.getlist("focus") if key in keys]
            copied = data.copy()
            copied.setlist("focus", known)
            self.data = copied


class ReflectionForm(forms.Form):
    """One's reflections: the posted points, each with the version it was based on. Points
    not posted are left as they are. htmx posts one point as one types (``field`` names
    it; ``base_version`` and ``take_saved`` after a conflict)."""

    field = forms.ChoiceField(required=False, choices=[(f, f) for f in Reflection.FIELDS])
    base_version = VersionField()
    take_saved = forms.BooleanField(required=False)

    def __init__(self, data):
        super().__init__(data)
        for name in Reflection.FIELDS:
            if name in data or name == data.get("field"):
                self.fields[name] = WrittenField()
                self.fields[f"{name}-version"] = VersionField()

    def texts(self) -> dict[str, tuple[str, int]]:
        data = valid(self)
        if field := data.get("field"):
            version = data.get("base_version") or data[f"{field}-version"]
            return {field: (data[field], version)}
        return {
            name: (data[name], data[f"{name}-version"])
            for name in Reflection.FIELDS
            if name in self.fields
        }


class GoalTextsForm(forms.Form):
    """A goal's texts as its change form posts them, each under its name on the page
    ("goal-12-title", so that several goals share a page) with the version it was based on
    ("goal-12-title-version"). htmx posts one as one types (``field`` names it;
    ``base_version`` and ``take_saved`` after a conflict); without JavaScript the form posts
    them all. Texts not posted are left as they are. As for a new goal (GoalForm): a goal
    has a title, and a date changed to one already past is refused.

    A page from before goals saved as one types posts the texts under their own names
    ("title") with the ``wording`` it showed instead of versions: ``legacy``.
    """

    field = forms.CharField(required=False)
    base_version = VersionField()
    take_saved = forms.BooleanField(required=False)
    wording = VersionField()

    def __init__(self, data: QueryDict, goal: Goal) -> None:
        super().__init__(data)
        self.goal = goal
        self.prefix_ = f"goal-{goal.pk}-"
        self.posted: dict[str, str] = {}  # the goal's field: the name it was posted under
        for name in Goal.TEXTS:
            for key in (self.prefix_ + name, name):
                if key in data or (key == self.prefix_ + name and data.get("field") == key):
                    self.posted[name] = key
                    self.fields[key] = (
                        forms.DateField(required=False, widget=CalendarDateInput())
                        if name == "due"
                        else WrittenField()
                    )
                    self.fields[f"{key}-version"] = VersionField()
                    break
        self.legacy = any(key == name for name, key in self.posted.items())

    def clean_field(self) -> str:
        field: str = self.cleaned_data["field"]
        if field and field.removeprefix(self.prefix_) not in Goal.TEXTS:
            raise ValidationError(_("There is no such text in the goal."), code="no_such_text")
        return field

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("take_saved"):
            return data  # the text saved meanwhile is kept: nothing typed is checked
        title, due = self.posted.get("title"), self.posted.get("due")
        if title and title in data and not data[title].strip():
            self.add_error(title, _("Write the goal: it cannot be empty."))
        day = data.get(due) if due else None
        if due and day and day != self.goal.due and day < timezone.localdate():
            self.add_error(due, _("The date has already passed: choose a date ahead."))
        return data

    def texts(self) -> dict[str, tuple[Any, int | None]]:
        """(value, version) of each posted text, by the goal's field name: one if
        ``field`` names it. A legacy post's versions are None: the goal's own, if its
        wording is still the one the page showed."""
        data = valid(self)
        names = [data["field"].removeprefix(self.prefix_)] if data.get("field") else self.posted
        return {
            name: (
                data.get(self.posted[name]),
                None
                if self.legacy
                else data.get("base_version") or data[f"{self.posted[name]}-version"],
            )
            for name in names
        }


class TalkPlaceForm(forms.Form):
    """The talk's place as htmx posts it while the manager types: saved, not yet sent.
    ``place-version`` is the version it was based on (``base_version`` and ``take_saved``
    after a conflict)."""

    field = forms.ChoiceField(choices=[("place", "place")])
    place = forms.CharField(
        required=False, strip=False, max_length=200, validators=[no_control_characters_in_line]
    )
    base_version = VersionField()
    take_saved = forms.BooleanField(required=False)

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data)
        self.fields["place-version"] = VersionField()

    @property
    def version(self) -> int:
        data = self.cleaned_data
        return data.get("base_version") or data.get("place-version") or 0


class WordingForm(forms.Form):
    """A goal's wording as the page showed it, for accepting or rewording that wording."""

    wording = VersionField()


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Goal.Status.choices)


class ConfirmForm(forms.Form):
    """The employee confirms that the talk took place, with anything they disagree with."""

    disagreement = forms.CharField(
        required=False, strip=False, max_length=4000, validators=[no_control_characters]
    )
