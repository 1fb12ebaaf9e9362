"""HR's bulk work on a round as tasks: opening (or widening) it, and its PDFs.

Why it is safe to kill a worker at any moment (``revive`` hands its work to another):

- **Planning** (listing who gets a review, or which reviews are exported) writes the
  parts and marks the job planned in one transaction: killed, nothing of it is kept.
- **An opening's part** creates its reviews and marks itself done in one transaction;
  killed, it is rolled back and run again, and a review exists at most once anyway
  (the round's row lock and the unique (round, employee) constraint).
- **An export's part** writes each PDF under a temporary name and renames it into
  place, so a file in place is complete; run again, it skips the files in place. The
  trail of HR's reads and the part's "done" are written together, once, at its end.
- **Finishing** builds the zip from the files in place, under a temporary name, then
  renames it: built twice, it is the same zip.
"""

import csv
import datetime
import io
import logging
import os
import uuid
import zipfile
from collections.abc import Iterator
from itertools import batched
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.tasks import Task, TaskResultStatus, task
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from common.pdf import write_pdfs
from hr.models import JobPart, RoundJob
from notifications import outbox, sending
from notifications.models import Notice
from notifications.tasks import dispatch_notices
from organisation.models import User
from reviews import record, services
from reviews.models import Review, Round, State
from trail import recording
from trail.models import Action, Role

logger = logging.getLogger(__name__)

# Parts: an opening's of JOB_OPEN_PART people is one transaction of a second or less; an
# export's of JOB_EXPORT_PART reviews about a second of PDFs, so that workers share evenly.
MAX_ATTEMPTS = 3


def concluded_reviews(round_: Round) -> QuerySet[Review]:
    return (
        Review.objects.filter(round=round_, state=State.CONCLUDED)
        .select_related("round", "employee__user", "employee__department", "manager__user")
        .prefetch_related(*record.RECORD_PREFETCH)
        .order_by("employee__employee_number")
    )


def start(round_: Round, kind: str, user: User | None = None) -> tuple[RoundJob, bool]:
    """Start opening or exporting the round in the background; (the job, joined): a job
    of the same kind already running for the round is joined, not repeated."""
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if kind == RoundJob.Kind.OPEN:
            locked.check_accepts_changes()
        under_way = RoundJob.objects.filter(round=locked, kind=kind, status=RoundJob.Status.RUNNING)
        if existing := under_way.first():
            return existing, True
        if kind == RoundJob.Kind.EXPORT and not concluded_reviews(locked).exists():
            raise ValidationError(
                _("The round has no concluded review yet, so there is nothing to export.")
            )
        job = RoundJob.objects.create(round=locked, kind=kind, started_by=user)
        transaction.on_commit(lambda: plan_job.enqueue(job.pk), robust=True)
    return job, False


def _to_open(round_: Round) -> tuple[list[int], list[str]]:
    """The participants who get a review (pks), and the names of those without a manager."""
    participants = round_.participants().exclude(
        Exists(Review.objects.filter(round=round_, employee=OuterRef("pk")))
    )
    pks, without = [], []
    for pk, manager_id, first, last in participants.order_by("pk").values_list(
        "pk", "manager_id", "user__first_name", "user__last_name"
    ):
        if manager_id:
            pks.append(pk)
        else:
            without.append(f"{first} {last}".strip())
    return pks, without


def plan(job_id: int) -> int:
    """Split the job into parts and hand them to the workers; returns how many parts."""
    with transaction.atomic():
        job = RoundJob.objects.select_for_update().select_related("round").get(pk=job_id)
        if job.planned or job.status != RoundJob.Status.RUNNING:
            return 0
        if job.kind == RoundJob.Kind.OPEN:
            ids, without = _to_open(job.round)
            size = settings.JOB_OPEN_PART
            if without:
                job.note = _("No review for people without a manager: %(names)s.") % {
                    "names": ", ".join(without)
                }
        else:
            ids = list(concluded_reviews(job.round).values_list("pk", flat=True))
            size = settings.JOB_EXPORT_PART
        # An opening with no one new still has one part: it opens a draft round.
        chunks = list(batched(ids, size)) or [()]
        parts = JobPart.objects.bulk_create(
            JobPart(job=job, number=n, ids=list(chunk)) for n, chunk in enumerate(chunks)
        )
        job.total, job.planned, job.beat_at = len(ids), True, timezone.now()
        job.save(update_fields=["total", "planned", "beat_at", "note"])
        part_ids = [p.pk for p in parts]
        transaction.on_commit(lambda: [run_part_task.enqueue(pk) for pk in part_ids], robust=True)
    return len(part_ids)


