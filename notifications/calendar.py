"""The talk as an iCalendar (RFC 5545) object: the invitation both parties receive.

One event per review, always under the same UID, so that each change replaces the one
before in the recipients' calendars; SEQUENCE is the review's ``talk_sequence``, raised
by every change. The time travels in the municipality's zone with its VTIMEZONE.
"""

import datetime
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress
from icalendar.enums import STATUS

from organisation.models import Person
from reviews.models import Review

PRODID = "-//MUS//MUS – medarbejderudviklingssamtale//DA"


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def site_link(path: str) -> str:
    return str(settings.SITE_URL) + path


def uid(review: Review) -> str:
    return f"mus-talk-{review.public_id}@{urlsplit(settings.SITE_URL).hostname or 'mus'}"


def _address(person: Person, **params: Any) -> vCalAddress:
    email = person.user.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return vCalAddress.new(email, cn=person.name, **params)


def _talk_times(review: Review) -> tuple[datetime.datetime, datetime.datetime]:
    """The talk's start and end in the municipality's zone: a talk without a time set (or
    kept, when cancelled) has no calendar entry."""
    if review.talk_at is None:
        raise ValueError(f"The talk of review {review.pk} has no time.")
    start = review.talk_at.astimezone(zone())
    return start, start + datetime.timedelta(minutes=review.talk_minutes)


def talk_calendar(review: Review, method: str = "REQUEST") -> bytes:
    """METHOD:REQUEST invites (or updates), CANCEL withdraws, PUBLISH is the download."""
    start, end = _talk_times(review)
    organizer = _address(review.manager, role="CHAIR")
    attendees = []
    if method != "PUBLISH":
        attendees = [
            _address(review.employee, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp=True),
            _address(review.manager, role="CHAIR", partstat="ACCEPTED"),
        ]
    event = Event.new(
        uid=uid(review),
        stamp=timezone.now().astimezone(datetime.UTC),
        sequence=review.talk_sequence,
        start=start,
        end=end,
        summary=_("MUS talk: %(employee)s and %(manager)s")
        % {"employee": review.employee.name, "manager": review.manager.name},
        location=review.talk_place,
        description=_("The development talk (MUS) in the round %(round)s. The review: %(url)s")
        % {
            "round": review.round.name,
            "url": site_link(reverse("review_detail", args=[review.public_id])),
        },
        url=site_link(reverse("review_detail", args=[review.public_id])),
        organizer=organizer,
        attendees=attendees,
        status=STATUS.CANCELLED if method == "CANCEL" else STATUS.CONFIRMED,
    )
    calendar = Calendar.new(prodid=PRODID, method=method, subcomponents=[event])
    # Only the transitions around the talk: a VTIMEZONE back to 1970 says nothing more.
    calendar.add_missing_timezones(
        first_date=start.date() - datetime.timedelta(days=366),
        last_date=start.date() + datetime.timedelta(days=366),
    )
    ical: bytes = calendar.to_ical()
    return ical


def filename(review: Review) -> str:
    return f"mus-{_talk_times(review)[0]:%Y-%m-%d}.ics"
