"""HR's bulk work on a round, done in the background by the task workers: opening (or
widening) it, and exporting its concluded reviews as PDFs for the personnel files.

A job is split into parts of a few hundred people or a few dozen reviews. A worker runs
a part only after claiming it (pending → running, one conditional UPDATE), so two
workers never run the same part; a part whose worker died (no heartbeat for a lease)
goes back to pending and is run again, which is harmless: see ``hr.jobs``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models import Round


class RoundJob(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", _("Creating the reviews")
        EXPORT = "export", _("PDFs for the personnel files")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Planned: the parts exist and ``total`` is known. Until then a worker plans the job.
    planned = models.BooleanField(default=False)
    # Someone is building the end of the job (the zip); taken over when beat_at is stale.
    finishing = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    # For HR: who got no review (no manager), or why the job failed.
    note = models.TextField(blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    # The last sign of life of whoever plans or finishes the job.
    beat_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The export's zip, a name in settings.EXPORT_DIR, until expires_at.
    archive = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A second opening or export of the same round joins the running one.
            models.UniqueConstraint(
                fields=["round", "kind"],
                condition=Q(status="running"),
                name="one_running_job_per_round_and_kind",
            )
        ]
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.round} · {self.kind} · {self.done}/{self.total} · {self.status}"


class JobPart(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    job = models.ForeignKey(RoundJob, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    # The people to give a review (opening) or the reviews to write (export).
    ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="one_part_number")]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.number} · {self.status}"
