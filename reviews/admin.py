from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from reviews.models import Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    """Rounds are run from HR's own pages; the admin is for corrections."""

    list_display = ["name", "status", "mode", "catalogue", "preparation_deadline"]
    list_filter = ["status", "mode"]
    list_select_related = ["catalogue"]
    search_fields = ["name"]
    # A municipality has tens of thousands of people: search, never one long list.
    autocomplete_fields = ["departments", "people"]

    def get_readonly_fields(self, request, obj=None):
        # The status moves on HR's round pages only (services.open_round, close_round),
        # which also create the reviews and set the dates.
        fields = ["status", "opened_at", "closed_at"]
        if obj is not None and obj.status != Round.Status.DRAFT:
            # The reviews rest on these (Round.FIXED_ONCE_OPENED, which the model refuses
            # to change too); participants are added on the round page, which creates
            # their reviews.
            fields += [*Round.FIXED_ONCE_OPENED, "departments", "people"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == Round.Status.CLOSED:
            return False
        return super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            round_ = self.get_object(request, unquote(object_id))
            if round_ is not None and round_.status == Round.Status.CLOSED:
                raise PermissionDenied(gettext("The round is closed and accepts no changes."))
        return super().change_view(request, object_id, form_url, extra_context)


# Reviews are deliberately not registered: what employees and managers write is not
# for the admin, and HR handles reviews (status, manager changes) from the round page.
