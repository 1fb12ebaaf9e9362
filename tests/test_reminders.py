"""E-mail when a round opens and reminders to prepare: who, when, what, and only once.

Time is moved forward with time-machine through a round's whole schedule; the daily
command runs twice a day, and tasks run at once (the worker itself is tested in
test_task_worker.py).
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from notifications import outbox, sending
from notifications.models import Notice
from reviews import preparation, services
from reviews.access import access_to
from reviews.models import Round
from tests.conftest import make_person, make_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_at_once")]

DEADLINE = datetime.date(2027, 2, 1)


def at(day: datetime.date, hour=7):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, 0), tick=False)


@pytest.fixture
def open_on(kl_catalogue, kl_questions, office, django_capture_on_commit_callbacks):
    """Open a round for the office on a given day; the opening's e-mails go out."""

    def open_(day=datetime.date(2027, 1, 4), **fields):
        round_ = make_round(kl_catalogue, kl_questions, **fields)
        round_.departments.add(office)
        with at(day), django_capture_on_commit_callbacks(execute=True):
            services.open_round(round_)
        return round_

    return open_


def sent() -> list[tuple[str, str]]:
    """(login, subject) of each e-mail in the outbox."""
    return sorted((m.to[0].split("<")[1].split("@")[0], m.subject) for m in mail.outbox)


def run_day(day: datetime.date) -> list[tuple[str, str]]:
    """The daily command, twice: the e-mails it sent that day."""
    mail.outbox.clear()
    with at(day):
        call_command("send_reminders", stdout=StringIO())
        call_command("send_reminders", stdout=StringIO())
    return sent()


def share(review, person):
    user = person.user
    access = access_to(user, review)
    preparation.share(access)


def test_the_schedule_of_a_round_by_default():
    round_ = Round(
        preparation_deadline=DEADLINE,
        talks_start=datetime.date(2027, 2, 8),
        talks_end=datetime.date(2027, 3, 31),
    )
    assert round_.reminder_days_before == "14,2"
    dates = [f"{d:%m-%d}" for d in round_.reminder_dates()]
    # 14 and 2 days before, the day after, then weekly while the talks' window lasts.
    assert dates == [
        "01-18", "01-30", "02-02", "02-09", "02-16", "02-23", "03-02", "03-09", "03-16",
        "03-23", "03-30",
    ]  # fmt: skip
    assert round_.reminder_due_on(datetime.date(2027, 1, 17)) is None
    assert round_.reminder_due_on(datetime.date(2027, 1, 29)) == datetime.date(2027, 1, 18)
    round_.reminder_days_before, round_.overdue_reminder_every = "", None
    assert [f"{d:%m-%d}" for d in round_.reminder_dates()] == ["02-02"]


def test_a_round_through_its_whole_schedule(open_on, employee, colleague, manager, mailoutbox):
    """Anne shares early, Mette shares both late, Bo shares only when overdue. Every
    day from the opening to after the talks is run twice; these e-mails, no others."""
    day = datetime.date(2027, 1, 4)
    round_ = open_on(day)
    by_day = {day: sent()}
    anne_review = round_.reviews.get(employee=employee)
    bo_review = round_.reviews.get(employee=colleague)
    actions = {
        datetime.date(2027, 1, 25): lambda: share(anne_review, employee),
        datetime.date(2027, 2, 5): lambda: (share(anne_review, manager), share(bo_review, manager)),
        datetime.date(2027, 2, 12): lambda: share(bo_review, colleague),
    }
    day += datetime.timedelta(days=1)
    while day <= datetime.date(2027, 4, 10):
        if day in actions:
            with at(day, hour=12):
                actions[day]()
        if mails := run_day(day):
            by_day[day] = mails
        day += datetime.timedelta(days=1)

    reminder = "Påmindelse: Forbered din MUS senest 1. februar 2027"
    overdue = "Din forberedelse til MUS skulle have været klar 1. februar 2027"
    assert by_day == {
        datetime.date(2027, 1, 4): [
            ("anne", "Din MUS i MUS 2027"),
            ("bo", "Din MUS i MUS 2027"),
            ("mette", "MUS 2027: de 2 MUS-samtaler, du skal holde"),
        ],
        datetime.date(2027, 1, 18): [
            ("anne", reminder),
            ("bo", reminder),
            ("mette", "Påmindelse: Forbered dig til 2 MUS-samtaler senest 1. februar 2027"),
        ],
        datetime.date(2027, 1, 30): [
            ("bo", reminder),
            ("mette", "Påmindelse: Forbered dig til 2 MUS-samtaler senest 1. februar 2027"),
        ],
        datetime.date(2027, 2, 2): [
            ("bo", overdue),
            (
                "mette",
                "Din forberedelse til 2 MUS-samtaler skulle have været klar 1. februar 2027",
            ),
        ],
        datetime.date(2027, 2, 9): [("bo", overdue)],
    }
    assert Notice.objects.filter(status=Notice.Status.SENT).count() == 3 + 4 + 3 + 3 + 1


def test_the_manager_of_many_gets_one_email_listing_them(
    open_on, office, manager, mailoutbox, django_assert_max_num_queries
):
    for i in range(25):
        make_person(f"person{i:02}", office, manager=manager, first_name=f"Person {i:02}")
    round_ = open_on()
    mailoutbox.clear()
    with at(datetime.date(2027, 1, 18)):
        outbox.queue_due_reminders(datetime.date(2027, 1, 18))
        with django_assert_max_num_queries(12):
            sending.send_pending(manager.pk)
    (letter,) = mailoutbox
    assert letter.subject == "Påmindelse: Forbered dig til 25 MUS-samtaler senest 1. februar 2027"
    for i in range(25):
        review = round_.reviews.get(employee__user__username=f"person{i:02}")
        assert f"- Person {i:02}: http://127.0.0.1:8000/reviews/{review.public_id}/prepare/" in (
            letter.body
        )


def test_the_employee_only_is_reminded_when_only_the_employee_prepares(
    open_on, employee, manager, mailoutbox
):
    open_on(mode=Round.Mode.EMPLOYEE_ONLY)
    assert run_day(datetime.date(2027, 1, 18)) == [
        ("anne", "Påmindelse: Forbered din MUS senest 1. februar 2027")
    ]


def test_nobody_is_reminded_to_prepare_when_nobody_fills_in(open_on, employee, manager, mailoutbox):
    round_ = open_on(mode=Round.Mode.NONE)
    (told,) = [m for m in mailoutbox if "anne" in m.to[0]]
    assert "Din leder indkalder dig til samtalen." in told.body
    assert f"/reviews/{round_.reviews.get(employee=employee).public_id}/" in told.body
    for day in (datetime.date(2027, 1, 18), datetime.date(2027, 2, 2)):
        assert run_day(day) == []
