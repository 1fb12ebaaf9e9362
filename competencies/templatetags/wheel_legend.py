from typing import Any

from django import template

from competencies.wheel import legend

register = template.Library()


@register.inclusion_tag("competencies/partials/wheel_legend.html")
def wheel_legend(letters: dict[str, str] | None = None, own: bool = True) -> dict[str, Any]:
    """The wheel's legend: its three rings, and what marks it.

    ``letters``: the talk's one letter per party (reviews.comparison.symbols), explained;
    without them a cross marks one's own choice. ``own``: the dashed teeth of one's own
    competences are explained too.
    """
    return {"levels": legend(), "letters": letters, "own": own}
