from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrailConfig(AppConfig):
    """The audit trail: who read, wrote or was refused what in a review, append-only."""

    name = "trail"
    verbose_name = _("Trail")
