"""The talk in the calendar: the manager sets date, time and place; both receive an
RFC 5545 invitation (.ics), a change sends an update, a cancellation a CANCEL."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from notifications import sending
from notifications.models import Notice
from reviews.models import Review, State

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_at_once")]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
WHEN = "tirsdag 16. februar 2027 kl. 10:00–11:00"


@pytest.fixture(autouse=True)
def _a_january_morning():
    with time_machine.travel(datetime.datetime(2027, 1, 20, 9, 0, tzinfo=COPENHAGEN), tick=False):
        yield


def told_of_opening():
    """The round's opening e-mails went out long ago: only the talk's are looked at here."""
    Notice.objects.filter(kind=Notice.Kind.OPENED).update(status=Notice.Status.SENT)


@pytest.fixture
def set_time(client, django_capture_on_commit_callbacks):
    """Post the talk-time form as whoever is logged in; the e-mails it causes go out."""

    def post(review, **changes):
        told_of_opening()
        data = {"date": "2027-02-16", "time": "10:00", "minutes": "60", "place": "Mødelokale 2"}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("talk_time", args=[review.public_id]), data | changes, follow=True
            )

    return post


def invitation(message) -> tuple[str, Calendar]:
    """The .ics attached to an e-mail: its method parameter and the parsed calendar."""
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    raw = part.get_payload(decode=True)
    assert part.get_filename() == "invitation.ics"
    return part.get_param("method"), Calendar.from_ical(raw), raw


def assert_rfc5545_lines(raw: bytes, newline=b"\r\n"):
    # Content lines end in CRLF and are folded at 75 octets (RFC 5545, 3.1). Inside an
    # e-mail, the message's own line ends stand for CRLF (SMTP sends them as CRLF).
    lines = raw.split(newline)
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)


def test_the_manager_sets_the_time_and_both_receive_an_invitation(
    client, set_time, review, manager, employee, mailoutbox
):
    client.force_login(manager.user)
    response = set_time(review)

    assert response.redirect_chain[-1][0] == reverse("review_detail", args=[review.public_id])
    page = response.content.decode()
    assert "Tidspunktet er gemt. Anne Andersen og du får invitationen pr. e-mail." in page
    assert WHEN in page
    review.refresh_from_db()
    assert review.talk_at == datetime.datetime(2027, 2, 16, 10, 0, tzinfo=COPENHAGEN)
    assert (review.talk_minutes, review.talk_place, review.talk_sequence) == (60, "Mødelokale 2", 1)

    assert sorted(m.to[0] for m in mailoutbox) == [
        "Anne Andersen <anne@kommune.example.dk>",
        "Mette Madsen <mette@kommune.example.dk>",
    ]
    for message in mailoutbox:
        assert message.subject == f"Invitation: MUS-samtale {WHEN}"
        assert "MUS-samtalen mellem Anne Andersen og Mette Madsen er sat til:" in message.body
        assert f"http://127.0.0.1:8000/reviews/{review.public_id}/" in message.body
        method, calendar, raw = invitation(message)
        assert method == "REQUEST"
        assert_rfc5545_lines(raw, newline=b"\n")
        assert (calendar["VERSION"], calendar["METHOD"]) == ("2.0", "REQUEST")
        assert calendar["PRODID"]
        assert calendar.get_missing_tzids() == set()
        assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Copenhagen"]
        (event,) = calendar.events
        assert event["UID"] == f"mus-talk-{review.public_id}@127.0.0.1"
        assert event["SEQUENCE"] == 1
        assert event.start == datetime.datetime(2027, 2, 16, 10, 0, tzinfo=COPENHAGEN)
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        assert event.end == datetime.datetime(2027, 2, 16, 11, 0, tzinfo=COPENHAGEN)
        assert event["DTSTAMP"].dt == datetime.datetime(2027, 1, 20, 8, 0, tzinfo=datetime.UTC)
        assert event["LOCATION"] == "Mødelokale 2"
        assert event["STATUS"] == "CONFIRMED"
        assert event["ORGANIZER"] == "mailto:mette@kommune.example.dk"
        assert event["ORGANIZER"].params["CN"] == "Mette Madsen"
        attendees = {str(a): a.params for a in event["ATTENDEE"]}
        anne = attendees["mailto:anne@kommune.example.dk"]
        assert (anne["CN"], anne["PARTSTAT"], anne["RSVP"]) == (
            "Anne Andersen",
            "NEEDS-ACTION",
            "TRUE",
        )
        assert "mailto:mette@kommune.example.dk" in attendees
    assert Notice.objects.filter(kind="talk", status="sent").count() == 2


def test_a_change_sends_an_update_under_the_same_uid_with_a_higher_sequence(
    client, set_time, review, manager, mailoutbox
):
    client.force_login(manager.user)
    set_time(review)
    first_uid = invitation(mailoutbox[0])[1].events[0]["UID"]
    mailoutbox.clear()

    set_time(review, time="13:30", minutes="90", place="Teams: https://teams.example/m/1")

    assert len(mailoutbox) == 2
    message = mailoutbox[0]
    assert message.subject == "Ændret: MUS-samtale tirsdag 16. februar 2027 kl. 13:30–15:00"
    assert "har fået nyt tidspunkt eller sted" in message.body
    method, calendar, _raw = invitation(message)
    (event,) = calendar.events
    assert (method, event["UID"], event["SEQUENCE"]) == ("REQUEST", first_uid, 2)
    assert event.start == datetime.datetime(2027, 2, 16, 13, 30, tzinfo=COPENHAGEN)
    assert event.end == datetime.datetime(2027, 2, 16, 15, 0, tzinfo=COPENHAGEN)
    assert event["LOCATION"] == "Teams: https://teams.example/m/1"


def test_saving_the_same_again_sends_nothing(client, set_time, review, manager, mailoutbox):
    client.force_login(manager.user)
    set_time(review)
    mailoutbox.clear()
    response = set_time(review)
    assert "Intet blev ændret, så der blev ikke sendt nogen invitation." in (
        response.content.decode()
    )
    assert mailoutbox == []
    assert Review.objects.get(pk=review.pk).talk_sequence == 1


def test_cancelling_sends_a_cancellation_for_the_same_event(
    client, set_time, review, manager, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager.user)
    set_time(review)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("talk_time_cancel", args=[review.public_id]), follow=True)

    assert "Samtalen er aflyst. I får begge aflysningen pr. e-mail." in response.content.decode()
    assert len(mailoutbox) == 2
    message = mailoutbox[0]
    assert message.subject == f"Aflyst: MUS-samtale {WHEN}"
    method, calendar, _raw = invitation(message)
    (event,) = calendar.events
    assert (method, calendar["METHOD"], event["STATUS"]) == ("CANCEL", "CANCEL", "CANCELLED")
    assert event["SEQUENCE"] == 2
    assert event["UID"] == f"mus-talk-{review.public_id}@127.0.0.1"
    assert event.start == datetime.datetime(2027, 2, 16, 10, 0, tzinfo=COPENHAGEN)
    review.refresh_from_db()
    assert not review.has_talk_time
    assert client.get(reverse("talk_ics", args=[review.public_id])).status_code == 404
    # Cancelling what is already cancelled is refused, and sends nothing.
    mailoutbox.clear()
    response = client.post(reverse("talk_time_cancel", args=[review.public_id]), follow=True)
    assert "Der er ikke sat et tidspunkt for samtalen" in response.content.decode()
    assert mailoutbox == []


def test_an_update_waiting_when_the_next_change_comes_is_not_sent(
    client, review, manager, mailoutbox, settings, django_capture_on_commit_callbacks
):
    """Only the latest version reaches the calendars: an older one still waiting is dropped."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client.force_login(manager.user)
    url = reverse("talk_time", args=[review.public_id])
    data = {"date": "2027-02-16", "time": "10:00", "minutes": "60", "place": "Mødelokale 2"}
    client.post(url, data)
    client.post(url, data | {"time": "11:00"})
    told_of_opening()
    sending.send_pending([manager.pk])
    (message,) = mailoutbox
    assert invitation(message)[1].events[0]["SEQUENCE"] == 2
    assert Notice.objects.get(recipient=manager, occasion="talk-1").note == (
        "superseded by a later change of the talk"
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "2027-01-19"}, "date", "Samtalen kan ikke ligge i fortiden."),
        ({"date": "2027-01-20", "time": "08:00"}, "time", "Samtalen kan ikke ligge i fortiden."),
        ({"date": "16.02.2027x"}, "date", "Indtast en gyldig dato."),
        ({"time": "25:00"}, "time", "Indtast en gyldig tid."),
        ({"minutes": "17"}, "minutes", "Marker en gyldig valgmulighed."),
        ({"place": ""}, "place", "Dette felt er påkrævet."),
        ({"place": "x" * 201}, "place", "Denne værdi må højst have 200 tegn (den har 201)."),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    client, set_time, review, manager, mailoutbox, changes, field, message
):
    client.force_login(manager.user)
    response = set_time(review, **changes)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page
    review.refresh_from_db()
    assert (review.talk_at, review.talk_sequence) == (None, 0)
    assert mailoutbox == []
    assert not Notice.objects.filter(kind="talk").exists()


