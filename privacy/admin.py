"""The admin of logins and people, with removing a person and their data.

organisation/admin.py keeps logins and people; removing someone reaches into their
reviews and the trails, which lie above the organisation, so the action is added here,
to the same admins, registered anew.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from organisation import admin as organisation_admin
from organisation.models import ADMINISTRATIVE, Person, User
from privacy import personal_data


class RemovesPeople(admin.ModelAdmin):
    """Removing a person is not deleting a row: privacy.personal_data.remove_person deletes
    their own reviews and anonymises them, in one transaction, after HR has read what it
    will do. Django's delete is switched off (organisation.admin.KeptNotDeleted), so that
    there is no other way."""

    actions = ("remove_people",)
    user_lookup = "pk"  # how the listed objects name their login

    def has_remove_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(f"organisation.delete_{self.model._meta.model_name}")

    def people_of(self, queryset: QuerySet[Any]) -> list[User]:
        raise NotImplementedError

    @admin.action(
        description=_("Remove the selected people and their data"), permissions=["remove"]
    )
    def remove_people(self, request, queryset):
        users = self.people_of(queryset)
        if not request.user.is_superuser:
            refused = set(
                User.objects.filter(ADMINISTRATIVE, pk__in=[u.pk for u in users]).values_list(
                    "pk", flat=True
                )
            )
            for user in users:
                if user.pk in refused:
                    self.message_user(
                        request,
                        gettext(
                            "%(name)s was not removed: only a superuser can remove a superuser "
                            "or someone with administrative rights, such as HR."
                        )
                        % {"name": user.get_full_name() or user.get_username()},
                        messages.ERROR,
                    )
            users = [user for user in users if user.pk not in refused]
            if not users:
                return None
            # The confirmation carries on only those who may be removed.
            queryset = queryset.filter(**{f"{self.user_lookup}__in": [u.pk for u in users]})
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


class RemovableUserAdmin(RemovesPeople, organisation_admin.UserAdmin):
    def people_of(self, queryset):
        return list(queryset.exclude(removed_at__isnull=False).select_related("person"))


class RemovablePersonAdmin(RemovesPeople, organisation_admin.PersonAdmin):
    user_lookup = "user"

    def people_of(self, queryset):
        return [
            p.user for p in queryset.exclude(user__removed_at__isnull=False).select_related("user")
        ]


# The organisation's admins (registered when organisation.admin was imported, above),
# again with the action added.
for model, model_admin in ((User, RemovableUserAdmin), (Person, RemovablePersonAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
