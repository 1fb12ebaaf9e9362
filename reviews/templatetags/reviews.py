from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join

from reviews.insight import HIDDEN

register = template.Library()


@register.filter
def next_step(review, party: str) -> str:
    return review.next_step(party)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def field_name(kind: str, key) -> str:
    """The form field name of a preparation text: "answer-12", "note-c3", "name-s1"."""
    return f"{kind}-{key}"


@register.filter
def percent(share) -> str:
    """A share of 1 as a percentage in the reader's language: "42,5 %"; a dash for none."""
    if share is None:
        return "–"
    # number_format() cuts decimals off; a share is rounded, as the CSV and Excel show it.
    return f"{formats.number_format(round(share * 100, 1), 1)}\u00a0%"


@register.filter
def grouped(number: int) -> str:
    """A count with the reader's thousands separator: "50.000"."""
    return formats.number_format(number, force_grouping=True)


def figure(column, value) -> str:
    """One figure of a report as the page shows it; a hidden one says why it is hidden."""
    if value is HIDDEN:
        return format_html('<span class="figure--hidden">{}</span>', value)
    if column.kind == "share":
        return percent(value)
    return grouped(value) if isinstance(value, int) else value


@register.simple_tag
def figure_cells(row, columns) -> str:
    """A report row's figures as table cells: one tag per row, as a big tree has many rows."""
    return format_html_join(
        "",
        '<td class="num">{}</td>',
        ((figure(c, v),) for c, v in zip(columns, row.cells, strict=True)),
    )
