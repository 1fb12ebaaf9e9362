import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mus.collation import Localised
from mus.fields import no_control_characters, no_control_characters_in_line
from mus.models import Department, Person
from reviews.models import Goal, Round


class CalendarDateInput(forms.DateInput):
    """The browser's date picker, which shows the date in the reader's locale. Its value is
    always ISO 8601: Django's localised input format ("25.11.2026") would leave it empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def department_tree_choices() -> list[tuple[int, str]]:
    """Departments in tree order, each indented under its parent."""
    by_parent = {}
    for department in Department.objects.order_by(Localised("name")):
        by_parent.setdefault(department.parent_id, []).append(department)
    ordered = []

    def walk(parent_id, depth):
        for department in by_parent.get(parent_id, []):
            ordered.append((department.pk, "\u2003" * depth + department.name))
            walk(department.pk, depth + 1)

    walk(None, 0)
    return ordered


def parse_employee_numbers(value: str) -> list[Person]:
    numbers = [n for n in re.split(r"[\s,;]+", value or "") if n]
    people = list(Person.objects.filter(employee_number__in=numbers).select_related("user"))
    unknown = sorted(set(numbers) - {p.employee_number for p in people})
    if unknown:
        raise ValidationError(
            _("No one has the employee number %(numbers)s."),
            params={"numbers": ", ".join(unknown)},
        )
    return people


class ParticipantsForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Departments"),
        required=False,
        help_text=_("Everyone in a chosen department and in the departments under it."),
    )
    people = forms.CharField(
        label=_("Chosen people"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Employee numbers, separated by spaces, commas or new lines."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].choices = department_tree_choices()

    def clean_people(self):
        return parse_employee_numbers(self.cleaned_data["people"])

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("departments") and not data.get("people"):
            raise ValidationError(
                {"departments": _("Choose at least one department or person to take part.")}
            )
        return data


class RoundForm(ParticipantsForm, forms.ModelForm):
    class Meta:
        model = Round
        fields = [
            "name",
            "catalogue",
            "question_set",
            "mode",
            "preparation_deadline",
            "talks_start",
            "talks_end",
        ]
        widgets = {
            "mode": forms.RadioSelect,
            "preparation_deadline": CalendarDateInput(),
            "talks_start": CalendarDateInput(),
            "talks_end": CalendarDateInput(),
        }

    field_order = [*Meta.fields, "departments", "people"]

    def save(self, commit=True):
        round_ = super().save(commit)
        round_.departments.set(self.cleaned_data["departments"])
        round_.people.set(self.cleaned_data["people"])
        return round_


class MoveToManagerForm(forms.Form):
    manager = forms.CharField(label=_("New manager’s employee number"), max_length=32)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        validators=[no_control_characters],
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review

    def clean_manager(self):
        number = self.cleaned_data["manager"].strip()
        manager = Person.objects.select_related("user").filter(employee_number=number).first()
        if manager is None:
            raise ValidationError(
                _("No one has the employee number %(number)s."), params={"number": number}
            )
        if manager.pk == self.review.employee_id:
            raise ValidationError(_("An employee cannot be their own manager."))
        if manager.pk == self.review.manager_id:
            raise ValidationError(_("This is already the review’s manager."))
        return manager


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "actions", "responsible", "due"]
        widgets = {
            "actions": forms.Textarea(attrs={"rows": 2}),
            "responsible": forms.Textarea(attrs={"rows": 2}),
            "due": CalendarDateInput(),
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        validators=[no_control_characters],
        help_text=_("Recorded in the review’s history, which the employee can read."),
    )


class FindReviewForm(forms.Form):
    """HR looks up one review of a round by the employee's number."""

    employee = forms.CharField(
        max_length=32, required=False, validators=[no_control_characters_in_line]
    )
