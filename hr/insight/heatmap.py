"""The focus map as an SVG heatmap, drawn on the server (no JavaScript).

Rows are the units of the focus map, columns the competences; each cell prints the
number of employees and is shaded by the share of the unit's talks held that chose the
competence. A hidden figure ("fewer than 5") is hatched and never shaded, so that its
colour cannot give away what its text hides. Every number in the markup is written here
as text: a template would localise a float ("13,0"), which SVG does not read.

The table on the same page holds the same figures and is the map's text alternative.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from hr.insight.reports import HIDDEN, FocusMap, Hidden, ReportRow

LABEL_WIDTH = 220
CELL_WIDTH = 80
CELL_HEIGHT = 32
HEADER_HEIGHT = 120
OVERHANG = 100  # the last column's slanted heading reaches this far to the right
GAP = 14  # between the talks held and the competences, and above the organisation's row
LEGEND_HEIGHT = 84
INDENT = 14  # per level of the tree
FONT = 12
HIDDEN_FONT = "10.5"
CHAR_WIDTH = 6.9  # of DejaVu Sans at 12 px, on average, to shorten long names

INK = "#1d2a30"
WHITE = "#ffffff"
# (fill, text) from none to most; each pair has a contrast of at least 4.5:1 (WCAG AA),
# and the steps differ in lightness, so they read apart without telling hues apart.
SHADES = [
    ("#ffffff", INK),
    ("#e3eef1", INK),
    ("#b5d3da", INK),
    ("#7fb0bd", INK),
    ("#1f4e5f", WHITE),
]
UPPER_BOUNDS = [0.0, 0.10, 0.25, 0.50, 1.0]  # the largest share each shade stands for
HATCH = ("#efede8", "#d6d1c6")  # background and lines of a hidden figure
HATCH_TEXT = INK


def shade(count: int, held: int | Hidden) -> tuple[str, str] | None:
    """The (fill, text) colours for a count among ``held`` talks; None when the share is
    unknown because the number of talks is itself hidden."""
    if isinstance(held, Hidden) or not held:  # HIDDEN, the one there is
        return None
    fraction = count / held
    for colours, bound in zip(SHADES, UPPER_BOUNDS, strict=True):
        if fraction <= bound:
            return colours
    return SHADES[-1]


def _shorten(text: str, width: float, char_width: float = CHAR_WIDTH) -> str:
    fits = max(int(width / char_width), 4)
    return text if len(text) <= fits else text[: fits - 1].rstrip() + "…"


@dataclass
class Cell:
    x: str
    text: str
    fill: str
    colour: str
    hatched: bool
    title: str


def _cells(row: ReportRow, focus_map: FocusMap, label: str) -> list[Cell]:
    held = row.cells[0]
    cells = []
    for index, (column, value) in enumerate(zip(focus_map.columns, row.cells, strict=True)):
        x = LABEL_WIDTH + index * CELL_WIDTH + (GAP if index else 0)
        if value is HIDDEN:
            fill, colour, hatched = "url(#focus-hatch)", HATCH_TEXT, True
        elif index == 0:  # the talks held: a number, not a share of itself
            fill, colour, hatched = WHITE, INK, False
        else:
            fill, colour = shade(value, held) or (WHITE, INK)
            hatched = False
        cells.append(
            Cell(
                x=str(x),
                text=str(value),
                fill=fill,
                colour=colour,
                hatched=hatched,
                title=f"{label}, {column.label}: {value}",
            )
        )
    return cells


def render_focus_map(focus_map: FocusMap, title_id: str = "focus-map-title") -> str:
    rows = list(focus_map.rows)
    if focus_map.root is None:
        rows.append(focus_map.totals)
    width = LABEL_WIDTH + GAP + len(focus_map.columns) * CELL_WIDTH + OVERHANG
    drawn, y = [], HEADER_HEIGHT
    for row in rows:
        if row.kind == "all":
            y += GAP
        indent = row.depth * INDENT
        label = row.label
        drawn.append(
            {
                "y": str(y),
                "text_y": str(y + CELL_HEIGHT // 2),
                "label_x": str(6 + indent),
                "label": _shorten(label, LABEL_WIDTH - indent - 12),
                "full_label": label,
                "own": row.kind == "own",
                "bold": row.kind == "all" or (row.kind == "unit" and row.unit is focus_map.root),
                "cells": _cells(row, focus_map, label),
            }
        )
        y += CELL_HEIGHT
    legend_y = y + 24
    headers = [
        {
            "x": str(LABEL_WIDTH + index * CELL_WIDTH + (GAP if index else 0) + CELL_WIDTH // 2),
            "label": _shorten(column.label, HEADER_HEIGHT * 1.25),
            "full_label": column.label,
        }
        for index, column in enumerate(focus_map.columns)
    ]
    bounds = [_("none"), _("up to 10 %"), _("up to 25 %"), _("up to 50 %"), _("over 50 %")]
    legend = [
        {"x": str(8 + i * 110), "fill": fill, "label": label}
        for i, ((fill, _text), label) in enumerate(zip(SHADES, bounds, strict=True))
    ]
    return render_to_string(
        "hr/focus_map.svg",
        {
            "title_id": title_id,
            "title": _("Agreed focus areas per unit: %(round)s") % {"round": focus_map.round},
            "description": _(
                "Each cell gives the number of employees who have the competence as an "
                "agreed focus area; the shade is their share of the unit’s talks held. "
                "Hatched cells are groups of fewer than 5 people, or figures that would "
                "reveal one, and are not shown. The table below gives the same figures."
            ),
            "width": str(width),
            "height": str(legend_y + LEGEND_HEIGHT),
            "label_width": str(LABEL_WIDTH),
            "cell_width": str(CELL_WIDTH),
            "cell_height": str(CELL_HEIGHT),
            "text_dx": str(CELL_WIDTH // 2),
            "header_y": str(HEADER_HEIGHT - 10),
            "headers": headers,
            "rows": drawn,
            "font": str(FONT),
            "hidden_font": HIDDEN_FONT,
            "hatch": HATCH,
            "legend_y": str(legend_y),
            "legend_title": _("Share of the unit’s talks held"),
            "legend": legend,
            "hidden_label": str(HIDDEN),
            "hidden_x": str(8 + len(legend) * 110),
        },
    )
