"""HR edits the catalogue here. A version in use by a round is shown read-only."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, F
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from competencies.models import (
    Catalogue,
    CatalogueText,
    Competence,
    FrozenWhenInUse,
    Question,
    QuestionSet,
    Statement,
    Theme,
)


class FrozenAdminMixin(admin.options.BaseModelAdmin):
    """Read-only once the catalogue or question set behind ``obj`` is in use.

    Works for a model admin (``obj`` is the object) and for an inline (``obj``
    is the parent being edited).
    """

    def is_frozen(self, obj: FrozenWhenInUse | None) -> bool:
        return obj is not None and obj.frozen_owner().is_in_use

    def has_change_permission(self, request, obj=None):
        return not self.is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.is_frozen(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if isinstance(self, admin.options.InlineModelAdmin):
            # The next in an inline's MRO is InlineModelAdmin's, which takes the parent.
            return not self.is_frozen(obj) and super().has_add_permission(request, obj)  # type: ignore[call-arg]
        return super().has_add_permission(request)


class PositionedForm(forms.ModelForm):
    def validate_constraints(self):
        # Positions are checked across all rows at once (PositionedFormSet.clean): checked
        # row by row against the database, two rows swapping places would seem to clash.
        try:
            # Django's own (private) helpers of ModelForm, which django-stubs does not declare.
            exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]
            self.instance.validate_constraints(exclude=exclude | {"position"})
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]


class PositionedFormSet(BaseInlineFormSet):
    """Rows ordered by a position that is unique per parent (and per kind, where rows have one)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A tabular inline heads its columns but labels no field: a screen reader would
        # hear "edit text" with no name. Each field is named by its column and row.
        row = _("new row") if index is None else index + 1
        for field in form.fields.values():
            if not field.widget.is_hidden:  # a hidden input is named by nothing and read by no one
                field.widget.attrs.setdefault("aria-label", f"{field.label} ({row})")

    def clean(self):
        super().clean()
        taken = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            # BaseFormSet's own (private) test, which django-stubs does not declare.
            if not data or self._should_delete_form(form):  # type: ignore[attr-defined]
                continue
            key = (data.get("kind"), data.get("position"))
            if key in taken:
                raise ValidationError(
                    _("Two rows have position %(position)s. Give each row its own position."),
                    params={"position": data.get("position")},
                )
            taken.add(key)

    def save(self, commit=True):
        # The formset saves row by row, so two rows swapping places would collide
        # with the row not yet saved: park the moving and deleted rows out of the way.
        moving = [
            form.instance.pk
            for form in self.initial_forms
            # BaseFormSet's own (private) test, which django-stubs does not declare.
            if "position" in form.changed_data or self._should_delete_form(form)  # type: ignore[attr-defined]
        ]
        if moving and self.model is not None:  # an inline's formset always has its model
            self.model._default_manager.filter(pk__in=moving).update(position=F("position") + 10000)
        return super().save(commit)


class PositionedInline(FrozenAdminMixin, admin.TabularInline):
    form = PositionedForm
    formset = PositionedFormSet
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})},
        # Narrow by the admin's own class: "size" is not allowed on a number input.
        models.PositiveSmallIntegerField: {
            "widget": forms.NumberInput(attrs={"class": "vPositiveSmallIntegerField"})
        },
    }


class InUseFilter(admin.SimpleListFilter):
    title = _("used by a round")
    parameter_name = "in_use"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes (read-only)")), ("no", _("No (editable)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(rounds__isnull=False).distinct()
        if self.value() == "no":
            return queryset.filter(rounds__isnull=True)
        return queryset


