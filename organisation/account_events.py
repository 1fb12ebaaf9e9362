"""Writing the record of account actions (organisation.models.AccountEvent) where they happen.

- a superuser logs in: Django's user_logged_in;
- someone sets another person's password: the admin's password form calls
  ``password_set_by_someone_else`` (the only page where one can);
- a login is made or unmade superuser, activated or deactivated, or its username or
  e-mail changes: the User's pre- and post-save signals compare with the stored row,
  whatever code saves it;
- a login joins or leaves a group, or is given or loses a right: m2m_changed.

Who acted, and from which address, is the request being answered: AccountEventMiddleware
keeps it for the signals, which Django sends without one. Outside a request (a command on
the server) the record names no one.
"""

import ipaddress
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.http import HttpRequest, HttpResponse

from organisation.accounts import client_address
from organisation.http import AuthenticatedHttpRequest
from organisation.models import AccountEvent, User

_request: ContextVar[HttpRequest | None] = ContextVar("account_events_request", default=None)

Kind = AccountEvent.Kind


class AccountEventMiddleware:
    """Keeps the request being answered, so that the record can name who acted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def record(
    kind: str, subject: User, detail: str = "", request: HttpRequest | None = None
) -> AccountEvent:
    request = request or _request.get()
    user = getattr(request, "user", None)
    return AccountEvent.objects.create(
        kind=kind,
        subject=subject,
        detail=detail[:300],
        actor=user if user is not None and user.is_authenticated else None,
        address=_address(request),
    )


def _address(request: HttpRequest | None) -> str | None:
    # Behind a server on a Unix socket there may be none, or a word rather than an address.
    address = client_address(request) if request is not None else None
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def superuser_logged_in(
    sender: type[User], request: HttpRequest, user: User, **kwargs: Any
) -> None:
    if user.is_superuser:
        record(Kind.SUPERUSER_LOGGED_IN, user, request=request)


def password_set_by_someone_else(request: AuthenticatedHttpRequest, user: User) -> None:
    """An administrator set ``user``'s password: recorded, every session of theirs ends
    (whoever held one no longer does), and they are told by e-mail who did it."""
    from organisation.tasks import tell_password_set

    record(Kind.PASSWORD_SET, user, request=request)
    user.end_all_sessions()
    transaction.on_commit(partial(tell_password_set.enqueue, user.pk, request.user.pk), robust=True)


# What of a login is watched: (field, kind when true, kind when false). Username and e-mail
# find a person, so a change of either is recorded too, without the values (anonymity).
WATCHED = [
    ("is_superuser", Kind.MADE_SUPERUSER, Kind.NO_LONGER_SUPERUSER),
    ("is_active", Kind.ACTIVATED, Kind.DEACTIVATED),
    ("username", Kind.USERNAME_CHANGED, Kind.USERNAME_CHANGED),
    ("email", Kind.EMAIL_CHANGED, Kind.EMAIL_CHANGED),
]
# What a new login starts with that is not news.
ORDINARY_START = {"is_superuser": False, "is_active": True}


def _before_save(
    sender: type[User],
    instance: User,
    update_fields: Iterable[str] | None = None,
    **kwargs: Any,
) -> None:
    # What the watched fields were, for _after_save: kept on the instance, as Django's
    # signals carry nothing from one to the other.
    if instance._state.adding:
        instance.__dict__["_account_before"] = ORDINARY_START
        return
    names = [name for name, _true, _false in WATCHED]
    if update_fields is not None:
        names = [name for name in names if name in update_fields]
    # A save that touches none of them (a login's last_login) costs no query.
    stored = User.objects.filter(pk=instance.pk).values(*names).first() if names else None
    instance.__dict__["_account_before"] = stored or {}


def _after_save(sender: type[User], instance: User, **kwargs: Any) -> None:
    before = instance.__dict__.pop("_account_before", {})
    for name, becomes_true, becomes_false in WATCHED:
        if name in before and before[name] != getattr(instance, name):
            record(becomes_true if getattr(instance, name) else becomes_false, instance)


def _memberships_changed(
    sender: type,
    instance: Any,  # a User, or (``reverse``) a Group or a Permission
    action: str,
    reverse: bool,
    model: Any,  # the other side's model
    pk_set: set[int] | None,
    *,
    field: str,
    on: str,
    off: str,
    **kw: Any,
) -> None:
    """m2m_changed on User.groups or User.user_permissions (``field``), from either side:
    ``user.groups.add(group)`` or ``group.user_set.add(user)``."""
    if action == "pre_clear":
        # Recorded before it happens: afterwards no one can say what was cleared.
        others = getattr(instance, "user_set" if reverse else field).all()
        kind = off
    elif action in ("post_add", "post_remove") and pk_set:
        others = model.objects.filter(pk__in=pk_set)
        kind = on if action == "post_add" else off
    else:
        return
    for other in others:
        user, item = (other, instance) if reverse else (instance, other)
        record(kind, user, detail=_name(item))


def _name(item: Group | Permission) -> str:
    if isinstance(item, Permission):
        return f"{item.content_type.app_label}.{item.codename}"
    return item.name


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(superuser_logged_in, dispatch_uid="organisation.account_events.login")
    pre_save.connect(_before_save, sender=User, dispatch_uid="organisation.account_events.before")
    post_save.connect(_after_save, sender=User, dispatch_uid="organisation.account_events.after")
    for field, on, off in [
        ("groups", Kind.ADDED_TO_GROUP, Kind.REMOVED_FROM_GROUP),
        ("user_permissions", Kind.GIVEN_RIGHT, Kind.RIGHT_TAKEN),
    ]:
        m2m_changed.connect(
            partial(_memberships_changed, field=field, on=on, off=off),
            sender=getattr(User, field).through,
            weak=False,
            dispatch_uid=f"organisation.account_events.{field}",
        )
