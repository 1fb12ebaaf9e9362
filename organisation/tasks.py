"""E-mail about one's own login, sent through django.tasks like the rest of MUS's e-mail
(notifications/): in production the task waits in the database for the worker."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from organisation.models import User


@task
def tell_password_set(user_id: int, administrator_id: int) -> bool:
    """Tell a person that an administrator set their password, and who: so that one they
    did not expect is noticed. The password itself is never in it. Returns whether sent."""
    user = User.objects.get(pk=user_id)
    administrator = User.objects.get(pk=administrator_id)
    if not user.email or user.removed_at:
        return False
    name = user.get_full_name() or user.get_username()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "recipient": {"name": name},
            "administrator": administrator.get_full_name() or administrator.get_username(),
            "username": user.get_username(),
            "usable": user.has_usable_password(),
            "site_url": settings.SITE_URL,
        }
        EmailMessage(
            subject=_("Your password for MUS was set by an administrator"),
            body=render_to_string("organisation/email/password_set.txt", context),
            to=[formataddr((name, user.email))],
            # RFC 3834: no out-of-office replies to an automatic e-mail.
            headers={"Auto-Submitted": "auto-generated"},
        ).send()
    return True