def test_a_time_outside_the_rounds_window_is_saved_with_a_warning(
    client, set_time, review, manager
):
    client.force_login(manager.user)
    response = set_time(review, date="2027-04-12")
    page = response.content.decode()
    assert "Bemærk: Tidspunktet ligger uden for rundens periode for samtaler" in page
    assert "8. februar 2027 – 31. marts 2027" in page
    assert Review.objects.get(pk=review.pk).talk_at.date() == datetime.date(2027, 4, 12)


def test_only_the_manager_sets_the_time(client, review, employee):
    client.force_login(employee.user)
    url = reverse("talk_time", args=[review.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"date": "2027-02-16", "time": "10:00"}).status_code == 403
    assert client.post(reverse("talk_time_cancel", args=[review.public_id])).status_code == 403
    assert Review.objects.get(pk=review.pk).talk_sequence == 0


def test_once_the_talk_has_begun_its_time_is_history(client, review, manager):
    Review.objects.filter(pk=review.pk).update(
        state=State.TALK_STARTED, talk_manager=review.manager
    )
    client.force_login(manager.user)
    assert client.get(reverse("talk_time", args=[review.public_id])).status_code == 403


def test_cancelling_is_a_post(client, review, manager):
    client.force_login(manager.user)
    assert client.get(reverse("talk_time_cancel", args=[review.public_id])).status_code == 405


