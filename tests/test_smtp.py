"""E-mail through a real SMTP server on loopback (aiosmtpd): what arrives is counted and
parsed; a server that cannot be reached is tried again with a growing pause, then the
e-mail is marked failed and shown to HR, never silently dropped."""

import datetime
import time
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bench.smtp_sink import SmtpSink, _free_port
from notifications import sending
from notifications.models import Notice
from reviews import services
from tests.conftest import make_person, make_round

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.datetime(2027, 1, 4, 8, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def smtp_to(settings, port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


def run_worker():
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0",
        verbosity=0, stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip


@pytest.fixture
def opened(kl_catalogue, kl_questions, office, manager):
    people = [make_person(f"ansat{n:02}", office, manager=manager) for n in range(8)]
    round_ = make_round(kl_catalogue, kl_questions)
    round_.departments.add(office)
    with time_machine.travel(START, tick=False):
        services.open_round(round_)
    return round_, people


def test_each_opening_email_arrives_once_as_valid_mime_to_its_recipient(opened, manager, settings):
    _round, people = opened
    with SmtpSink() as sink, time_machine.travel(START, tick=False):
        smtp_to(settings, sink.port)
        run_worker()
        run_worker()  # a second run sends nothing again
    received = sink.inbox.received
    # One for each employee, and one for the manager listing the talks they lead.
    expected = {p.user.email for p in people} | {manager.user.email}
    assert len(received) == len(expected) == 9
    for item in received:
        message = item.message()  # parses as MIME
        assert message["To"].addresses[0].addr_spec == item.recipients[0]
        assert message["Subject"] and message.get_body(("plain",)) is not None
    assert sorted(r.recipients[0] for r in received) == sorted(expected)
    assert set(Notice.objects.values_list("status", flat=True)) == {Notice.Status.SENT}


def test_an_unreachable_server_is_tried_again_with_backoff_then_shown_to_hr_as_failed(
    opened, manager, settings, client, hr_user, monkeypatch
):
    round_, _people = opened
    monkeypatch.setattr(sending, "BACKOFF_SECONDS", 1)  # 1, then 2 seconds (a minute, then 2)
    smtp_to(settings, _free_port())  # nothing listens there
    anne = Notice.objects.filter(recipient__user__username="ansat00")
    run_worker()
    assert [(n.status, n.attempts) for n in anne.all()] == [(Notice.Status.PENDING, 1)]
    assert "refused" in anne.get().note.lower()
    run_worker()  # the next try waits for its pause
    assert anne.get().attempts == 1
    time.sleep(1.2)
    run_worker()
    assert anne.get().attempts == 2
    run_worker()
    assert anne.get().attempts == 2
    time.sleep(2.2)
    run_worker()
    assert [(n.status, n.attempts) for n in anne.all()] == [(Notice.Status.FAILED, 3)]
    time.sleep(1.2)
    run_worker()  # given up: no further try
    assert anne.get().attempts == 3

    client.force_login(hr_user)
    page = client.get(reverse("round_detail", args=[round_.pk])).content.decode()
    assert "Kunne ikke sendes" in page
    assert Notice.objects.exclude(status=Notice.Status.FAILED).count() == 0


def test_a_recipient_the_server_refuses_is_tried_again_alone(
    opened, manager, settings, monkeypatch
):
    """One batch over one connection: the server refuses one address (550). The others
    arrive; only the refused one's notice waits, in a retry task of its own."""
    _round, people = opened
    monkeypatch.setattr(sending, "BACKOFF_SECONDS", 1)
    ansat03 = people[3]
    everyone_else = {p.user.email for p in people if p != ansat03} | {manager.user.email}
    with SmtpSink() as sink:
        smtp_to(settings, sink.port)
        sink.inbox.refuse.add(ansat03.user.email)
        run_worker()
        first = sorted(r.recipients[0] for r in sink.inbox.received)
        assert first == sorted(everyone_else)
        notice = Notice.objects.get(recipient=ansat03)
        assert (notice.status, notice.attempts) == (Notice.Status.PENDING, 1)
        assert "No such user" in notice.note
        assert set(Notice.objects.exclude(recipient=ansat03).values_list("status", flat=True)) == {
            Notice.Status.SENT
        }
        retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        assert (retry.task_path, retry.args_kwargs["args"]) == (
            "notifications.tasks.send_batch",
            [[ansat03.pk]],
        )

        sink.inbox.refuse.clear()  # the address is known now
        time.sleep(1.2)
        run_worker()
    again = [r.recipients[0] for r in sink.inbox.received[len(first) :]]
    assert again == [ansat03.user.email]
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Notice.Status.SENT, 2)