class VersionedAdmin(FrozenAdminMixin, admin.ModelAdmin):
    """Catalogues and question sets: versions, read-only in use, copy as new version."""

    change_form_template = "admin/competencies/versioned_change_form.html"
    list_display = ["name", "version", "in_use", "created_at"]
    list_filter = [InUseFilter, "name"]
    search_fields = ["name", "source"]
    readonly_fields = ["previous_version", "created_at"]
    actions = ["copy_as_new_version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(round_count=Count("rounds"))

    @admin.display(description=_("in use"), boolean=True)
    def in_use(self, obj):
        return obj.round_count > 0

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/copy/",
                self.admin_site.admin_view(require_POST(self.copy_view)),
                name="{}_{}_copy".format(*info),
            ),
            *super().get_urls(),
        ]

    def copy_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        if not self.has_add_permission(request):
            raise PermissionDenied
        original = get_object_or_404(self.model, pk=object_id)
        copy = self._copy(request, original)
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[copy.pk]))

    @admin.action(description=_("Copy as new version"), permissions=["add"])
    def copy_as_new_version(self, request, queryset):
        for original in queryset:
            self._copy(request, original)

    def _copy(self, request, original):
        copy = original.copy_as_new_version()
        self.log_addition(request, copy, [{"added": {}}])
        self.message_user(
            request,
            _("“%(copy)s” was created as a copy of version %(version)s and can be edited.")
            % {"copy": copy, "version": original.version},
            messages.SUCCESS,
        )
        return copy

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["is_frozen"] = self.is_frozen(obj)
        context["copy_url"] = (
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_copy", args=[obj.pk])
            if obj is not None and self.has_add_permission(request)
            else None
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


class CatalogueTextInline(PositionedInline):
    model = CatalogueText
    fields = ["kind", "position", "title", "text"]


class CompetenceInline(PositionedInline):
    model = Competence
    fields = ["position", "name"]
    show_change_link = True
    verbose_name_plural = _("competences in wheel order (edit each for its bullets)")


@admin.register(Catalogue)
class CatalogueAdmin(VersionedAdmin):
    list_display = [*VersionedAdmin.list_display, "custom_slots"]
    fieldsets = [
        (None, {"fields": ["name", "version", "source", "custom_slots"]}),
        (
            _("Texts"),
            {"fields": ["introduction", "wheel_introduction", "competences_introduction"]},
        ),
        (_("History"), {"fields": ["previous_version", "created_at"]}),
    ]
    inlines = [CompetenceInline, CatalogueTextInline]


class StatementInline(PositionedInline):
    model = Statement
    fields = ["position", "text"]
    kind: str | None = None  # which statements: each subclass names its kind

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=self.kind)

    def get_formset(self, request, obj=None, **kwargs):
        formset: Any = super().get_formset(request, obj, **kwargs)  # made per request
        kind = self.kind

        class KindFormSet(formset):
            def save_new(self, form, commit=True):
                form.instance.kind = kind
                return super().save_new(form, commit)

        return KindFormSet


class MeaningInline(StatementInline):
    kind = Statement.Kind.MEANING
    verbose_name = _("“means that …” bullet")
    verbose_name_plural = _("means that …")


class PositiveIndicatorInline(StatementInline):
    kind = Statement.Kind.POSITIVE
    verbose_name = _("positive indicator")
    verbose_name_plural = _("positive indicators")


class NegativeIndicatorInline(StatementInline):
    kind = Statement.Kind.NEGATIVE
    verbose_name = _("negative indicator")
    verbose_name_plural = _("negative indicators")


@admin.register(Competence)
class CompetenceAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ["name", "catalogue", "position"]
    list_filter = ["catalogue"]
    list_select_related = ["catalogue"]
    search_fields = ["name", "statements__text"]
    ordering = ["catalogue", "position"]
    fields = ["catalogue", "position", "name"]
    inlines = [MeaningInline, PositiveIndicatorInline, NegativeIndicatorInline]

    def get_readonly_fields(self, request, obj=None):
        # A competence stays in its catalogue; moving it would bypass the freeze.
        return ["catalogue"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "catalogue":
            kwargs["queryset"] = Catalogue.objects.filter(rounds__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ThemeInline(PositionedInline):
    model = Theme
    fields = ["position", "title"]
    show_change_link = True
    verbose_name_plural = _("themes (edit each for its questions)")


@admin.register(QuestionSet)
class QuestionSetAdmin(VersionedAdmin):
    fields = ["name", "version", "source", "introduction", "previous_version", "created_at"]
    inlines = [ThemeInline]


class QuestionInline(PositionedInline):
    model = Question
    fields = ["position", "text"]


@admin.register(Theme)
class ThemeAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ["title", "question_set", "position"]
    list_filter = ["question_set"]
    list_select_related = ["question_set"]
    search_fields = ["title", "questions__text"]
    ordering = ["question_set", "position"]
    fields = ["question_set", "position", "title"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        return ["question_set"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "question_set":
            kwargs["queryset"] = QuestionSet.objects.filter(rounds__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
