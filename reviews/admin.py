from django.contrib import admin

from reviews.models import Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "mode", "catalogue", "preparation_deadline"]
    list_filter = ["status", "mode"]
    list_select_related = ["catalogue"]
    search_fields = ["name"]
