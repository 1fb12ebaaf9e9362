"""The e-mail tasks (django.tasks): in production they wait in the database for
``manage.py db_worker``. Each sends only what it claims, so a task run twice, or by two
workers at once, sends nothing twice."""

import datetime
from collections.abc import Iterable

from django.tasks import task
from django.utils import timezone

from notifications import sending
from notifications.models import Notice


@task
def send_notices(person_id: int) -> dict[str, int]:
    """Send one person everything waiting for them, in as few e-mails as make sense.

    The server refused or could not be reached: the worker tries again after a pause
    that doubles with each attempt, until MAX_ATTEMPTS marks the notices failed."""
    try:
        return sending.send_pending(person_id)
    except sending.NotSentError as error:
        if error.attempts < sending.MAX_ATTEMPTS and send_notices.get_backend().supports_defer:
            pause = datetime.timedelta(seconds=sending.BACKOFF_SECONDS * 2 ** (error.attempts - 1))
            send_notices.using(run_after=timezone.now() + pause).enqueue(person_id)
        raise


def enqueue_for(person_ids: Iterable[int]) -> int:
    people = list(dict.fromkeys(person_ids))
    for person_id in people:
        send_notices.enqueue(person_id)
    return len(people)


@task
def dispatch_notices() -> int:
    """One send task for each person with notices waiting; returns how many."""
    waiting = Notice.objects.pending().values_list("recipient_id", flat=True)
    return enqueue_for(waiting.order_by("recipient_id").distinct())