def _claim(part_id: int) -> JobPart | None:
    claimed = JobPart.objects.filter(pk=part_id, status=JobPart.Status.PENDING).update(
        status=JobPart.Status.RUNNING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None  # another worker has it, or it is done
    return JobPart.objects.select_related("job__round", "job__started_by").get(pk=part_id)


def _complete(part: JobPart, failures: int = 0, note: str = "") -> None:
    JobPart.objects.filter(pk=part.pk).update(status=JobPart.Status.DONE)
    changes = {"done": F("done") + len(part.ids) - failures, "failures": F("failures") + failures}
    RoundJob.objects.filter(pk=part.job_id).update(**changes)
    if note:
        RoundJob.objects.filter(pk=part.job_id, note="").update(note=note[:2000])


def run_part(part_id: int) -> str:
    """Run one part if no one else has claimed it; then finish the job if it was the last."""
    part = _claim(part_id)
    if part is None:
        return "taken"
    try:
        if part.job.kind == RoundJob.Kind.OPEN:
            with transaction.atomic(), outbox.dispatch_held():
                services.open_round(part.job.round, only=part.ids)
                _complete(part)
        else:
            written = _export_part(part)
            with transaction.atomic():
                reads = ((pk, Role.HR) for pk in written)
                recording.read_many(reads, Action.EXPORTED_ROUND, actor=part.job.started_by)
                failed = len(part.ids) - len(written)
                _complete(part, failed, _("Some PDFs could not be written.") if failed else "")
    except Exception as error:
        logger.exception("Part %s of job %s failed", part.number, part.job_id)
        if part.attempts >= MAX_ATTEMPTS:
            with transaction.atomic():
                _complete(part, len(part.ids), f"{type(error).__name__}: {error}")
        else:
            JobPart.objects.filter(pk=part.pk).update(status=JobPart.Status.PENDING)
            _enqueue_later(run_part_task, part.pk, seconds=10 * 2**part.attempts)
            raise
    if not JobPart.objects.filter(job=part.job_id).exclude(status=JobPart.Status.DONE).exists():
        finish(part.job_id)
    return "done"


def _enqueue_later(task: Task, *args: int, seconds: int) -> None:
    if task.get_backend().supports_defer:
        task.using(run_after=timezone.now() + datetime.timedelta(seconds=seconds)).enqueue(*args)


def export_dir(job: RoundJob) -> Path:
    return Path(settings.EXPORT_DIR) / f"job-{job.pk}"


def _export_part(part: JobPart) -> list[int]:
    """Write the part's PDFs that are not in place yet; the reviews in place at the end."""
    directory = export_dir(part.job)
    directory.mkdir(parents=True, exist_ok=True)
    in_place = []
    reviews = concluded_reviews(part.job.round).filter(pk__in=part.ids)
    with translation.override(settings.LANGUAGE_CODE):
        for review in reviews:
            path = directory / record.export_filename(review)
            if not path.exists():
                html = record.review_html(review, record.hr_access(review))
                temporary = path.with_name(f".{uuid.uuid4().hex}.part")
                write_pdfs([(html, str(temporary))], settings.LANGUAGE_CODE)
                os.replace(temporary, path)
            in_place.append(review.pk)
            # A sign of life, so that no one takes the part over while it is being written.
            JobPart.objects.filter(pk=part.pk).update(claimed_at=timezone.now())
    return in_place


def archive_name(job: RoundJob) -> str:
    return f"round-{job.round_id}-job-{job.pk}.zip"


def download_name(job: RoundJob) -> str:
    return f"{slugify(job.round.name) or 'round'}-pdf.zip"


def _index(job: RoundJob) -> Iterator[tuple[str, Review]]:
    for review in concluded_reviews(job.round).iterator(chunk_size=500):
        yield record.export_filename(review), review


def finish(job_id: int, lease: int | None = None) -> bool:
    """End the job once every part is done: the export's zip and index; True if ended."""
    lease = settings.JOB_LEASE_SECONDS if lease is None else lease
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=lease)
    unfinished = JobPart.objects.filter(job=OuterRef("pk")).exclude(status=JobPart.Status.DONE)
    claimed = (
        RoundJob.objects.filter(pk=job_id, status=RoundJob.Status.RUNNING, planned=True)
        .exclude(Exists(unfinished))
        .exclude(finishing=True, beat_at__gte=stale)
        .update(finishing=True, beat_at=now)
    )
    if not claimed:
        return False
    job = RoundJob.objects.select_related("round").get(pk=job_id)
    if job.kind == RoundJob.Kind.OPEN and not job.failures and _more_to_open(job):
        return False
    changes: dict = {"status": RoundJob.Status.DONE, "finished_at": timezone.now()}
    if job.kind == RoundJob.Kind.OPEN:
        # Everyone's reviews exist: one fan-out sends each person one e-mail.
        dispatch_notices.enqueue()
    if job.kind == RoundJob.Kind.EXPORT:
        changes |= {
            "archive": _write_archive(job),
            "expires_at": timezone.now() + datetime.timedelta(days=settings.EXPORT_KEEP_DAYS),
        }
    RoundJob.objects.filter(pk=job.pk, status=RoundJob.Status.RUNNING).update(**changes)
    return True


