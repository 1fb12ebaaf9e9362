"""The organisation: departments in a tree, people and who manages whom."""

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from common.collation import Localised
from common.fields import WrittenLine

HR_GROUP = "HR"

# A login with power: a superuser, staff, or one holding a right (the HR group's, say).
# Only a superuser manages these; HR manages the logins of people who hold none.
ADMINISTRATIVE = (
    Q(is_superuser=True)
    | Q(is_staff=True)
    | Q(groups__isnull=False)
    | Q(user_permissions__isnull=False)
)


class User(AbstractUser):
    """The login. Kept apart from ``Person`` so the organisation can change without auth."""

    # The language chosen with the switch, so that it follows the person to a new device.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )
    # Part of what every session of this user is checked against: raising it ends them all.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # A person removed from MUS keeps only this anonymous login, so that the reviews of
    # others they managed, and the trails of those reviews, still point at someone.
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def _get_session_auth_hash(self, secret=None):
        # Django's hash of the password (a new password ends the other sessions), with the
        # generation mixed in: one small update ends every session, with no session read.
        return salted_hmac(
            "mus.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        if self.removed_at:
            return str(_("Removed person"))
        return super().get_full_name()

    def end_all_sessions(self) -> None:
        User.objects.filter(pk=self.pk).update(session_generation=F("session_generation") + 1)
        self.refresh_from_db(fields=["session_generation"])

    @property
    def is_administrative(self) -> bool:
        """Whether this login holds power in MUS (see ADMINISTRATIVE), as stored."""
        return User.objects.filter(ADMINISTRATIVE, pk=self.pk).exists()


class DepartmentQuerySet(models.QuerySet):
    def subtree_ids(self, roots: Iterable[int]) -> set[int]:
        """The given departments and every department under them, at any depth.

        A municipality has hundreds of departments, not millions: one query for the
        whole tree beats a recursive query per level.
        """
        children = defaultdict(list)
        for pk, parent in self.values_list("pk", "parent_id"):
            children[parent].append(pk)
        found, stack = set(), list(roots)
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(children[pk])
        return found


class Department(models.Model):
    """A unit in the municipality's tree: forvaltning → center → kontor."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "forvaltning", _("Administration (forvaltning)")
        CENTRE = "center", _("Centre (center)")
        OFFICE = "kontor", _("Office (kontor)")

    name = WrittenLine(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = [Localised("name")]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="department_name_unique_in_parent"
            ),
        ]

    def __str__(self):
        return self.name


class Person(models.Model):
    """An employee of the municipality, linked to their login. Managers are people too."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="person"
    )
    employee_number = WrittenLine(_("employee number"), max_length=32, unique=True)
    job_title = WrittenLine(_("job title"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="people"
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = Localised.each("user__first_name", "user__last_name")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def first_name(self) -> str:
        """How a colleague is named in a sentence ("waiting for Mette")."""
        return self.user.first_name or self.name


class AccountEventIsAppendOnlyError(Exception):
    pass


class AccountEventQuerySet(models.QuerySet):
    """The record of account actions only grows: no update, no delete."""

    def update(self, **kwargs):
        raise AccountEventIsAppendOnlyError("The record of account actions cannot be changed.")

    def delete(self):
        raise AccountEventIsAppendOnlyError("The record of account actions is never deleted.")


class AccountEvent(models.Model):
    """Who did what to which login, when and from where (organisation.account_events writes it).

    The superuser is a break-glass account: it can set anyone's password and grant any
    right, so what it does with logins is recorded, and so is every grant of power
    whoever makes it. Append-only (AccountEventQuerySet, and the database refuses an
    UPDATE: migration 0005); a superuser reads it in Django admin, HR never sees it.
    """

    class Kind(models.TextChoices):
        SUPERUSER_LOGGED_IN = "superuser_login", _("A superuser logged in")
        PASSWORD_SET = "password_set", _("Password set by someone else")
        MADE_SUPERUSER = "superuser_on", _("Made superuser")
        NO_LONGER_SUPERUSER = "superuser_off", _("No longer superuser")
        ADDED_TO_GROUP = "group_added", _("Added to a group")
        REMOVED_FROM_GROUP = "group_removed", _("Removed from a group")
        GIVEN_RIGHT = "right_given", _("Given a right")
        RIGHT_TAKEN = "right_taken", _("A right taken away")
        ACTIVATED = "activated", _("Login activated")
        DEACTIVATED = "deactivated", _("Login deactivated")
        USERNAME_CHANGED = "username", _("Username changed")
        EMAIL_CHANGED = "email", _("E-mail address changed")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # None: no one logged in did it (a command on the server, such as createsuperuser).
    actor = models.ForeignKey(
        User,
        verbose_name=_("who acted"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.ForeignKey(
        User, verbose_name=_("on whose login"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    # The group or right, where the kind names one.
    detail = models.CharField(_("which"), max_length=300, blank=True)
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    objects = AccountEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("account action")
        verbose_name_plural = _("record of account actions")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AccountEventIsAppendOnlyError("The record of account actions cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccountEventIsAppendOnlyError("The record of account actions is never deleted.")
