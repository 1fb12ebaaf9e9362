"""Single sign-on: who an identity from the municipality's provider is in MUS.

OpenID Connect (mozilla-django-oidc, organisation.sso.oidc) and SAML 2.0 (djangosaml2,
organisation.sso.saml) both end here: an identity is matched to a Person by the configured
employee number, else by a verified e-mail address, never guessed and never created. The
provider's groups may grant the HR role (SSO_HR_GROUPS), never the superuser's.
"""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.http import HttpRequest

from organisation.auth import enabled, may_use_password, oidc_enabled, saml_enabled
from organisation.models import HR_GROUP, Person, User

__all__ = [
    "enabled",
    "identity_key",
    "keep_hr_role",
    "match",
    "may_use_password",
    "oidc_enabled",
    "refused",
    "saml_enabled",
]

log = logging.getLogger("organisation.sso")


def _first(value: Any) -> str:
    # SAML attributes come as lists, OIDC claims as single values.
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def identity_key(claims: Mapping[str, Any]) -> str:
    """What names the identity in the log and the login lockout: its number, else e-mail."""
    return (
        _first(claims.get(settings.SSO_EMPLOYEE_NUMBER_CLAIM))
        or _first(claims.get(settings.SSO_EMAIL_CLAIM)).lower()
        or "unknown"
    )[:150]


def match(claims: Mapping[str, Any], email_verified: bool) -> User | None:
    """The one active, non-superuser login the identity belongs to, or None.

    By employee number when the identity carries one; else by e-mail, only when the
    provider vouches for it (a verified address) and only one login has it.
    """
    people = Person.objects.select_related("user").filter(
        user__is_active=True, user__removed_at__isnull=True, user__is_superuser=False
    )
    number = _first(claims.get(settings.SSO_EMPLOYEE_NUMBER_CLAIM))
    if number:
        person = people.filter(employee_number=number).first()
        return person.user if person else None
    email = _first(claims.get(settings.SSO_EMAIL_CLAIM))
    if email and email_verified:
        found = list(people.filter(user__email__iexact=email)[:2])
        if len(found) == 1:
            return found[0].user
    return None


def keep_hr_role(user: User, groups: Iterable[str]) -> None:
    """Join or leave the HR group as the provider's groups say, when SSO_HR_GROUPS is set.

    Only the HR group: a provider can never make anyone staff or superuser.
    """
    if not settings.SSO_HR_GROUPS:
        return
    hr, _ = Group.objects.get_or_create(name=HR_GROUP)
    member = user.groups.filter(pk=hr.pk).exists()
    wanted = bool(set(groups) & set(settings.SSO_HR_GROUPS))
    if wanted and not member:
        user.groups.add(hr)
    elif member and not wanted:
        user.groups.remove(hr)


def refused(request: HttpRequest, key: str, why: str) -> None:
    """Log a refused identity and let the login lockout count it against that identity."""
    log.warning("SSO login refused for %s: %s", key, why)
    request.sso_identity = key  # type: ignore[attr-defined]
