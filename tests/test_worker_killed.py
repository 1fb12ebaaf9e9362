"""Real worker processes (``manage.py worker``), killed with SIGKILL in the middle of each
bulk job: opening a round, sending its e-mails, exporting its PDFs. Another worker (a
fresh process, as after a restart) finishes the job, and nothing is missing or done twice.

The workers share the test database with the test, so it is PostgreSQL's (committed
data, several processes); SQLite's test database lives in the test's memory.
"""

import collections
import datetime
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F

from bench.smtp_sink import SmtpSink
from hr import jobs
from hr.models import JobPart, RoundJob
from notifications.models import Notice
from reviews.models import Review, State
from tests.conftest import make_person, make_round
from trail.models import Action, ReviewEvent

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="worker processes beside the test need a database they all see: PostgreSQL",
    ),
]


def database_url() -> str:
    s = connection.settings_dict
    password = f":{urllib.parse.quote(s['PASSWORD'])}" if s["PASSWORD"] else ""
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{s['USER']}{password}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    def __init__(self, tmp_path: Path, smtp_url: str):
        self.env = os.environ | {
            "DATABASE_URL": database_url(),
            "ENV_FILE": "",
            "DEBUG": "1",
            "SECRET_KEY": "worker-killed-test-key-0123456789-0123456789-0123456789",
            "CONN_MAX_AGE": "0",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_URL": smtp_url,
            "EXPORT_DIR": str(tmp_path / "exports"),
            "JOB_OPEN_PART": "2",
            "JOB_EXPORT_PART": "2",
            "JOB_LEASE_SECONDS": "2",
            "NOTICE_STUCK_AFTER_SECONDS": "2",
            "LOG_LEVEL": "WARNING",
        }
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"]
        command += ["--interval", "0.1", "--revive-every", "0.5"]
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(10)


@pytest.fixture
def sink():
    with SmtpSink(delay=0.1) as server:
        yield server


@pytest.fixture
def workers(tmp_path, sink, settings):
    settings.EXPORT_DIR = tmp_path / "exports"
    pool = Workers(tmp_path, sink.url)
    yield pool
    pool.stop()


def wait_until(condition, timeout=90.0, what="") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def big_round(kl_catalogue, kl_questions, office, manager):
    people = [make_person(f"ansat{n:02}", office, manager=manager) for n in range(40)]
    round_ = make_round(kl_catalogue, kl_questions)
    round_.departments.add(office)
    return round_, people


def test_a_worker_killed_while_opening_a_round_creates_nothing_twice(
    big_round, workers, hr_user, sink
):
    round_, people = big_round
    job, _joined = jobs.start(round_, RoundJob.Kind.OPEN, hr_user)
    first = workers.start()
    done = JobPart.objects.filter(job=job, status=JobPart.Status.DONE)
    wait_until(lambda: done.count() >= 3, what="some parts done")
    workers.kill(first)
    assert RoundJob.objects.get(pk=job.pk).status == RoundJob.Status.RUNNING, "killed too late"

    workers.start()  # another worker, or the same restarted
    wait_until(
        lambda: RoundJob.objects.get(pk=job.pk).status == RoundJob.Status.DONE, what="the job"
    )
    reviews = Review.objects.filter(round=round_)
    assert reviews.count() == len(people)
    assert reviews.values("employee").distinct().count() == len(people)
    job.refresh_from_db()
    assert (job.done, job.total, job.failures) == (len(people), len(people), 0)
    # One "round opened" notice per party of each review, never two.
    assert Notice.objects.filter(kind=Notice.Kind.OPENED).count() == 2 * len(people)


def test_a_worker_killed_while_sending_sends_nothing_twice_and_drops_nothing_silently(
    big_round, workers, sink, manager
):
    round_, people = big_round
    from reviews import services

    services.open_round(round_)  # commits: the e-mails wait for a worker
    first = workers.start()
    wait_until(lambda: sink.inbox.count() >= 8, what="some e-mails")
    workers.kill(first)
    assert sink.inbox.count() < len(people) + 1, "killed too late"

    workers.start()
    unsettled = Notice.objects.filter(status__in=[Notice.Status.PENDING, Notice.Status.SENDING])
    wait_until(lambda: not unsettled.exists(), what="every notice settled")
    per_recipient = collections.Counter(r.recipients[0] for r in sink.inbox.received)
    assert max(per_recipient.values()) == 1, "an e-mail was sent twice"
    failed = Notice.objects.filter(status=Notice.Status.FAILED)
    everyone = {p.user.email for p in people} | {manager.user.email}
    # Each person got their e-mail, or HR sees it failed (the one the killed worker held:
    # whether the server got it is unknown, so it is not sent again).
    told = set(per_recipient) | {
        n.recipient.user.email for n in failed.select_related("recipient__user")
    }
    assert told == everyone
    assert failed.values("recipient").distinct().count() <= 1
    assert all("not known whether it arrived" in n.note for n in failed)
    for item in sink.inbox.received:
        assert item.message()["To"].addresses[0].addr_spec == item.recipients[0]


def test_a_worker_killed_while_exporting_leaves_no_pdf_missing_or_twice(
    big_round, workers, hr_user, tmp_path
):
    round_, people = big_round
    from reviews import services

    services.open_round(round_)
    Notice.objects.update(status=Notice.Status.SENT)  # the e-mails are not this test's
    concluded = people[:12]
    Review.objects.filter(round=round_, employee__in=concluded).update(
        state=State.CONCLUDED,
        talk_manager=F("manager"),
        confirmed_at=datetime.datetime(2027, 3, 2, 9, tzinfo=datetime.UTC),
    )
    job, _joined = jobs.start(round_, RoundJob.Kind.EXPORT, hr_user)
    first = workers.start()
    folder = tmp_path / "exports" / f"job-{job.pk}"
    wait_until(lambda: folder.exists() and len(list(folder.glob("*.pdf"))) >= 3, what="PDFs")
    workers.kill(first)
    assert RoundJob.objects.get(pk=job.pk).status == RoundJob.Status.RUNNING, "killed too late"

    workers.start()
    wait_until(
        lambda: RoundJob.objects.get(pk=job.pk).status == RoundJob.Status.DONE, what="the job"
    )
    job.refresh_from_db()
    assert (job.done, job.total, job.failures) == (12, 12, 0)
    names = zipfile.ZipFile(jobs.archive_path(job)).namelist()
    assert len(names) == len(set(names)) == 13  # twelve PDFs and the index
    numbers = {p.employee_number for p in concluded}
    assert {n.split("-")[0] for n in names if n.endswith(".pdf")} == numbers
    # HR's read of each record is on its trail once, however often a part ran.
    exported = ReviewEvent.objects.filter(action=Action.EXPORTED_ROUND)
    assert exported.count() == exported.values("review").distinct().count() == 12
    assert not list((tmp_path / "exports").glob("**/.*.part"))
