from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MusConfig(AppConfig):
    name = "mus"
    verbose_name = _("Organisation")

    def ready(self):
        from mus import account_events
        from mus.collation import register_sqlite_collations
        from mus.roles import sync_hr_group

        connection_created.connect(register_sqlite_collations, dispatch_uid="mus.collations")

        # Permissions exist only after migrate, so the group is kept in step then.
        post_migrate.connect(sync_hr_group, dispatch_uid="mus.sync_hr_group")

        # The record of account actions, written where they happen.
        account_events.connect()
