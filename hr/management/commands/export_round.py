"""Write every concluded review of a round as a PDF for the personnel files, as HR sees it.

The records are rendered to HTML here, where the database is; laying the HTML out as
PDF, nearly all of the time, is shared among worker processes. The workers never touch
the database: a connection must not cross a fork, and a fresh process would not even
see the data of an SQLite test database in memory. So they are started with "spawn",
inherit nothing but the settings module, and only turn HTML into files.
"""

import math
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from itertools import batched
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import django
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils import translation

from common.pdf import write_pdfs
from hr.jobs import concluded_reviews
from reviews import record
from reviews.models import Review, Round
from trail import recording
from trail.models import Action, Role

# A worker takes a few records at a time: enough to make sending them cheap, few enough
# that the processes finish together.
LARGEST_CHUNK = 20


def chunk_size(count: int, processes: int) -> int:
    """About four chunks per process, so that one slow record does not hold up the end."""
    return max(1, min(LARGEST_CHUNK, math.ceil(count / (processes * 4))))


class Command(BaseCommand):
    help = (
        "Write the PDF of every concluded review of a round to a folder, as HR's record "
        "for the personnel files: one file per review, named <employee number>-<name>.pdf."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round_name", metavar="round", help="the round's name, as HR named it")
        parser.add_argument(
            "directory", type=Path, help="where to write the PDFs (created if missing)"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 1,
            help="how many processes lay out PDFs (default: one per CPU; 1: no workers)",
        )

    def handle(
        self, *args: Any, round_name: str, directory: Path, processes: int, **options: Any
    ) -> None:
        if processes < 1:
            raise CommandError("--processes must be at least 1.")
        round_ = Round.objects.filter(name=round_name).first()
        if round_ is None:
            raise CommandError(f"There is no round named “{round_name}”.")
        reviews = concluded_reviews(round_)
        count = reviews.count()
        if not count:
            self.stdout.write(f"The round “{round_}” has no concluded review; nothing written.")
            return
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"{directory} cannot be created: {error.strerror}.") from None

        # HR reads every record: each review's trail says so (the command has no login).
        recording.read_many(
            ((pk, Role.HR) for pk in reviews.values_list("pk", flat=True)), Action.EXPORTED_ROUND
        )
        processes = min(processes, count)
        started = time.perf_counter()
        documents = self.documents(reviews, directory)
        if processes == 1:
            written = write_pdfs(documents, translation.get_language())
        else:
            written = self.in_workers(documents, processes, chunk_size(count, processes))
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {written} {'PDF' if written == 1 else 'PDFs'} of “{round_}” to "
                f"{directory} in {seconds:.1f} s "
                f"({processes} {'process' if processes == 1 else 'processes'})."
            )
        )

    def documents(self, reviews: QuerySet[Review], directory: Path) -> Iterator[tuple[str, str]]:
        """(HTML, path) per review, rendered as they are read: HR's view, never a party's."""
        for review in reviews.iterator(chunk_size=100):
            html = record.review_html(review, record.hr_access(review))
            yield html, str(directory / record.export_filename(review))

    def in_workers(self, documents: Iterable[tuple[str, str]], processes: int, size: int) -> int:
        language = translation.get_language()
        with ProcessPoolExecutor(
            max_workers=processes, mp_context=get_context("spawn"), initializer=django.setup
        ) as pool:
            # Chunks go out as they are rendered, so the workers start before the last is.
            futures = [
                pool.submit(write_pdfs, list(chunk), language) for chunk in batched(documents, size)
            ]
            done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f for f in done if f.exception()), None)
            if failed:
                pool.shutdown(cancel_futures=True)
                raise CommandError(f"Writing the PDFs failed: {failed.exception()}")
            return sum(f.result() for f in futures)
