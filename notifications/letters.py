"""Turning claimed notices into e-mails: which are still needed, how they are grouped,
what they say. Only what HR may see too goes into an e-mail: the round, its dates, the
review's state, names, and a link to the page where the recipient acts."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import MIMEPart
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications import calendar
from notifications.models import Notice
from organisation.models import Person
from reviews.models import NOT_PREPARED, Party, Preparation, Review, Round


@dataclass
class Letter:
    notices: list[Notice]
    message: EmailMessage


@dataclass
class Batch:
    letters: list[Letter] = field(default_factory=list)
    skipped: dict[str, list[Notice]] = field(default_factory=lambda: defaultdict(list))


def _shared(notices: list[Notice]) -> set[tuple[int, int]]:
    """Who has shared their own preparation, by review and author (a former manager's
    sharing is not the new one's)."""
    reminders = (Notice.Kind.REMINDER, Notice.Kind.OVERDUE)
    reviews = {n.review_id for n in notices if n.kind in reminders}
    return set(
        Preparation.objects.filter(review__in=reviews, shared_at__isnull=False).values_list(
            "review_id", "author_id"
        )
    )


def _why_not(
    notice: Notice,
    today: datetime.date,
    shared: set[tuple[int, int]],
    invited: set[tuple[int, str, int]],
) -> str:
    """Why a notice is no longer needed, or "" if it still is."""
    review, round_ = notice.review, notice.review.round
    if not notice.recipient.user.email:
        return "no e-mail address"
    if round_.status != Round.Status.OPEN:
        return "the round is not open"
    if getattr(review, f"{notice.party}_id") != notice.recipient_id:
        return "no longer a party to the review"
    if notice.kind == Notice.Kind.TALK and notice.occasion != f"talk-{review.talk_sequence}":
        return "superseded by a later change of the talk"
    if notice.kind in (Notice.Kind.REMINDER, Notice.Kind.OVERDUE):
        if (review.pk, notice.party, notice.recipient_id) in invited:
            return "the invitation says it"
        if (
            review.state not in NOT_PREPARED
            or notice.party not in round_.preparing_parties
            or (review.pk, notice.recipient_id) in shared
        ):
            return "prepared"
        latest = round_.reminder_due_on(today)
        if latest and notice.due_on and notice.due_on < latest:  # a reminder has its day
            return "superseded by a later reminder"
    return ""


def compose(notices: list[Notice], today: datetime.date) -> Batch:
    """The e-mails for the notices of one or many people: one per talk change, and one per
    person, kind, round and role for the rest, so a manager of 25 gets one reminder
    listing them. One query for all of them (who has shared), whoever they are for."""
    batch = Batch()
    groups: defaultdict[tuple[str, int, int, str] | tuple[str, int], list[Notice]]
    groups = defaultdict(list)
    shared = _shared(notices)
    invited = {
        (n.review_id, n.party, n.recipient_id) for n in notices if n.kind == Notice.Kind.OPENED
    }
    for notice in notices:
        if reason := _why_not(notice, today, shared, invited):
            batch.skipped[reason].append(notice)
        elif notice.kind == Notice.Kind.TALK:
            groups[(notice.kind, notice.pk)].append(notice)
        else:
            key = (notice.kind, notice.recipient_id, notice.review.round_id, notice.party)
            groups[key].append(notice)
    for (kind, *_rest), group in groups.items():
        batch.letters.append(Letter(group, WRITERS[kind](group, today)))
    return batch


def _link(name: str, review: Review) -> str:
    return calendar.site_link(reverse(name, args=[review.public_id]))


def _date(day: datetime.date) -> str:
    return formats.date_format(day)


def _round_dates(round_: Round) -> dict[str, str]:
    """The round's dates as the e-mail's language writes them, through its formats
    (mus/formats): "mandag 1. februar 2027", "Monday 1 February 2027"; the talks' period
    names the first day's year only when it differs from the last day's."""
    deadline = round_.preparation_deadline
    start, end = round_.talks_start, round_.talks_end
    return {
        "deadline": f"{formats.date_format(deadline, 'l')} {_date(deadline)}",
        "start": _date(start)
        if start.year != end.year
        else formats.date_format(start, "MONTH_DAY_FORMAT"),
        "end": _date(end),
    }


def _message(
    recipient: Person, subject: str, template: str, context: dict[str, Any]
) -> EmailMessage:
    context = {"recipient": recipient, "site_url": settings.SITE_URL, **context}
    message = EmailMessage(
        subject=subject,
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[formataddr((recipient.name, recipient.user.email))],
        # RFC 3834: no out-of-office replies to an automatic e-mail.
        headers={"Auto-Submitted": "auto-generated"},
    )
    return message


def _items(group: list[Notice], page: str) -> list[dict[str, Any]]:
    return [
        {"review": n.review, "name": n.review.employee.name, "url": _link(page, n.review)}
        for n in sorted(group, key=lambda n: n.review.employee.name)
    ]


def _opened(group: list[Notice], today: datetime.date) -> EmailMessage:
    first = group[0]
    round_, recipient = first.review.round, first.recipient
    prepares = first.party in round_.preparing_parties
    context: dict[str, Any] = {
        "round": round_,
        "party": first.party,
        "prepares": prepares,
        **_round_dates(round_),
    }
    if first.party == Party.EMPLOYEE:
        review = first.review
        page = "prepare" if prepares else "review_detail"
        context |= {"manager": review.manager, "url": _link(page, review)}
        subject = _("Your MUS in %(round)s") % {"round": round_}
    else:
        context["items"] = _items(group, "review_detail")
        subject = ngettext(
            "%(round)s: the MUS talk you lead",
            "%(round)s: the %(count)d MUS talks you lead",
            len(group),
        ) % {"round": round_, "count": len(group)}
    return _message(recipient, subject, "opened", context)


def _reminder(group: list[Notice], today: datetime.date) -> EmailMessage:
    first = group[0]
    round_, recipient = first.review.round, first.recipient
    deadline = round_.preparation_deadline
    # Sent late, it speaks of today; queued ahead (send_reminders --today), of its own day.
    today = max(today, first.due_on) if first.due_on else today
    context: dict[str, Any] = {
        "round": round_,
        "party": first.party,
        "overdue": today > deadline,
        "days_left": (deadline - today).days,
        **_round_dates(round_),
    }
    values = {"date": _date(deadline), "count": len(group)}
    if first.party == Party.EMPLOYEE:
        context["url"] = _link("prepare", first.review)
        subject = (
            _("Your preparation for MUS was due %(date)s")
            if today > deadline
            else _("Reminder: prepare for your MUS by %(date)s")
        ) % values
    else:
        context["items"] = _items(group, "prepare")
        subject = (
            ngettext(
                "Your preparation for a MUS talk was due %(date)s",
                "Your preparation for %(count)d MUS talks was due %(date)s",
                len(group),
            )
            if today > deadline
            else ngettext(
                "Reminder: prepare for a MUS talk by %(date)s",
                "Reminder: prepare for %(count)d MUS talks by %(date)s",
                len(group),
            )
        ) % values
    return _message(recipient, subject, "reminder", context)


def _talk(group: list[Notice], today: datetime.date) -> EmailMessage:
    (notice,) = group
    review = notice.review
    method = "CANCEL" if review.talk_cancelled else "REQUEST"
    when = review.talk_time_display()
    if review.talk_cancelled:
        subject = _("Cancelled: MUS talk %(when)s") % {"when": when}
    elif review.talk_sequence > 1:
        subject = _("Changed: MUS talk %(when)s") % {"when": when}
    else:
        subject = _("Invitation: MUS talk %(when)s") % {"when": when}
    other = review.manager if notice.party == Party.EMPLOYEE else review.employee
    message = _message(
        notice.recipient,
        subject,
        "talk",
        {
            "review": review,
            "round": review.round,
            "other": other,
            "method": method,
            "changed": review.talk_sequence > 1,
            "url": _link("review_detail", review),
        },
    )
    part = MIMEPart()
    part.set_content(
        calendar.talk_calendar(review, method).decode(),
        subtype="calendar",
        charset="utf-8",
        params={"method": method},
        cte="base64",  # safe through any mail server, whatever the names' letters
        disposition="attachment",
        filename="invitation.ics",
    )
    message.attach(part)
    return message


WRITERS: dict[str, Callable[[list[Notice], datetime.date], EmailMessage]] = {
    Notice.Kind.OPENED: _opened,
    Notice.Kind.REMINDER: _reminder,
    Notice.Kind.OVERDUE: _reminder,
    Notice.Kind.TALK: _talk,
}
