from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from trail.models import ReviewEvent, TrailRemoval


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
    fields = readonly_fields = (
        "at",
        "review",
        "actor",
        "role",
        "kind",
        "what",
        "old",
        "new",
        "note",
    )
    list_filter = ["kind", "role", "at"]
    list_select_related = ["review__round", "review__employee__user", "actor"]
    search_fields = ["review__employee__employee_number", "actor__username"]
    show_full_result_count = False  # the trail grows large; counting it all is slow

    @admin.display(description=_("what"))
    def what(self, event):
        return event.what


@admin.register(TrailRemoval)
class TrailRemovalAdmin(ReadOnlyAdmin):
    """When reviews and their trails were removed (retention, a person removed), and why."""

    list_display = ["at", "reason"]