def test_both_parties_download_the_talk_for_their_calendar(
    client, set_time, review, manager, employee, hr_user, other_manager
):
    client.force_login(manager.user)
    set_time(review)
    url = reverse("talk_ics", args=[review.public_id])
    for person in (employee, manager):
        client.force_login(person.user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="mus-2027-02-16.ics"'
        assert_rfc5545_lines(response.content)
        calendar = Calendar.from_ical(response.content)
        assert calendar["METHOD"] == "PUBLISH"
        assert calendar.events[0].start == datetime.datetime(2027, 2, 16, 10, tzinfo=COPENHAGEN)
    for outsider in (hr_user, other_manager.user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_the_agreed_time_shows_on_both_dashboards_the_review_and_to_hr(
    client, set_time, review, manager, employee, hr_user
):
    client.force_login(manager.user)
    set_time(review)
    for person in (employee, manager):
        client.force_login(person.user)
        for url in (reverse("dashboard"), reverse("review_detail", args=[review.public_id])):
            page = client.get(url).content.decode()
            assert WHEN in page, (person, url)
            assert "Mødelokale 2" in page
    client.force_login(hr_user)
    page = client.get(
        reverse("round_detail", args=[review.round.pk]),
        {"employee": review.employee.employee_number},
    ).content.decode()
    assert f"Samtale: {WHEN}" in page


def test_the_form_shows_the_time_already_set(client, set_time, review, manager):
    client.force_login(manager.user)
    set_time(review, time="13:30", minutes="90")
    page = client.get(reverse("talk_time", args=[review.public_id])).content.decode()
    assert 'value="2027-02-16"' in page
    assert 'value="13:30"' in page
    assert '<option value="90" selected>' in page
    assert "Gem og send opdateringen" in page


# Issue 16, point 1: the place saves as the manager types it, and no calendar e-mail goes
# out for that; the update is sent when they send the form.

HX = {"HX-Request": "true"}


@pytest.fixture
def type_place(client, django_capture_on_commit_callbacks):
    """The place as htmx posts it while one types; any e-mail it caused goes out."""

    def post(review, text, version=None, **extra):
        if version is None:
            version = Review.objects.get(pk=review.pk).talk_place_draft_version
        data = {"field": "place", "place": text, "place-version": version} | extra
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("talk_place", args=[review.public_id]), data, headers=HX)

    return post


def test_the_place_saves_as_one_types_and_no_calendar_email_goes_out(
    client, set_time, type_place, review, manager, mailoutbox
):
    client.force_login(manager.user)
    set_time(review)
    mailoutbox.clear()
    for text in ("M", "Mødelokale", "Mødelokale 3"):
        response = type_place(review, text)
        assert response.status_code == 200
        assert "Gemt" in response.content.decode()
    assert "Ikke sendt endnu: Invitationen siger stadig “Mødelokale 2”." in (
        response.content.decode()
    )
    assert mailoutbox == []
    assert Notice.objects.filter(kind="talk").count() == 2  # the invitation's alone
    review.refresh_from_db()
    assert (review.talk_place, review.talk_place_draft, review.talk_sequence) == (
        "Mødelokale 2",
        "Mødelokale 3",
        1,
    )
    assert review.place_unsent

    # Reloaded, the page shows the place as typed and says it is not sent yet.
    page = client.get(reverse("talk_time", args=[review.public_id])).content.decode()
    assert 'value="Mødelokale 3"' in page
    assert "Ikke sendt endnu" in page
    page = client.get(reverse("review_detail", args=[review.public_id])).content.decode()
    assert "Et nyt sted er skrevet, men ikke sendt endnu: “Mødelokale 3”." in page

    # Sent: one update each, and the page no longer calls the place unsent.
    set_time(review, place="Mødelokale 3", **{"place-version": "3"})
    assert len(mailoutbox) == 2
    assert all("Ændret" in m.subject for m in mailoutbox)
    review.refresh_from_db()
    assert (review.talk_place, review.talk_sequence, review.place_unsent) == (
        "Mødelokale 3",
        2,
        False,
    )
    page = client.get(reverse("talk_time", args=[review.public_id])).content.decode()
    assert "Ikke sendt endnu" not in page


def test_a_place_typed_before_any_time_is_set_is_kept(
    client, type_place, review, manager, mailoutbox
):
    told_of_opening()
    mailoutbox.clear()
    client.force_login(manager.user)
    type_place(review, "Rådhuset, lokale 12")
    page = client.get(reverse("talk_time", args=[review.public_id])).content.decode()
    assert 'value="Rådhuset, lokale 12"' in page
    assert "Ikke sendt endnu" not in page  # nothing is sent before the first invitation
    assert mailoutbox == [] and not Notice.objects.filter(kind="talk").exists()


def test_a_stale_place_keeps_both_texts(client, type_place, review, manager):
    client.force_login(manager.user)
    type_place(review, "Fra fane 1", version=0)
    response = type_place(review, "Fra fane 2", version=0)
    assert response["HX-Retarget"] == "#conflict-place"
    page = response.content.decode()
    assert "Fra fane 1" in page and "begge versioner bevares" in page.lower()
    assert Review.objects.get(pk=review.pk).talk_place_draft == "Fra fane 1"
    # "Use the saved text": kept, and the box shows it.
    response = type_place(review, "", take_saved="1", base_version=1)
    assert 'value="Fra fane 1"' in response.content.decode()
    assert Review.objects.get(pk=review.pk).talk_place_draft == "Fra fane 1"


def test_sending_a_stale_place_without_javascript_shows_both_and_sends_nothing(
    client, set_time, type_place, review, manager, mailoutbox
):
    client.force_login(manager.user)
    type_place(review, "Fra fane 1", version=0)
    mailoutbox.clear()
    response = set_time(review, place="Fra fane 2", **{"place-version": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fra fane 1" in page and "Fra fane 2" in page
    assert mailoutbox == []
    review.refresh_from_db()
    assert (review.talk_at, review.talk_place_draft) == (None, "Fra fane 1")
    # Sent again from that page, on the version it now shows: the typed place goes out.
    set_time(review, place="Fra fane 2", **{"place-version": "1"})
    assert Review.objects.get(pk=review.pk).talk_place == "Fra fane 2"
    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    "data",
    [
        {"field": "place", "place": "x" * 201},
        {"field": "place", "place": "Lokale\n2"},
        {"field": "talk_place", "place": "Lokale 2"},
        {"place": "Lokale 2"},
    ],
)
def test_a_place_the_page_does_not_send_is_refused(client, review, manager, data):
    client.force_login(manager.user)
    response = client.post(reverse("talk_place", args=[review.public_id]), data, headers=HX)
    assert response.status_code == 400
    review.refresh_from_db()
    assert (review.talk_place_draft, review.talk_place_draft_version) == ("", 0)


def test_only_the_manager_types_the_place(client, review, employee):
    client.force_login(employee.user)
    response = client.post(
        reverse("talk_place", args=[review.public_id]),
        {"field": "place", "place": "Hjemme", "place-version": 0},
        headers=HX,
    )
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).talk_place_draft == ""


def test_typing_the_place_is_a_post(client, review, manager):
    client.force_login(manager.user)
    assert client.get(reverse("talk_place", args=[review.public_id])).status_code == 405