def _more_to_open(job: RoundJob) -> bool:
    """People added to the round after the job was planned get their parts too."""
    ids, _without = _to_open(job.round)
    if not ids:
        return False
    with transaction.atomic():
        first = JobPart.objects.filter(job=job).count()
        parts = JobPart.objects.bulk_create(
            JobPart(job=job, number=first + n, ids=list(chunk))
            for n, chunk in enumerate(batched(ids, settings.JOB_OPEN_PART))
        )
        RoundJob.objects.filter(pk=job.pk).update(total=F("total") + len(ids), finishing=False)
        part_ids = [p.pk for p in parts]
        transaction.on_commit(lambda: [run_part_task.enqueue(pk) for pk in part_ids], robust=True)
    return True


def _write_archive(job: RoundJob) -> str:
    """The zip of the job's PDFs with index.csv; its files are removed once it is whole."""
    directory = export_dir(job)
    name = archive_name(job)
    final = Path(settings.EXPORT_DIR) / name
    temporary = final.with_name(f".{uuid.uuid4().hex}.part")
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(["file", "employee_number", "employee", "department", "manager"])
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_STORED) as archive:
        for n, (filename, review) in enumerate(_index(job)):
            path = directory / filename
            if not path.exists():
                continue  # could not be written: counted among the failures
            archive.write(path, filename)
            writer.writerow(
                [
                    filename,
                    review.employee.employee_number,
                    review.employee.name,
                    review.employee.department.name if review.employee.department else "",
                    review.manager.name,
                ]
            )
            if n % 500 == 0:
                RoundJob.objects.filter(pk=job.pk).update(beat_at=timezone.now())
        archive.writestr("index.csv", index.getvalue())
    os.replace(temporary, final)
    for path in directory.glob("*"):
        path.unlink(missing_ok=True)
    directory.rmdir()
    return name


def archive_path(job: RoundJob) -> Path | None:
    if job.archive and job.expires_at and job.expires_at > timezone.now():
        path = Path(settings.EXPORT_DIR) / job.archive
        if path.exists():
            return path
    return None


def revive(lease: int | None = None) -> dict[str, int]:
    """Hand work whose worker died (no sign of life for ``lease`` seconds) to the workers
    again, and delete the exports kept long enough. Run by every ``manage.py worker``."""
    lease = settings.JOB_LEASE_SECONDS if lease is None else lease
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=lease)
    counts = {"parts": 0, "plans": 0, "finishes": 0, "deleted": 0}
    stuck = datetime.timedelta(seconds=settings.NOTICE_STUCK_AFTER_SECONDS)
    counts["notices"] = sending.give_up_stale(now - stuck)
    # E-mail waiting with no task queued to send it (its fan-out was killed): fan out again.
    queued = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path__startswith="notifications."
    )
    waiting = Notice.objects.pending().filter(created_at__lt=stale)
    if waiting.exists() and not queued.exists():
        dispatch_notices.enqueue()
        counts["dispatched"] = 1
    for part_id in JobPart.objects.filter(
        status=JobPart.Status.RUNNING, claimed_at__lt=stale
    ).values_list("pk", flat=True):
        if JobPart.objects.filter(
            pk=part_id, status=JobPart.Status.RUNNING, claimed_at__lt=stale
        ).update(status=JobPart.Status.PENDING):
            run_part_task.enqueue(part_id)
            counts["parts"] += 1
    waiting = RoundJob.objects.filter(status=RoundJob.Status.RUNNING, beat_at__lt=stale)
    for job_id, planned in waiting.values_list("pk", "planned"):
        # The stamp keeps the next revive from enqueuing it again while it is run.
        if not RoundJob.objects.filter(pk=job_id, beat_at__lt=stale).update(beat_at=now):
            continue
        if not planned:
            plan_job.enqueue(job_id)
            counts["plans"] += 1
        elif not JobPart.objects.filter(job=job_id).exclude(status=JobPart.Status.DONE).exists():
            finish_job.enqueue(job_id)
            counts["finishes"] += 1
    for job in RoundJob.objects.exclude(archive="").filter(expires_at__lt=now):
        (Path(settings.EXPORT_DIR) / job.archive).unlink(missing_ok=True)
        RoundJob.objects.filter(pk=job.pk).update(archive="")
        counts["deleted"] += 1
    return counts


def latest(round_: Round) -> list[RoundJob]:
    """For the round's page: the newest job of each kind."""
    jobs: dict[str, RoundJob] = {}
    for job in RoundJob.objects.filter(round=round_).order_by("-started_at", "-pk")[:20]:
        jobs.setdefault(job.kind, job)
    return list(jobs.values())


def estimate(job: RoundJob) -> datetime.timedelta | None:
    """Time left at the pace so far; None until there is a pace to go by."""
    if job.status != RoundJob.Status.RUNNING or not job.done or not job.total:
        return None
    elapsed = timezone.now() - job.started_at
    return elapsed * (job.total - job.done - job.failures) / job.done


# The tasks (django.tasks): in production they wait in the database for ``manage.py
# worker``; each is safe to run twice or to be killed, as the module's docstring says.


@task
def plan_job(job_id: int) -> int:
    return plan(job_id)


@task
def run_part_task(part_id: int) -> str:
    return run_part(part_id)


@task
def finish_job(job_id: int) -> bool:
    return finish(job_id)
