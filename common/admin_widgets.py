"""Django admin's widgets, writing HTML the W3C Nu Html Checker accepts.

Django's own write a few things HTML forbids (docs/accessibility.md): these subclasses
change only the markup, never what is posted or how the widget behaves.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget
from django.db.models.fields import BLANK_CHOICE_DASH

# What a select shows for "none chosen" everywhere else in admin: "---------".
EMPTY_LABEL = BLANK_CHOICE_DASH[0][1]


class AutocompleteSelect(widgets.AutocompleteSelect):
    """An autocomplete select whose first option is an empty one with a label.

    Django renders only the chosen option, plus an empty ``<option value="">`` without any
    text when the field is optional. HTML forbids an option with neither text nor
    ``label``, and a required select must have an option, the first one empty-valued
    (a placeholder). So every such select here starts with ``<option value="">---------``.
    select2 takes that option for its placeholder (``data-placeholder=""``), so nothing
    changes on screen with JavaScript; without it the select reads as admin's others do.
    """

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        options = groups[0][1]
        if options and options[0]["value"] == "":
            options[0]["label"] = EMPTY_LABEL
        else:
            options.insert(0, self.create_option(name, "", EMPTY_LABEL, False, 0))
        return groups


class ValidAutocompleteAdmin(admin.options.BaseModelAdmin):
    """A model admin whose ``autocomplete_fields`` for a foreign key use the widget above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PasswordHashWidget(ReadOnlyPasswordHashWidget):
    """The login's password (its hash, and the link to set a new one), without ``disabled``.

    The field is disabled, so Django gives its widget ``disabled``, which on the widget's
    ``<div>`` means nothing and is not allowed. The field stays disabled: a posted value
    is still ignored.
    """

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("disabled", None)
        return context
