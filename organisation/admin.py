from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
    UsernameField,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from common.admin_widgets import PasswordHashWidget, ValidAutocompleteAdmin
from common.collation import Localised
from organisation import account_events
from organisation.models import AccountEvent, Department, Person, User


def only_a_superuser_manages(user: User) -> bool:
    """Whether ``user``'s login holds power (organisation.models.ADMINISTRATIVE): a superuser's,
    HR's or any staff's. HR changing or removing such a login would be HR taking power
    over it, or over itself; a superuser alone does, and what it does is recorded."""
    return user.is_superuser or user.is_staff or user.is_administrative


ADMINISTRATIVE_REFUSED = _(
    "Only a superuser can change the login of a superuser or of someone with "
    "administrative rights, such as HR."
)


class KeptNotDeleted:
    """A login or a person is never deleted as a row: the reviews of others and their trails
    point at them. Removing someone is privacy's to do (privacy/admin.py adds the action
    to these admins), after HR has read what it will do."""

    def has_delete_permission(self, request, obj=None):
        return False


class LoginWithoutPasswordForm(forms.ModelForm):
    """HR's form for a new person's login: who they are, and no password.

    HR holds no power over accounts, so it hands out no passwords: the person gets one
    from a superuser (recorded, and they are told), or signs in through the municipality's
    single sign-on, which finds them by their e-mail and employee number. The e-mail is
    therefore required, and no second login may have it.
    """

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]
        field_classes = {"username": UsernameField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(self.instance.unique_error_message(User, ["username"]))
        return username

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("Another login already has this e-mail address."))
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class LoginChangeForm(UserChangeForm):
    """Django's form for a login, its password shown in valid HTML (common.admin_widgets)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget = PasswordHashWidget()


class SetPasswordForm(AdminPasswordChangeForm):
    """Django's form for a superuser setting a login's password, its help text without the
    warning list Django writes into it (the template shows the list beside the help:
    templates/admin/organisation/user/change_password.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            help_text = SetUnusablePasswordMixin.usable_password_help_text
            self.fields["usable_password"].help_text = help_text


@admin.register(User)
class UserAdmin(KeptNotDeleted, BaseUserAdmin):
    """Logins. A superuser manages them all (and is recorded doing it: AccountEvent).

    HR (organisation.roles) keeps the right to add, change and remove logins, confined here: it
    adds a login without a password, changes only a person's name and whether their login
    is active, and leaves alone the login of anyone who holds power (only_a_superuser_
    manages), its own included. It never sets a password, never changes a login's
    username or e-mail (single sign-on finds people by them: changing one would hand the
    account to someone else) and never grants a right.
    """

    form = LoginChangeForm
    change_password_form = SetPasswordForm
    change_user_password_template = "admin/organisation/user/change_password.html"
    list_display = ["username", "first_name", "last_name", "email", "is_active"]

    # What HR sees of a login; the read-only ones are in get_readonly_fields.
    hr_fieldsets = [
        (None, {"fields": ["username"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    hr_add_fieldsets = [
        (
            None,
            {
                "fields": ["username", "first_name", "last_name", "email"],
                "description": _(
                    "The new login has no password. The person gets one from a superuser, "
                    "or logs in through the municipality’s single sign-on."
                ),
            },
        )
    ]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        # No password: not even the link to the form that sets one.
        return self.hr_add_fieldsets if obj is None else self.hr_fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = LoginWithoutPasswordForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        if obj is None:
            return []
        # HR keeps people's names and whether their login is active; the rest is the
        # login's identity, its rights (not even to itself) and Django's own dates.
        return [
            "username",
            "email",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        ]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or request.user.is_superuser or not only_a_superuser_manages(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not request.user.is_superuser:
            user = self.get_object(request, unquote(object_id))
            if user is not None and only_a_superuser_manages(user):
                if request.method == "POST":
                    raise PermissionDenied(ADMINISTRATIVE_REFUSED)
                # Shown read-only; this says why.
                self.message_user(request, ADMINISTRATIVE_REFUSED, messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is becoming them: only a superuser does, recorded.
        if not request.user.is_superuser:
            raise PermissionDenied(
                _("Only a superuser can set passwords: HR cannot set or change anyone’s password.")
            )
        user = self.get_object(request, unquote(id))
        response = super().user_change_password(request, id, form_url)
        if user is not None and user.pk != request.user.pk:
            stored = User.objects.get(pk=user.pk)
            if stored.password != user.password:
                account_events.password_set_by_someone_else(request, stored)
        return response


@admin.register(Department)
class DepartmentAdmin(ValidAutocompleteAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(Person)
class PersonAdmin(KeptNotDeleted, ValidAutocompleteAdmin, admin.ModelAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Re-linked, a person's reviews would go to another login's holder; the employee
        # number finds people too, so only a superuser corrects a mistyped one.
        return ["user"] if request.user.is_superuser else ["user", "employee_number"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form: Any = super().get_form(request, obj, change, **kwargs)
        acting = getattr(request.user, "person", None)

        class NotOneselfAsManager(form):
            def clean_manager(self):
                # A manager reads and leads their reports' MUS: whoever keeps the
                # organisation must not give that to themselves.
                manager = self.cleaned_data.get("manager")
                if (
                    acting is not None
                    and manager is not None
                    and manager.pk == acting.pk
                    and "manager" in self.changed_data
                ):
                    raise ValidationError(
                        _(
                            "You cannot make yourself someone’s manager: that would give you "
                            "their MUS. Ask a colleague in HR or a superuser to do it."
                        )
                    )
                return manager

        return NotOneselfAsManager

    @admin.display(description=_("name"), ordering=Localised("user__first_name"))
    def name(self, obj):
        return obj.name


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    """The record of account actions, for the superuser's audit; HR never sees it.

    To read, never to change: not even a superuser adds, edits or deletes here.
    """

    fields = ("at", "kind", "subject", "actor", "detail", "address")
    list_display = readonly_fields = fields
    list_filter = ["kind", "at"]
    list_select_related = ["subject", "actor"]
    search_fields = ["subject__username", "actor__username", "detail"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
