"""A review's history as its employee reads it ("Hvem har åbnet min MUS") and as their
data export holds it: the trail's entries in words, repeats folded into one line.

The trail app records; this module reads, in the words of the review's states and pages.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews.models import TALK_STATES, State
from trail.models import ReviewEvent, Role


@dataclass
class Line:
    """One line of the trail as the employee reads it; repeats in a row are one line."""

    who: str
    role: str
    what: str
    note: str
    first: datetime
    last: datetime
    count: int = 1
    same_as: tuple = ()  # who, in which role, did what: lines alike in this fold into one

    @property
    def when(self) -> str:
        """The minute it happened, or the span of a run of repeats, in the reader's format."""
        first, last = (
            localtime(t).replace(second=0, microsecond=0) for t in (self.first, self.last)
        )
        start = date_format(first, "DATETIME_FORMAT")
        if first == last:
            return start
        end_format = "TIME_FORMAT" if first.date() == last.date() else "DATETIME_FORMAT"
        return f"{start}–{date_format(last, end_format)}"


def _who(event: ReviewEvent) -> str:
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    return _("HR") if event.role == Role.HR else _("MUS")


# What a refused attempt tried to do, by the URL's name: "tried to …, and was refused".
ATTEMPTS = {
    "review_detail": gettext_lazy("open the review"),
    "prepare": gettext_lazy("open the preparation"),
    "prepare_text": gettext_lazy("write in the preparation"),
    "prepare_level": gettext_lazy("mark a competence"),
    "prepare_share": gettext_lazy("share the preparation"),
    "prepare_take_back": gettext_lazy("take back the sharing of their preparation"),
    "talk": gettext_lazy("open the talk"),
    "talk_start": gettext_lazy("start the talk"),
    "talk_focus": gettext_lazy("choose the focus areas"),
    "talk_text": gettext_lazy("write in the talk"),
    "talk_end": gettext_lazy("record that the talk was held"),
    "talk_confirm": gettext_lazy("confirm the talk"),
    "goal_add": gettext_lazy("add a development goal"),
    "goal_edit": gettext_lazy("reword a development goal"),
    "goal_accept": gettext_lazy("accept a development goal"),
    "goal_delete": gettext_lazy("remove a development goal"),
    "goal_status": gettext_lazy("update the status of a goal"),
    "reflection": gettext_lazy("open the reflections"),
    "reflection_share": gettext_lazy("share the reflections"),
    "review_pdf": gettext_lazy("download the review as PDF"),
    "review_trail": gettext_lazy("read who has opened the review"),
    "talk_time": gettext_lazy("set the time of the talk"),
    "talk_place": gettext_lazy("type the place of the talk"),
    "talk_time_cancel": gettext_lazy("cancel the talk"),
    "talk_ics": gettext_lazy("download the talk for a calendar"),
    "review_move": gettext_lazy("give the review to another manager"),
    "review_reopen": gettext_lazy("reopen the review"),
}


def _moved(event: ReviewEvent) -> str:
    names = {
        "old": event.old_manager.name if event.old_manager else "–",
        "new": event.new_manager.name if event.new_manager else "–",
    }
    said = [_("gave the review to another manager: from %(old)s to %(new)s") % names]
    kept = set(event.new.split(",")) & {"preparation", "reflection"}
    if kept == {"preparation", "reflection"}:
        said.append(
            _("%(old)s’s preparation and reflections stay theirs alone; %(new)s does not see them")
            % names
        )
    elif kept == {"preparation"}:
        said.append(_("%(old)s’s preparation stays theirs alone; %(new)s does not see it") % names)
    elif kept == {"reflection"}:
        said.append(_("%(old)s’s reflections stay theirs alone; %(new)s does not see them") % names)
    if event.old in TALK_STATES:
        said.append(
            _("The talk had begun, so %(new)s follows up on the agreed focus areas and goals only")
            % names
        )
    return ". ".join(said)


def describe(event: ReviewEvent) -> str:
    """What the entry says happened, in words."""
    if event.kind == ReviewEvent.Kind.MANAGER:
        return _moved(event)
    if event.kind == ReviewEvent.Kind.REFUSED:
        what = ATTEMPTS.get(event.action, gettext_lazy("open or change the review"))
        return _("tried to %(what)s, and was refused") % {"what": what}
    if event.kind == ReviewEvent.Kind.STATE:
        if event.old == State.CONCLUDED:
            return _("reopened the review")
        return _("moved the review from “%(old)s” to “%(new)s”") % {
            "old": State(event.old).label,
            "new": State(event.new).label,
        }
    return event.what


def events_of(review):
    return review.events.select_related("actor", "old_manager__user", "new_manager__user").order_by(
        "at", "pk"
    )


FOLDED = {ReviewEvent.Kind.READ, ReviewEvent.Kind.WRITE, ReviewEvent.Kind.REFUSED}


def lines(events: Iterable[ReviewEvent], fold: bool = True) -> list[Line]:
    """The trail in the order it happened, repeats of the same act by the same person in a
    row (autosave writes many) folded into one line with their count."""
    result: list[Line] = []
    for event in events:
        line = Line(
            who=_who(event),
            role=str(Role(event.role).label) if event.role else "",
            what=describe(event),
            # A refusal's reason was said to the one refused ("you have …"); the line says
            # what they tried. The reason stays on the entry, for an audit in Django admin.
            note="" if event.kind == ReviewEvent.Kind.REFUSED else event.note,
            first=event.at,
            last=event.at,
            same_as=(event.actor_id, event.role, event.kind, event.action, event.note),
        )
        previous = result[-1] if result else None
        if fold and previous and event.kind in FOLDED and previous.same_as == line.same_as:
            previous.last, previous.count = event.at, previous.count + 1
        else:
            result.append(line)
    return result
