"""The competence wheel as SVG, drawn as in the booklet.

Competences stand around the rim like the teeth of a gear; inward from each tooth lie
three fields, one per level: stærk kompetence, udmærket kompetence, fokusområde. A
marked field is filled and carries a cross (the booklet's "kryds"), so a mark never
depends on colour alone. The geometry is computed here; ``competencies/wheel.svg``
draws it, for the preparation page, the talk and the PDFs alike.
"""

import math
from dataclasses import dataclass, field

from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The three fields of a tooth, from the rim inward."""

    STRONG = "strong", _("strong competence")
    FINE = "fine", _("good competence")
    FOCUS = "focus", _("focus area")


SIZE = 580
HUB = 58
RING_WIDTH = 52
TOOTH_DEPTH = 62
RADII = {  # (inner, outer) radius of each level's field
    Level.FOCUS: (HUB, HUB + RING_WIDTH),
    Level.FINE: (HUB + RING_WIDTH, HUB + 2 * RING_WIDTH),
    Level.STRONG: (HUB + 2 * RING_WIDTH, HUB + 3 * RING_WIDTH),
}
RIM = HUB + 3 * RING_WIDTH
# Presentation attributes rather than CSS, so that WeasyPrint's PDFs draw it the same.
COLOURS = {  # level: (empty field, marked field, mark)
    Level.STRONG: ("#dfe9ec", "#1f4e5f", "#ffffff"),
    Level.FINE: ("#ebf1f2", "#5d8a99", "#ffffff"),
    Level.FOCUS: ("#f8ecd6", "#d9902a", "#1d2a30"),
}
GAP = math.radians(1.2)  # between neighbouring fields
TOOTH_GAP = math.radians(5)  # between neighbouring teeth, so they read as a gear's


@dataclass
class Mark:
    level: str
    symbol: str = "×"  # a cross, as in the booklet; the talk shows one letter per party
    party: str = ""


@dataclass
class Tooth:
    key: str  # "c<competence id>" or "s<slot>", used in form field names and URLs
    label: str
    marks: list[Mark] = field(default_factory=list)
    empty: bool = False  # an unnamed custom slot


def _point(radius: float, angle: float) -> str:
    return f"{radius * math.sin(angle):.2f} {-radius * math.cos(angle):.2f}"


def _sector(inner: float, outer: float, start: float, end: float) -> str:
    large = 1 if end - start > math.pi else 0
    return (
        f"M {_point(outer, start)} A {outer} {outer} 0 {large} 1 {_point(outer, end)} "
        f"L {_point(inner, end)} A {inner} {inner} 0 {large} 0 {_point(inner, start)} Z"
    )


def _label_position(angle: float) -> dict:
    """Text along the tooth, turned so that it never stands on its head."""
    radius = RIM + TOOTH_DEPTH / 2
    degrees = math.degrees(angle)
    upside_down = 90 < degrees % 360 < 270
    x, y = radius * math.sin(angle), -radius * math.cos(angle)
    rotation = degrees + 180 if upside_down else degrees
    return {"x": f"{x:.2f}", "y": f"{y:.2f}", "rotate": f"{rotation:.2f}"}


def _lines(label: str, width: int = 14) -> list[str]:
    """Break a long name over two lines at a space or hyphen."""
    if len(label) <= width:
        return [label]
    for sep in (" ", "-"):
        cut = label.rfind(sep, 0, width + 1)
        if cut > 0:
            head = label[: cut + 1].rstrip() if sep == " " else label[: cut + 1]
            return [head, label[cut + 1 :].strip()]
    return [label[:width] + "-", label[width:]]


def geometry(teeth: list[Tooth]) -> list[dict]:
    step = 2 * math.pi / max(len(teeth), 1)
    label_arc = (RIM + TOOTH_DEPTH / 2) * (step - TOOTH_GAP - GAP)
    drawn = []
    for index, tooth in enumerate(teeth):
        start, end = index * step + GAP / 2, (index + 1) * step - GAP / 2
        middle = (start + end) / 2
        marked = {mark.level: mark for mark in tooth.marks}
        fields = []
        for level in (Level.STRONG, Level.FINE, Level.FOCUS):
            inner, outer = RADII[level]
            party_marks = [m for m in tooth.marks if m.level == level]
            centre = (inner + outer) / 2
            empty_fill, marked_fill, mark_colour = COLOURS[level]
            fields.append(
                {
                    "level": level,
                    "label": level.label,
                    "fill": marked_fill if level in marked else empty_fill,
                    "mark_colour": mark_colour,
                    "mark_size": "26" if len(party_marks) < 2 else "20",
                    "d": _sector(inner, outer, start, end),
                    "marked": level in marked,
                    "marks": [
                        {
                            "symbol": m.symbol,
                            "party": m.party,
                            "x": f"{centre * math.sin(middle + offset):.2f}",
                            "y": f"{-centre * math.cos(middle + offset):.2f}",
                        }
                        for m, offset in zip(
                            party_marks, _offsets(len(party_marks), centre), strict=True
                        )
                    ],
                }
            )
        lines = [] if tooth.empty else _lines(tooth.label)
        drawn.append(
            {
                "tooth": tooth,
                "fields": fields,
                "rim": _sector(RIM, RIM + TOOTH_DEPTH, start + TOOTH_GAP / 2, end - TOOTH_GAP / 2),
                "label": _label_position(middle),
                "lines": lines,
                "font_size": _label_size(lines, label_arc),
            }
        )
    return drawn


MARK_SPACING = 28  # between two marks in one field, along the ring, in SVG units


def _offsets(count: int, radius: float) -> list[float]:
    """Two marks in one field (the talk's comparison) sit side by side, never overlapping."""
    spread = MARK_SPACING / radius
    return [spread * (i - (count - 1) / 2) for i in range(count)]


def _label_size(label_lines: list[str], arc: float) -> str:
    """The largest font size up to 13 at which the longest line fits along its tooth.

    Returned as text, like every number here: a template would localise a float
    ("13,0" in Danish), which SVG does not read.
    """
    longest = max((len(line) for line in label_lines), default=1)
    return f"{min(13.0, 0.9 * arc / (0.68 * longest)):.1f}"


def render_wheel(
    teeth: list[Tooth], *, title: str, title_id: str = "wheel-title", action_url: str | None = None
) -> str:
    """The wheel's SVG markup; with ``action_url``, clicking a field marks it (htmx)."""
    half = SIZE // 2
    return render_to_string(
        "competencies/wheel.svg",
        {
            "teeth": geometry(teeth),
            "title": title,
            "title_id": title_id,
            "action_url": action_url,
            "view_box": f"{-half} {-half} {SIZE} {SIZE}",
            "hub": HUB,
        },
    )


def wheel_summary(rows) -> str:
    """The wheel's marks in words, as its text alternative: "Faglighed: fokusområde; …"."""
    marked = [f"{row.name}: {Level(row.level).label}" for row in rows if row.name and row.level]
    return "; ".join(marked) if marked else str(_("nothing marked yet"))
