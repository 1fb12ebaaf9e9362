from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from mus.collation import Localised
from mus.models import Department, Person, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]

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
class PersonAdmin(admin.ModelAdmin):
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
