from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MusConfig(AppConfig):
    name = "mus"
    verbose_name = _("Organisation")

    def ready(self):
        from mus.roles import sync_hr_group

        # Permissions exist only after migrate, so the group is kept in step then.
        post_migrate.connect(sync_hr_group, dispatch_uid="mus.sync_hr_group")
