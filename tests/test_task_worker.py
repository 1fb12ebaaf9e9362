"""The production path: tasks wait in the database (django-tasks-db) until `db_worker` runs.

The worker runs in batch mode (everything ready, then it stops), so each run is bounded.
Transactional tests: the worker opens and commits transactions of its own.
"""

import datetime
import smtplib
import threading
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from notifications.models import Notice
from notifications.tasks import send_batch, send_notices
from reviews import services
from reviews.models import Round
from tests.conftest import make_person, make_round

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def at(year, month, day, hour=7):
    return time_machine.travel(datetime.datetime(year, month, day, hour), tick=False)


def run_worker():
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--interval=0",
        verbosity=0,
        stdout=StringIO(),
    )


def send_reminders() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("send_reminders", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def recipients() -> list[str]:
    return sorted(m.to[0].split("<")[1].split("@")[0] for m in mail.outbox)


@pytest.fixture
def opened(kl_catalogue, kl_questions, office, employee, colleague, manager, mailoutbox):
    round_ = make_round(kl_catalogue, kl_questions)
    round_.departments.add(office)
    with at(2027, 1, 4):
        services.open_round(round_)
    return round_


def test_the_worker_sends_each_email_once_however_often_it_runs(opened, employee, manager):
    # Opening the round enqueued one task that fans out; nothing is sent without the worker.
    assert list(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("notifications.tasks.dispatch_notices", TaskResultStatus.READY)
    ]
    assert mail.outbox == []

    with at(2027, 1, 4, hour=8):
        run_worker()
        assert recipients() == ["anne", "bo", "mette"]
        run_worker()
        # The same people's tasks enqueued again, as by a second daily run or a retry.
        send_notices.enqueue(manager.pk)
        send_notices.enqueue(employee.pk)
        run_worker()
    assert recipients() == ["anne", "bo", "mette"]
    # The fan-out, its one batch of three people, and the two single tasks.
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1 + 1 + 2

    mail.outbox.clear()
    with at(2027, 1, 18):
        out, _err = send_reminders()
        assert "4 reminders queued; e-mails to 3 people enqueued" in out
        assert mail.outbox == []
        run_worker()
        assert recipients() == ["anne", "bo", "mette"]
        out, _err = send_reminders()
        assert "0 reminders queued; e-mails to 0 people enqueued" in out
        run_worker()
    assert recipients() == ["anne", "bo", "mette"]


def test_a_reminder_no_longer_needed_when_the_worker_comes_is_not_sent(opened, employee, colleague):
    from reviews import preparation
    from reviews.access import access_to

    with at(2027, 1, 4, hour=8):
        run_worker()
    mail.outbox.clear()
    with at(2027, 1, 18):
        send_reminders()
        # Bo shares before the worker gets to his reminder.
        review = opened.reviews.get(employee=colleague)
        preparation.share(access_to(colleague.user, review))
        run_worker()
    assert recipients() == ["anne", "mette"]
    skipped = Notice.objects.get(recipient=colleague, kind=Notice.Kind.REMINDER)
    assert (skipped.status, skipped.note) == (Notice.Status.SKIPPED, "prepared")


def test_a_refused_email_is_tried_again_by_the_next_run_then_given_up(
    opened, employee, monkeypatch
):
    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"anne@kommune.example.dk": (550, b"No such user")})

    with at(2027, 1, 4, hour=8):
        run_worker()
    mail.outbox.clear()
    with at(2027, 1, 18), monkeypatch.context() as refusing:
        refusing.setattr(EmailBackend, "send_messages", refuse)
        send_reminders()
        run_worker()
    notice = Notice.objects.get(recipient=employee, kind=Notice.Kind.REMINDER)
    assert (notice.status, notice.attempts) == (Notice.Status.PENDING, 1)
    assert "No such user" in notice.note
    # The one batch task says it failed, and has queued the three for a try after a pause.
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert set(retry.args_kwargs["args"][0]) == set(
        Notice.objects.filter(occasion="2027-01-18").values_list("recipient_id", flat=True)
    )

    with at(2027, 1, 19):  # the next daily run sends it, once
        send_reminders()
        run_worker()
        send_reminders()
        run_worker()
    assert recipients() == ["anne", "bo", "mette"]
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Notice.Status.SENT, 2)

    # A notice refused three times is given up and shown to HR as failed.
    mail.outbox.clear()
    with monkeypatch.context() as refusing:
        refusing.setattr(EmailBackend, "send_messages", refuse)
        for day in (30, 31):
            with at(2027, 1, day):
                send_reminders()
                run_worker()
        with at(2027, 2, 1):
            send_reminders()
            run_worker()
    assert mail.outbox == []
    failed = Notice.objects.get(recipient=employee, occasion="2027-01-30")
    assert (failed.status, failed.attempts) == (Notice.Status.FAILED, 3)


