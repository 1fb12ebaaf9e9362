"""Sending what is owed to one person: claim, compose, send, settle.

At most once, by this trade-off:

- A worker first claims the person's pending notices in one conditional UPDATE
  (pending → sending, stamped with a token of its own). Two workers, or one task run
  twice, cannot both claim a notice: the second finds nothing pending.
- After sending, the notices of each e-mail are marked sent.
- When the mail server refuses (an exception), the e-mail was not delivered: its notices
  go back to pending, and the next daily run tries again, at most MAX_ATTEMPTS times.
- When the worker dies between claiming and settling, no one can know whether the
  server accepted the e-mail: the notices stay "sending" and are never sent again. A
  reminder lost beats a reminder twice; ``send_reminders`` reports such notices.
"""

import datetime
import uuid

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation

from notifications import letters
from notifications.models import Notice

MAX_ATTEMPTS = 3
# A refused e-mail is tried again after 1, 2, 4 … minutes, by the worker itself.
BACKOFF_SECONDS = 60
# Claimed this long ago and never settled: its worker died mid-send.
STUCK_AFTER = datetime.timedelta(hours=1)


class NotSentError(Exception):
    """The mail server refused at least one e-mail; its notices wait for another try."""

    def __init__(self, message: str, attempts: int = MAX_ATTEMPTS):
        super().__init__(message)
        self.attempts = attempts


def claim(person_id: int) -> list[Notice]:
    token = uuid.uuid4().hex
    Notice.objects.filter(recipient_id=person_id, status=Notice.Status.PENDING).update(
        status=Notice.Status.SENDING,
        claim=token,
        claimed_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    return list(
        Notice.objects.filter(claim=token, status=Notice.Status.SENDING)
        .select_related(
            "review__round", "review__employee__user", "review__manager__user", "recipient__user"
        )
        .order_by("pk")
    )


def _settle(notices: list[Notice], status: str, note: str = "") -> None:
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(
        status=status, note=note, sent_at=timezone.now() if status == Notice.Status.SENT else None
    )


def _release(notices: list[Notice], error: Exception) -> None:
    """The server refused: nothing was delivered, so the notices may be tried again."""
    ids = [n.pk for n in notices]
    note = f"{type(error).__name__}: {error}"[:1000]
    Notice.objects.filter(pk__in=ids, attempts__lt=MAX_ATTEMPTS).update(
        status=Notice.Status.PENDING, claim="", note=note
    )
    Notice.objects.filter(pk__in=ids, attempts__gte=MAX_ATTEMPTS).update(
        status=Notice.Status.FAILED, note=note
    )


def give_up_stale(claimed_before: datetime.datetime) -> int:
    """Notices whose worker died mid-send are shown to HR as failed: whether the server
    got them is unknown, and at most once means they are not sent again."""
    return Notice.objects.filter(
        status=Notice.Status.SENDING, claimed_at__lt=claimed_before
    ).update(
        status=Notice.Status.FAILED,
        note="The worker stopped while sending; it is not known whether it arrived, "
        "so it was not sent again.",
    )


def send_pending(person_id: int) -> dict[str, int]:
    notices = claim(person_id)
    with translation.override(settings.LANGUAGE_CODE):
        batch = letters.compose(notices, timezone.localdate())
    for reason, skipped in batch.skipped.items():
        _settle(skipped, Notice.Status.SKIPPED, reason)
    errors = []
    for letter in batch.letters:
        try:
            letter.message.send()
        except Exception as error:  # the server refused; see the module's trade-off
            errors.append(error)
            _release(letter.notices, error)
        else:
            _settle(letter.notices, Notice.Status.SENT)
    if errors:
        attempts = max(n.attempts for n in notices)
        raise NotSentError("; ".join(str(e) for e in errors), attempts=attempts)
    return {
        "sent": len(batch.letters),
        "skipped": sum(len(group) for group in batch.skipped.values()),
    }
