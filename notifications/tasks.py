"""The e-mail tasks (django.tasks): in production they wait in the database for
``manage.py worker``. Each sends only what it claims, so a task run twice, or by two
workers at once, sends nothing twice.

The fan-out hands out the people with something waiting in batches of BATCH: one task,
one connection to the mail server and a handful of queries for each batch, so that a
worker sends a round's opening at the pace of the mail server rather than of its own
bookkeeping (bench/jobs.py measures it)."""

import datetime
from collections.abc import Iterable
from itertools import batched

from django.tasks import task
from django.utils import timezone

from notifications import sending
from notifications.models import Notice

# People per task: a few seconds of sending, so that several workers share a round's
# e-mails evenly and a retry repeats little.
BATCH = 200


def _send(person_ids: list[int]) -> dict[str, int]:
    """The server refused or could not be reached: the worker tries the people concerned
    again after a pause that doubles with each attempt, until MAX_ATTEMPTS marks their
    notices failed."""
    try:
        return sending.send_pending(person_ids)
    except sending.NotSentError as error:
        again = bool(error.retry) and error.attempts < sending.MAX_ATTEMPTS
        if again and send_batch.get_backend().supports_defer:
            pause = sending.BACKOFF_SECONDS * 2 ** (error.attempts - 1)
            later = timezone.now() + datetime.timedelta(seconds=pause)
            send_batch.using(run_after=later).enqueue(error.retry)
        raise


@task
def send_batch(person_ids: list[int]) -> dict[str, int]:
    """Send each of these people everything waiting for them, over one connection."""
    return _send(person_ids)


@task
def send_notices(person_id: int) -> dict[str, int]:
    """One person's: kept for the tasks queued before batches (and for a single send)."""
    return _send([person_id])


def enqueue_for(person_ids: Iterable[int]) -> int:
    people = list(dict.fromkeys(person_ids))
    for some in batched(people, BATCH):
        send_batch.enqueue(list(some))
    return len(people)


@task
def dispatch_notices() -> int:
    """One send task for each batch of people with notices waiting; returns how many people."""
    waiting = Notice.objects.pending().values_list("recipient_id", flat=True)
    return enqueue_for(waiting.order_by("recipient_id").distinct())
