"""The task worker of production: ``db_worker`` (django-tasks-db), and beside it, every
``--revive-every`` seconds, ``hr.jobs.revive``: work whose worker died (killed, its machine
gone) goes back to the queue, and old exports are deleted. Run as many as you like, on
as many machines: they share the queue in the database (docs/deploy.md).

    python manage.py worker [--lease 120] [--revive-every 30] [db_worker's options]
"""

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from hr import jobs

logger = logging.getLogger(__name__)


def _revive_forever(lease: int, every: float) -> None:
    while True:
        try:
            counts = jobs.revive(lease)
            if any(counts.values()):
                logger.warning("Revived: %s", counts)
        except Exception:  # the database away for a moment: try again next time
            logger.exception("Reviving failed")
        finally:
            connection.close()  # this thread's own connection
        time.sleep(every)


class Command(DBWorkerCommand):
    help = "Run the task worker: e-mail and HR's bulk work (opening rounds, exports)."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--lease",
            type=int,
            default=None,
            help="seconds without a sign of life before a part is given to another worker "
            "(default: JOB_LEASE_SECONDS)",
        )
        parser.add_argument(
            "--revive-every", type=float, default=30.0, help="seconds between looks for work"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lease, revive_every = options.pop("lease"), options.pop("revive_every")
        lease = settings.JOB_LEASE_SECONDS if lease is None else lease
        threading.Thread(
            target=_revive_forever, args=(lease, revive_every), daemon=True, name="revive"
        ).start()
        super().handle(*args, **options)
