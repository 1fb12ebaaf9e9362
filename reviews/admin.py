from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reviews import trail
from reviews.models import ReviewEvent, Round, TrailRemoval


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
        # The status moves only on HR's round pages (services.open_round and close_round),
        # which create the reviews and set the dates: never here, so a closed round stays
        # closed and a draft is opened with its reviews.
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """To read, never to change: not even a superuser adds, edits or deletes here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    """The reviews' trail, for whoever audits MUS (a superuser; HR has no right to it).

    Who opened or changed which review, when and what: never the content itself.
    """

    list_display = ["at", "review", "actor", "role", "kind", "what"]
    fields = ["at", "review", "actor", "role", "kind", "what", "old", "new", "note"]
    readonly_fields = fields
    list_filter = ["kind", "role", "at"]
    list_select_related = ["review__round", "review__employee__user", "actor"]
    search_fields = ["review__employee__employee_number", "actor__username"]
    show_full_result_count = False  # the trail grows large; counting it all is slow

    @admin.display(description=_("what"))
    def what(self, event):
        return trail.describe(event)


@admin.register(TrailRemoval)
class TrailRemovalAdmin(ReadOnlyAdmin):
    """When reviews and their trails were removed (retention, a person removed), and why."""

    list_display = ["at", "reason"]
