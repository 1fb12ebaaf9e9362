"""Figures as HR's reports show them: shares, counts, and a hidden figure saying why."""

from typing import Any

from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join

from hr.insight.reports import Column, Hidden, ReportRow

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A share of 1 as a percentage in the reader's language: "42,5 %"; a dash for none."""
    if share is None:
        return "–"
    # number_format() cuts decimals off; a share is rounded, as the CSV and Excel show it.
    return f"{formats.number_format(round(share * 100, 1), 1)}\u00a0%"


@register.filter
def grouped(number: int) -> str:
    """A count with the reader's thousands separator: "50.000"."""
    return formats.number_format(number, force_grouping=True)


def figure(column: Column, value: Any) -> str:
    """One figure of a report as the page shows it; a hidden one says why it is hidden."""
    if isinstance(value, Hidden):  # HIDDEN, the one there is
        return format_html('<span class="figure--hidden">{}</span>', value)
    if column.kind == "share":
        return percent(value)
    return grouped(value) if isinstance(value, int) else value


@register.simple_tag
def figure_cells(row: ReportRow, columns: list[Column]) -> str:
    """A report row's figures as table cells: one tag per row, as a big tree has many rows."""
    return format_html_join(
        "",
        '<td class="num">{}</td>',
        ((figure(c, v),) for c, v in zip(columns, row.cells, strict=True)),
    )
