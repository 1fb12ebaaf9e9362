"""The login backend: Django's, with what every page asks of the user read in one query."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from organisation.models import User
from organisation.roles import HR_RIGHT


def oidc_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def saml_enabled() -> bool:
    return bool(settings.SAML_IDP_METADATA_URL or settings.SAML_IDP_METADATA_FILE)


def enabled() -> bool:
    """Whether people log in through the municipality's provider (organisation.sso)."""
    return oidc_enabled() or saml_enabled()


def may_use_password(username: str | None) -> bool:
    """With SSO on, only the break-glass accounts named in SSO_BREAK_GLASS_USERS may."""
    return not enabled() or (username or "") in settings.SSO_BREAK_GLASS_USERS


def _holds_right_sql() -> str:
    """Whether the user holds a right, given or through a group, as Django's
    ModelBackend decides it (less the superuser, which the caller checks).

    Written as SQL: ORM subqueries cost more to build on each request than to run.
    """
    user_rights = User.user_permissions.through._meta.db_table
    group_rights = Group.permissions.through._meta.db_table
    memberships = User.groups.through._meta.db_table
    return (
        f"EXISTS (SELECT 1 FROM {Permission._meta.db_table} p"
        f" JOIN {ContentType._meta.db_table} t ON t.id = p.content_type_id"
        " WHERE t.app_label = %s AND p.codename = %s AND ("
        f"  EXISTS (SELECT 1 FROM {user_rights} r"
        f"   WHERE r.permission_id = p.id AND r.user_id = {User._meta.db_table}.id)"
        f"  OR EXISTS (SELECT 1 FROM {group_rights} g JOIN {memberships} m"
        "   ON m.group_id = g.group_id"
        f"   WHERE g.permission_id = p.id AND m.user_id = {User._meta.db_table}.id)))"
    )


class Backend(ModelBackend):
    """ModelBackend whose ``get_user`` also reads the person and whether they are HR.

    Nearly every page asks which person the user is (access, the dashboard, the trail),
    and the start page whether they are HR: read with the user, neither costs a query
    of its own. Like Django's permission cache, the answer holds for the request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        # With single sign-on on, a password opens only the break-glass accounts.
        if not may_use_password(username):
            return None
        return super().authenticate(request, username, password, **kwargs)

    def get_user(self, user_id):
        try:
            user = (
                User._default_manager.select_related("person__department", "person__manager__user")
                .annotate(holds_hr_right=RawSQL(_holds_right_sql(), HR_RIGHT, BooleanField()))
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