def test_a_worker_that_dies_mid_send_never_sends_twice(opened, employee, monkeypatch):
    """Killed while the server has an e-mail: whether it got it is unknown, so it is not
    sent again (at most once), and the daily run reports it. The rest of the batch was
    never claimed: the next run sends it."""

    def die(self, messages):
        raise SystemExit("killed")

    with at(2027, 1, 4, hour=8), monkeypatch.context() as dying:
        dying.setattr(EmailBackend, "send_messages", die)
        run_worker()
    unknown = Notice.objects.filter(status=Notice.Status.SENDING)
    (lost,) = {n.recipient.user.username for n in unknown}  # the one e-mail under way
    assert Notice.objects.filter(status=Notice.Status.PENDING).count() == 4 - unknown.count()

    with at(2027, 1, 4, hour=11):
        _out, err = send_reminders()
        run_worker()
    assert recipients() == sorted({"anne", "bo", "mette"} - {lost})
    assert f"{unknown.count()} notices were claimed over an hour ago and never settled" in err
    assert unknown.count() == Notice.objects.exclude(status=Notice.Status.SENT).count()


def test_the_same_batch_run_twice_sends_each_email_once(opened, employee, colleague, manager):
    people = [employee.pk, colleague.pk, manager.pk]
    with at(2027, 1, 4, hour=8):
        # Besides the opening's own fan-out: the same batch twice, as a retry beside a run.
        send_batch.enqueue(people)
        send_batch.enqueue(people)
        run_worker()
        send_batch.enqueue(people)
        run_worker()
    assert recipients() == ["anne", "bo", "mette"]
    assert set(Notice.objects.values_list("status", flat=True)) == {Notice.Status.SENT}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL's row locks"
)
@pytest.mark.parametrize("batches", [False, True], ids=["per person", "the same batch"])
def test_two_workers_at_once_send_each_email_once(kl_catalogue, kl_questions, office, batches):
    managers = [make_person(f"leder{m}", office) for m in range(3)]
    for n in range(30):
        make_person(f"ansat{n:02}", office, manager=managers[n % 3])
    round_ = make_round(kl_catalogue, kl_questions, mode=Round.Mode.BOTH)
    round_.departments.add(office)
    with at(2027, 1, 4):
        services.open_round(round_)
        # Everyone's task enqueued twice over, so both workers have the same work.
        people = sorted(set(Notice.objects.values_list("recipient_id", flat=True)))
        for _twice in range(2):
            if batches:
                send_batch.enqueue(people)
            else:
                for person_id in people:
                    send_notices.enqueue(person_id)

        def work():
            try:
                Worker(
                    queue_names=["default"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=threading.current_thread().name,
                    excluded_queue_names=[],
                ).run()
            finally:
                connection.close()

        workers = [threading.Thread(target=work, name=f"worker-{i}") for i in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
    ran_by = list(DBTaskResult.objects.values_list("worker_ids", flat=True))
    assert {worker for ids in ran_by for worker in ids} == {"worker-0", "worker-1"}
    # 30 employees and 3 managers (each one e-mail listing their 10), exactly once.
    people = recipients()
    assert len(people) == 33
    assert len(set(people)) == 33
    assert DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).count() == 0
