"""The HR role: one permission group with exactly the rights HR needs.

HR owns the catalogue, the question sets, the organisation and the rounds. It is
given no permission on anything that holds what employees and managers wrote, and
holds no power over people's accounts (PRODUCT.md): it sets no password, cannot sign
in as anyone and grants no right. Account management belongs to a superuser, or later
to single sign-on.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db.models import QuerySet

from organisation.models import HR_GROUP, User

# What makes someone HR: the right to change rounds (app label, codename), which the HR
# group holds, and a superuser holds by being one.
HR_RIGHT = ("reviews", "change_round")


def is_hr(user: User | AnonymousUser) -> bool:
    """HR runs the rounds: the HR group, or a superuser, holds the right to change rounds."""
    if not user.is_authenticated:
        return False
    if hasattr(user, "holds_hr_right"):  # read with the user by organisation.auth.Backend
        return user.is_active and (user.is_superuser or user.holds_hr_right)
    return user.has_perm(".".join(HR_RIGHT))


EVERY_ACTION = ("view", "add", "change", "delete")

# (app label, model) pairs HR administers, with the actions it may take on each.
HR_MODELS = {
    ("competencies", "catalogue"): EVERY_ACTION,
    ("competencies", "cataloguetext"): EVERY_ACTION,
    ("competencies", "competence"): EVERY_ACTION,
    ("competencies", "statement"): EVERY_ACTION,
    ("competencies", "questionset"): EVERY_ACTION,
    ("competencies", "theme"): EVERY_ACTION,
    ("competencies", "question"): EVERY_ACTION,
    ("organisation", "department"): EVERY_ACTION,
    ("organisation", "person"): EVERY_ACTION,
    # Logins, as organisation.admin.UserAdmin confines them for anyone but a superuser:
    # - view: to find the login a person is linked to;
    # - add: a new person's login, without a password (Django lets only those who may
    #   also change logins add one);
    # - change: a person's name and whether their login is active; never a password,
    #   a username or an e-mail, never a right, and never the login of anyone holding
    #   power (a superuser's, HR's own);
    # - delete: the right to remove people (privacy.personal_data), never a plain delete.
    ("organisation", "user"): ("view", "add", "change", "delete"),
    ("reviews", "round"): EVERY_ACTION,
}


def hr_permissions() -> QuerySet[Permission]:
    query = Permission.objects.none()
    for (app_label, model), actions in HR_MODELS.items():
        query |= Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return query


def sync_hr_group(**kwargs: Any) -> None:
    """Create the HR group, or set its permissions back to exactly HR_MODELS'."""
    group, _ = Group.objects.get_or_create(name=HR_GROUP)
    group.permissions.set(hr_permissions())
