"""Writing down what is owed: the notices the round's opening, the daily reminder run and
a change of the talk's time create. Each is created once (its unique occasion) and sent
by a worker after the transaction that created it has committed.

The notices are the record; a task only wakes a worker up. Should enqueuing fail after
the commit, the notices still wait, and the next daily run hands them to a worker."""

import contextlib
import contextvars
import datetime
from collections.abc import Iterator

from django.db import transaction
from django.db.models import CharField, Count, Exists, OuterRef, Value
from django.db.models.functions import Concat
from django.utils import timezone

from notifications.models import Notice
from notifications.tasks import dispatch_notices, enqueue_for
from reviews.models import NOT_PREPARED, Party, Preparation, Review, Round

BATCH = 1000

# Set while a worker opens a round in parts: the sending fans out once, when the last part
# is done, so that a manager gets one e-mail listing all their talks (hr.jobs).
_dispatch_held: contextvars.ContextVar[bool] = contextvars.ContextVar("held", default=False)


@contextlib.contextmanager
def dispatch_held() -> Iterator[None]:
    token = _dispatch_held.set(True)
    try:
        yield
    finally:
        _dispatch_held.reset(token)


def _create(notices: list[Notice]) -> None:
    # A notice that exists already (same review, party and occasion) is left as it is.
    Notice.objects.bulk_create(notices, batch_size=BATCH, ignore_conflicts=True)


def queue_invitations(round_: Round) -> None:
    """Everyone in an open round is told by e-mail: each employee of their own MUS, each
    manager of the talks they lead (one e-mail listing them). Reviews added later to an
    open round are told when they are added."""
    new = round_.reviews.exclude(
        Exists(Notice.objects.filter(review=OuterRef("pk"), kind=Notice.Kind.OPENED))
    ).values_list("pk", "employee_id", "manager_id")
    notices = []
    for review_id, employee_id, manager_id in new.iterator(chunk_size=BATCH):
        for party, recipient in ((Party.EMPLOYEE, employee_id), (Party.MANAGER, manager_id)):
            notices.append(
                Notice(
                    review_id=review_id,
                    party=party,
                    recipient_id=recipient,
                    kind=Notice.Kind.OPENED,
                    occasion=Notice.Kind.OPENED,
                )
            )
    if notices:
        _create(notices)
        # One task fans out the sending, so that opening a round for thousands is quick.
        if not _dispatch_held.get():
            transaction.on_commit(dispatch_notices.enqueue, robust=True)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def queue_due_reminders(today: datetime.date) -> int:
    """Create the reminders due by ``today`` in every open round; returns how many.

    Reminded is whoever still has to act: a party who prepares in the round's mode and has
    not shared their preparation. Reviews created on or after the reminder's day are left
    out, as their invitation has just told them. Repeating a day creates nothing new.
    """
    created = 0
    for round_ in Round.objects.filter(status=Round.Status.OPEN).exclude(mode=Round.Mode.NONE):
        due_on = round_.reminder_due_on(today)
        if due_on is None:
            continue
        kind = Notice.Kind.OVERDUE if due_on > round_.preparation_deadline else Notice.Kind.REMINDER
        reviews = round_.reviews.filter(state__in=NOT_PREPARED, created_at__lt=_start_of(due_on))
        for party in round_.preparing_parties:
            recipient = f"{party}_id"  # the review's employee_id or manager_id
            # Shared by the one who holds the place now: a former manager's sharing is theirs.
            shared = Preparation.objects.filter(
                review=OuterRef("pk"), author=OuterRef(recipient), shared_at__isnull=False
            )
            told = Notice.objects.filter(
                review=OuterRef("pk"), party=party, occasion=due_on.isoformat()
            )
            waiting = reviews.exclude(Exists(shared)).exclude(Exists(told))
            pairs = waiting.values_list("pk", recipient)  # (review, who is reminded)
            notices = [
                Notice(
                    review_id=review_id,
                    party=party,
                    recipient_id=recipient_id,
                    kind=kind,
                    occasion=due_on.isoformat(),
                    due_on=due_on,
                )
                for review_id, recipient_id in pairs.iterator(chunk_size=BATCH)
            ]
            _create(notices)
            created += len(notices)
    return created


def queue_talk_time(review: Review) -> None:
    """Both parties receive the talk's current version (invitation, update, cancellation)."""
    occasion = f"talk-{review.talk_sequence}"
    _create(
        [
            Notice(
                review=review,
                party=party,
                recipient_id=recipient,
                kind=Notice.Kind.TALK,
                occasion=occasion,
            )
            for party, recipient in (
                (Party.EMPLOYEE, review.employee_id),
                (Party.MANAGER, review.manager_id),
            )
        ]
    )
    transaction.on_commit(lambda: enqueue_for([review.employee_id, review.manager_id]), robust=True)


def sent_counts(round_: Round) -> dict[str, int]:
    """For HR's page: how many e-mails of the round went out, by kind, and how many wait or
    failed. An e-mail is one recipient's notices of one occasion (a manager's list is one)."""
    email = Concat("recipient_id", Value("/"), "occasion", output_field=CharField())
    counts = {
        (row["kind"], row["status"]): row["n"]
        for row in Notice.objects.filter(review__round=round_)
        .values("kind", "status")
        .annotate(n=Count(email, distinct=True))
        .order_by()
    }
    sent = Notice.Status.SENT
    return {
        "opened": counts.get((Notice.Kind.OPENED, sent), 0),
        "reminders": counts.get((Notice.Kind.REMINDER, sent), 0)
        + counts.get((Notice.Kind.OVERDUE, sent), 0),
        "waiting": sum(n for (_k, status), n in counts.items() if status == Notice.Status.PENDING),
        "failed": sum(n for (_k, status), n in counts.items() if status == Notice.Status.FAILED),
    }
