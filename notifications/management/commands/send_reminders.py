"""The daily reminder run: cron (or any scheduler) runs it once a day, e.g. at 07:00.

    python manage.py send_reminders [--today 2027-01-18]

It writes down the reminders due that day in every open round and hands them to the
task worker (``manage.py db_worker``), together with anything still waiting from
earlier (a refused e-mail is tried again here). Running it twice sends nothing twice.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import outbox
from notifications.models import Notice
from notifications.sending import STUCK_AFTER
from notifications.tasks import dispatch_notices


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today takes a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Queue the e-mail reminders due today in every open round, and send what waits."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=str,
            help="The day to run for, YYYY-MM-DD (default: today in TIME_ZONE). For tests.",
        )

    def handle(self, *args, today=None, **options):
        day = _date(today) if today else timezone.localdate()
        created = outbox.queue_due_reminders(day)
        people = dispatch_notices.call()
        stuck = Notice.objects.filter(
            status=Notice.Status.SENDING, claimed_at__lt=timezone.now() - STUCK_AFTER
        ).count()
        self.stdout.write(
            f"{day:%Y-%m-%d}: {created} reminders queued; e-mails to {people} people enqueued."
        )
        if stuck:
            self.stderr.write(
                f"{stuck} notices were claimed over an hour ago and never settled (a worker "
                "stopped mid-send). They are not sent again: delivery is at most once."
            )
