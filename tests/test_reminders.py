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
from django.core.management import CommandError, call_command

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
        round_.refresh_from_db()
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
    # One notice per person and review: Mette's e-mails each carry two.
    assert Notice.objects.filter(status=Notice.Status.SENT).count() == 4 + 4 + 3 + 3 + 1
    assert not Notice.objects.exclude(status=Notice.Status.SENT).exists()


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
            sending.send_pending([manager.pk])
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


def test_a_reminder_missed_while_nothing_ran_is_sent_late_but_only_the_latest(
    open_on, employee, colleague, manager, mailoutbox
):
    open_on()
    # Nothing ran from 17 January to 3 February: one reminder, the overdue one, not three.
    assert run_day(datetime.date(2027, 2, 3)) == [
        ("anne", "Din forberedelse til MUS skulle have været klar 1. februar 2027"),
        ("bo", "Din forberedelse til MUS skulle have været klar 1. februar 2027"),
        ("mette", "Din forberedelse til 2 MUS-samtaler skulle have været klar 1. februar 2027"),
    ]
    assert run_day(datetime.date(2027, 2, 4)) == []


def test_someone_added_to_an_open_round_is_told_and_then_reminded_on_the_next_day(
    open_on, office, manager, mailoutbox, django_capture_on_commit_callbacks
):
    round_ = open_on()
    dina = make_person("dina", office, manager=manager, first_name="Dina")
    mailoutbox.clear()
    with at(datetime.date(2027, 1, 18), hour=9), django_capture_on_commit_callbacks(execute=True):
        services.add_participants(round_, [], [dina])
    assert sent() == [
        ("dina", "Din MUS i MUS 2027"),
        ("mette", "MUS 2027: den MUS-samtale, du skal holde"),
    ]
    # The reminders of that day are not for Dina: she has just been told.
    assert ("dina", "Påmindelse: Forbered din MUS senest 1. februar 2027") not in run_day(
        datetime.date(2027, 1, 18)
    )
    assert ("dina", "Påmindelse: Forbered din MUS senest 1. februar 2027") in run_day(
        datetime.date(2027, 1, 30)
    )


def test_a_closed_round_reminds_no_one(open_on, employee, mailoutbox):
    round_ = open_on()
    services.close_round(round_)
    assert run_day(datetime.date(2027, 1, 18)) == []


def test_two_claims_of_the_same_notices_get_them_once(open_on, employee, colleague, manager):
    open_on(day=datetime.date(2027, 1, 4))
    Notice.objects.update(status=Notice.Status.PENDING)
    mettes = list(Notice.objects.filter(recipient=manager).values_list("pk", flat=True))
    assert sending.claim("first", mettes) == 2
    assert sending.claim("second", mettes) == 0
    assert set(Notice.objects.filter(pk__in=mettes).values_list("claim", flat=True)) == {"first"}


def test_the_claim_of_the_next_email_records_the_last_one_as_sent(open_on, employee, manager):
    open_on(day=datetime.date(2027, 1, 4))
    Notice.objects.update(status=Notice.Status.PENDING, attempts=0)
    annes = list(Notice.objects.filter(recipient=employee).values_list("pk", flat=True))
    mettes = list(Notice.objects.filter(recipient=manager).values_list("pk", flat=True))
    assert sending.claim("run", annes) == 1
    assert sending.claim("run", mettes, sent=annes) == 1
    states = {n.recipient_id: (n.status, n.attempts) for n in Notice.objects.all()}
    assert states == {
        employee.pk: (Notice.Status.SENT, 1),
        manager.pk: (Notice.Status.SENDING, 1),
    }
    assert Notice.objects.get(recipient=employee).sent_at is not None


def test_a_batch_costs_one_query_per_email_and_three_besides(
    open_on, office, manager, other_manager, mailoutbox, django_assert_max_num_queries
):
    """However many people and notices: one read, one look at who has shared, and one
    write per e-mail (which records the one before as sent) and one at the end."""
    for i in range(30):
        make_person(f"person{i:02}", office, manager=manager if i % 2 else other_manager)
    open_on()
    mailoutbox.clear()
    with at(datetime.date(2027, 1, 18)):
        outbox.queue_due_reminders(datetime.date(2027, 1, 18))
        people = set(Notice.objects.pending().values_list("recipient_id", flat=True))
        assert len(people) == 30 + 1 + 2  # the 30, Dorte, and their managers Mette and Lars
        with django_assert_max_num_queries(len(people) + 3):
            assert sending.send_pending(people) == {"sent": len(people), "skipped": 0}
    assert len(mailoutbox) == len(people)
    assert not Notice.objects.exclude(status=Notice.Status.SENT).exists()


def test_someone_without_an_email_address_is_skipped_and_the_rest_are_told(
    open_on, employee, colleague, mailoutbox
):
    colleague.user.email = ""
    colleague.user.save()
    open_on()
    assert [login for login, _subject in sent()] == ["anne", "mette"]
    skipped = Notice.objects.get(recipient=colleague)
    assert (skipped.status, skipped.note) == (Notice.Status.SKIPPED, "no e-mail address")


