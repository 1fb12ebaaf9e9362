import functools
from collections.abc import Hashable

from django import template
from django.template import Context
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from common import names
from competencies import cache
from competencies.models import Competence
from reviews.models import Review

register = template.Library()


@register.filter
def possessive(name: str) -> str:
    """A name owning something, as the language writes it: "Annes", "Jens'"; "Anne's"."""
    return names.possessive(name)


@register.filter
def next_step(review: Review, party: str) -> str:
    return review.next_step(party)


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
