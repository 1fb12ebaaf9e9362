from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("E-mail")

    def ready(self):
        from notifications import checks  # noqa: F401  (registers the deploy check)
