"""Figures as HR's reports show them: shares, counts, and a hidden figure saying why."""

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import formats

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


@dataclass(frozen=True)
class Figure:
    text: str
    hidden: bool = False  # a group too small to show: the text says why


def figure(column: Column, value: Any) -> Figure:
    """One figure of a report as the page shows it."""
    if isinstance(value, Hidden):  # HIDDEN, the one there is
        return Figure(str(value), hidden=True)
    if column.kind == "share":
        return Figure(percent(value))
    return Figure(grouped(value) if isinstance(value, int) else str(value))


@register.filter
def figures(row: ReportRow, columns: list[Column]) -> list[Figure]:
    """A report row's figures, one per column (templates/hr/partials/tree_table.html)."""
    return [figure(c, v) for c, v in zip(columns, row.cells, strict=True)]
