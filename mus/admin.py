from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mus.collation import Localised
from mus.models import Department, Person, User


class RemovesPeople:
    """Removing a person is not deleting a row: reviews.personal_data.remove_person deletes
    their own reviews and anonymises them, in one transaction, after HR has read what it
    will do. Django's delete is switched off, so that there is no other way."""

    actions = ["remove_people"]

    def has_delete_permission(self, request, obj=None):
        return False

    def has_remove_permission(self, request):
        return request.user.has_perm(f"mus.delete_{self.model._meta.model_name}")

    def people_of(self, queryset) -> list[User]:
        raise NotImplementedError

    @admin.action(
        description=_("Remove the selected people and their data"), permissions=["remove"]
    )
    def remove_people(self, request, queryset):
        from reviews import personal_data

        users = self.people_of(queryset)
        if request.POST.get("confirm") != "yes":
            people = Person.objects.filter(user__in=users).select_related("user")
            context = {
                **self.admin_site.each_context(request),
                "title": _("Remove people and their data"),
                "objects": queryset,
                "consequences": [personal_data.consequences(p) for p in people],
                "without_person": [u for u in users if not hasattr(u, "person")],
                "opts": self.model._meta,
                "action": "remove_people",
            }
            return TemplateResponse(request, "admin/remove_people_confirmation.html", context)
        removed = 0
        for user in users:
            try:
                personal_data.remove_user(user)
            except ValidationError as error:
                self.message_user(
                    request, f"{user.get_full_name()}: {error.messages[0]}", messages.ERROR
                )
            else:
                removed += 1
        if removed:
            self.message_user(
                request,
                ngettext("%(count)d person was removed.", "%(count)d people were removed.", removed)
                % {"count": removed},
                messages.SUCCESS,
            )
        return None


@admin.register(User)
class UserAdmin(RemovesPeople, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]

    def people_of(self, queryset):
        return list(queryset.exclude(removed_at__isnull=False).select_related("person"))

    def get_readonly_fields(self, request, obj=None):
        # HR maintains accounts but cannot hand out rights, not even to itself.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        ]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(Person)
class PersonAdmin(RemovesPeople, admin.ModelAdmin):
    list_display = ["name", "employee_number", "job_title", "department", "manager"]
    list_filter = ["department__kind", "department"]
    list_select_related = ["user", "department", "manager__user"]
    search_fields = [
        "employee_number",
        "user__username",
        "user__first_name",
        "user__last_name",
        "job_title",
        "department__name",
    ]
    autocomplete_fields = ["user", "department", "manager"]

    @admin.display(description=_("name"), ordering=Localised("user__first_name"))
    def name(self, obj):
        return obj.name

    def people_of(self, queryset):
        return [
            p.user for p in queryset.exclude(user__removed_at__isnull=False).select_related("user")
        ]