def test_a_reminder_follows_the_review_to_its_new_manager(
    open_on, employee, colleague, manager, other_manager, hr_user, mailoutbox
):
    round_ = open_on()
    review = round_.reviews.get(employee=employee)
    with at(datetime.date(2027, 1, 18)):
        outbox.queue_due_reminders(datetime.date(2027, 1, 18))
    services.move_to_manager(access_to(hr_user, review), other_manager, "Ny organisering")
    mailoutbox.clear()
    with at(datetime.date(2027, 1, 18)):
        sending.send_pending([manager.pk])
    # Mette is no longer Anne's manager: her e-mail lists only Bo.
    (letter,) = mailoutbox
    assert "Anne" not in letter.body
    assert "- Bo: " in letter.body
    note = Notice.objects.get(review=review, party="manager", occasion="2027-01-18").note
    assert note == "no longer a party to the review"


def test_a_new_manager_is_reminded_though_the_old_one_had_shared(
    open_on, employee, manager, other_manager, hr_user, mailoutbox
):
    """Mette's sharing was her own: Lars, who took the review over, has not prepared."""
    round_ = open_on()
    review = round_.reviews.get(employee=employee)
    preparation.share(access_to(manager.user, review))
    services.move_to_manager(access_to(hr_user, review), other_manager, "Ny organisering")
    mailoutbox.clear()
    with at(datetime.date(2027, 1, 18)):
        call_command("send_reminders", stdout=StringIO())
    (to_lars,) = [m for m in mailoutbox if "lars@" in m.to[0]]
    assert "- Anne Andersen: " in to_lars.body


def test_emails_carry_no_contents_of_the_talk(open_on, employee, manager, mailoutbox):
    from competencies.models import Question

    round_ = open_on()
    review = round_.reviews.get(employee=employee)
    access = access_to(employee.user, review)
    question = Question.objects.filter(theme__question_set=round_.question_set).first()
    preparation.save_answer(access, question, "Mit fortrolige svar om min leder", 0)
    with at(datetime.date(2027, 1, 18)):
        call_command("send_reminders", stdout=StringIO())
    bodies = " ".join(m.subject + m.body for m in mailoutbox)
    assert "Påmindelse" in bodies
    assert "fortrolige" not in bodies


def test_the_emails_are_danish_name_the_recipient_and_link_to_the_page_to_act_on(
    open_on, employee, manager, mailoutbox
):
    round_ = open_on()
    review = round_.reviews.get(employee=employee)
    letter = next(m for m in mailoutbox if m.to == ["Anne Andersen <anne@kommune.example.dk>"])
    assert letter.body.startswith("Kære Anne Andersen\n\n")
    assert "HR har åbnet runden MUS 2027" in letter.body
    assert "Forbered dig senest mandag 1. februar 2027" in letter.body
    assert f"Forbered dig her: http://127.0.0.1:8000/reviews/{review.public_id}/prepare/" in (
        letter.body
    )
    assert letter.extra_headers["Auto-Submitted"] == "auto-generated"
    assert letter.from_email == "MUS <mus@localhost>"


def test_links_use_the_site_url(open_on, employee, mailoutbox, settings):
    settings.SITE_URL = "https://mus.kommune.dk"
    open_on()
    assert all("https://mus.kommune.dk/reviews/" in m.body for m in mailoutbox)


def test_the_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "18-01-2027")


def test_the_command_runs_for_a_given_day(open_on, employee, colleague, mailoutbox):
    open_on()
    mailoutbox.clear()
    out = StringIO()
    with at(datetime.date(2027, 1, 18)):
        call_command("send_reminders", "--today", "2027-01-30", stdout=out)
    assert out.getvalue().startswith("2027-01-30: 4 reminders queued")
    assert Notice.objects.filter(occasion="2027-01-30", status=Notice.Status.SENT).count() == 4
    # Sent ahead of its day, a reminder speaks of its own day.
    letter = next(m for m in mailoutbox if m.to[0].startswith("Anne"))
    assert "Fristen er mandag 1. februar 2027, om 2 dage." in letter.body


@pytest.mark.parametrize(
    ("language", "prepare_by", "talks", "reminder_subject"),
    [
        (
            "en",
            "Prepare by Monday 1 February 2027:",
            "The talks are held from 8 February to 31 March 2027.",
            "Reminder: prepare for your MUS by 1 February 2027",
        ),
        (
            "da",
            "Forbered dig senest mandag 1. februar 2027:",
            "Samtalerne holdes fra 8. februar til 31. marts 2027.",
            "Påmindelse: Forbered din MUS senest 1. februar 2027",
        ),
    ],
)
def test_the_emails_dates_read_as_their_language_writes_them(
    open_on, employee, language, prepare_by, talks, reminder_subject
):
    """Issue 16, point 11: English reads day-month-year ("1 February 2027", not "1.
    February 2027"), through the language's formats like the pages."""
    from django.utils import translation

    from notifications import letters

    open_on()
    with at(datetime.date(2027, 1, 18)):
        outbox.queue_due_reminders(datetime.date(2027, 1, 18))
    notices = Notice.objects.filter(recipient=employee).select_related(
        "review__round", "review__employee__user", "review__manager__user", "recipient__user"
    )
    opened = [n for n in notices if n.kind == Notice.Kind.OPENED]
    reminders = [n for n in notices if n.kind == Notice.Kind.REMINDER]
    assert opened and reminders
    with translation.override(language):
        invitation = letters.compose(opened, datetime.date(2027, 1, 4)).letters[0].message
        reminder = letters.compose(reminders, datetime.date(2027, 1, 18)).letters[0].message
    assert prepare_by in invitation.body
    assert talks in invitation.body and talks in reminder.body
    assert reminder.subject == reminder_subject
    assert "1. February" not in invitation.body + reminder.body
