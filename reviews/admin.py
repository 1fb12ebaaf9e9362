from django.contrib import admin

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
    readonly_fields = ["opened_at", "closed_at"]


# Reviews are deliberately not registered: what employees and managers write is not
# for the admin, and HR handles reviews (status, manager changes) from the round page.
