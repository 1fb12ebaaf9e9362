import functools
from collections.abc import Hashable
from dataclasses import dataclass

from django import template
from django.template import Context
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common import names
from competencies import cache
from competencies.models import Competence
from organisation.models import Person
from reviews.models import Goal, Party, Review

register = template.Library()


@register.filter
def possessive(name: str) -> str:
    """A name owning something, as the language writes it: "Annes", "Jens'"; "Anne's"."""
    return names.possessive(name)


@register.filter
def next_step(review: Review, party: str) -> str:
    return review.next_step(party)


@dataclass(frozen=True)
class GoalWaiting:
    """Whose acceptance a goal not agreed yet waits for, and why again, in words."""

    text: str
    detail: str = ""


@register.simple_tag
def goal_waiting(
    goal: Goal, reader: Person | None = None, can_accept: bool = True
) -> GoalWaiting | None:
    """Whose acceptance the goal waits for, said to ``reader`` ("Venter på din accept",
    "Venter på Annes accept"), or of both by name on the meeting room's screen (no
    reader); None once agreed. ``can_accept``: whether the talk still takes acceptances."""
    if goal.is_agreed:
        return None
    if not can_accept:
        return GoalWaiting(_("Not agreed by both, so not part of what was agreed."))
    review = goal.review
    people: dict[str, Person] = {
        Party.EMPLOYEE: review.employee,
        Party.MANAGER: review.talk_manager or review.manager,
    }
    awaited = goal.awaiting()
    yours = [bool(reader) and people[party].pk == getattr(reader, "pk", None) for party in awaited]
    whose = [names.possessive(people[party].first_name) for party in awaited]
    if len(awaited) > 1:
        if any(yours):
            other = whose[yours.index(False)]
            return GoalWaiting(_("Waiting for your and %(whose)s acceptance") % {"whose": other})
        return GoalWaiting(
            _("Waiting for %(first)s and %(second)s acceptance")
            % {"first": whose[0], "second": whose[1]}
        )
    (party,), (mine,), (name,) = awaited, yours, whose
    changed = goal.accepted_earlier(party)
    if mine:
        return GoalWaiting(
            _("Waiting for your acceptance"), _("Changed since your acceptance.") if changed else ""
        )
    return GoalWaiting(
        _("Waiting for %(whose)s acceptance") % {"whose": name},
        _("Changed since %(whose)s acceptance.") % {"whose": name} if changed else "",
    )


@register.simple_tag
def meaning(competence: Competence, part: str = "meaning") -> SafeString:
    """A round's competence unfolded: its statements, rendered once (competencies.cache)."""
    return cache.meaning_html(competence, part)


@register.simple_tag(takes_context=True)
def kept_partial(context: Context, name: str, **inputs: Hashable) -> SafeString:
    """This template's partial ``name``, rendered with ``inputs`` alone and kept by them.

    For a partial a page repeats dozens of times (a preparation's text fields and level
    radios): the template engine takes far longer than the page's queries to lay them
    out, and most come out as they did the last time the page was shown. The partial
    sees nothing but ``inputs`` (and the language), so what it shows is fixed by them.
    """
    if context.template is None:
        raise ValueError("kept_partial renders a partial of the template it stands in")
    template = context.template.origin.template_name
    return rendered_partial(template, name, tuple(inputs.items()), get_language())


@functools.lru_cache(maxsize=4096)
def rendered_partial(
    template: str, name: str, inputs: tuple[tuple[str, Hashable], ...], language: str | None
) -> SafeString:
    return render_to_string(f"{template}#{name}", dict(inputs))
