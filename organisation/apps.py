from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    """The municipality's departments and people, their logins, and the HR role."""

    name = "organisation"
    verbose_name = _("Organisation")

    def ready(self):
        from organisation import account_events
        from organisation.roles import sync_hr_group

        # Permissions exist only after migrate, so the group is kept in step then.
        post_migrate.connect(sync_hr_group, dispatch_uid="organisation.sync_hr_group")
        # The record of account actions, written where they happen.
        account_events.connect()
