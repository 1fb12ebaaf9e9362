"""HR's forms: a round, its participants and reminders, a review's manager, reopening."""

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.collation import Localised
from common.fields import no_control_characters, no_control_characters_in_line
from common.forms import CalendarDateInput
from common.posted import whole_number
from organisation.models import Department, Person
from reviews.models import Round
from trail import recording


def department_tree_choices() -> list[tuple[int, str]]:
    """Departments in tree order, each indented under its parent."""
    by_parent: dict[int | None, list[Department]] = {}
    for department in Department.objects.order_by(Localised("name")):
        by_parent.setdefault(department.parent_id, []).append(department)
    ordered: list[tuple[int, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
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


class DepartmentsField(forms.ModelMultipleChoiceField):
    """Departments by id; an id no integer column holds is refused like an unknown one,
    rather than reaching the database (SQLite cannot even compare it)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if whole_number(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        # Django's own (private) check, which django-stubs does not declare.
        return super()._check_values(value)  # type: ignore[misc]


class ParticipantsForm(forms.Form):
    departments = DepartmentsField(
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
        cast(DepartmentsField, self.fields["departments"]).choices = department_tree_choices()

    def clean_people(self):
        return parse_employee_numbers(self.cleaned_data["people"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not data.get("departments") and not data.get("people"):
            raise ValidationError(
                {"departments": _("Choose at least one department or person to take part.")}
            )
        return data


REMINDER_FIELDS = ["reminder_days_before", "overdue_reminder_after", "overdue_reminder_every"]


class DaysInput(forms.TextInput):
    """Days as one reads them, "14, 2", though stored as "14,2"."""

    def format_value(self, value):
        return re.sub(r",(?=\S)", ", ", value) if isinstance(value, str) else value


class ReminderScheduleForm(forms.ModelForm):
    """When a round reminds those who have not prepared: HR sets it on the round's page."""

    class Meta:
        model = Round
        fields = REMINDER_FIELDS
        widgets = {
            "reminder_days_before": DaysInput(attrs={"class": "short"}),
            "overdue_reminder_after": forms.NumberInput(
                attrs={"min": 1, "max": 365, "class": "short"}
            ),
            "overdue_reminder_every": forms.NumberInput(
                attrs={"min": 1, "max": 365, "class": "short"}
            ),
        }

    def clean_reminder_days_before(self):
        """ "14, 2" or "2 14" both mean 14 and 2 days before; stored as "14,2"."""
        written = self.cleaned_data["reminder_days_before"]
        days = [day for day in re.split(r"[\s,;]+", written) if day]
        if not all(day.isdigit() and 0 < int(day) <= 365 for day in days):
            raise ValidationError(
                _("Write whole numbers of days from 1 to 365, separated by commas, e.g. “14, 2”.")
            )
        return ",".join(str(day) for day in sorted({int(day) for day in days}, reverse=True))

    def clean_overdue_reminder_every(self):
        every = self.cleaned_data["overdue_reminder_every"]
        if every == 0:
            raise ValidationError(_("Leave it empty to remind only once after the deadline."))
        return every


class RoundForm(ParticipantsForm, ReminderScheduleForm):
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
            *REMINDER_FIELDS,
        ]
        widgets = {
            "mode": forms.RadioSelect,
            "preparation_deadline": CalendarDateInput(),
            "talks_start": CalendarDateInput(),
            "talks_end": CalendarDateInput(),
            **ReminderScheduleForm.Meta.widgets,
        }

    field_order = [*Meta.fields[:7], "departments", "people", *REMINDER_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Who reads what is typed, said beside it, as for every text box in MUS.
        self.fields["name"].help_text = _("Everyone in the round reads it, in pages and e-mails.")

    def clean_preparation_deadline(self):
        deadline = self.cleaned_data.get("preparation_deadline")
        if (
            deadline
            and deadline < timezone.localdate()
            and "preparation_deadline" in self.changed_data
        ):
            raise ValidationError(_("The deadline has already passed: choose a date ahead."))
        return deadline

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
        help_text=_("Recorded in the review’s history, which the employee can read."),
    )

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access  # HR's access to the review, which decides who may take it

    def clean_manager(self):
        number = self.cleaned_data["manager"].strip()
        manager = Person.objects.select_related("user").filter(employee_number=number).first()
        if manager is None:
            raise ValidationError(
                _("No one has the employee number %(number)s."), params={"number": number}
            )
        if refusal := self.access.handover_refusal(manager):
            recording.refused(self.access, refusal)  # a power HR does not have, not a typo
            raise ValidationError(refusal)
        if manager.pk == self.access.review.employee_id:
            raise ValidationError(_("An employee cannot be their own manager."))
        if manager.pk == self.access.review.manager_id:
            raise ValidationError(_("This is already the review’s manager."))
        if not manager.user.is_active:
            raise ValidationError(
                _("%(name)s cannot log in to MUS."), params={"name": manager.name}
            )
        return manager


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
