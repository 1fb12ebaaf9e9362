"""The competence wheel as SVG, drawn as in the booklet.

Competences stand around the rim like the teeth of a gear; inward from each tooth lie
three fields, one per level: stærk kompetence, udmærket kompetence, fokusområde. A
marked field is filled and carries a cross (the booklet's "kryds"), so a mark never
depends on colour alone. It is drawn here, for the preparation page, the talk and the
PDFs alike.
"""

import functools
import math
from dataclasses import dataclass, field

from django.db import models
from django.utils.html import escape
from django.utils.safestring import mark_safe
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
LEVELS = (Level.STRONG, Level.FINE, Level.FOCUS)  # from the rim inward
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


MARK_SPACING = 28  # between two marks in one field, along the ring, in SVG units


def _offsets(count: int, radius: float) -> list[float]:
    """Two marks in one field (the talk's comparison) sit side by side, never overlapping."""
    spread = MARK_SPACING / radius
    return [spread * (i - (count - 1) / 2) for i in range(count)]


def _label_size(label_lines: tuple[str, ...], arc: float) -> str:
    """The largest font size up to 13 at which the longest line fits along its tooth.

    Returned as text, like every number here: SVG reads "13.0", never Danish "13,0".
    """
    longest = max((len(line) for line in label_lines), default=1)
    return f"{min(13.0, 0.9 * arc / (0.68 * longest)):.1f}"


@dataclass(frozen=True)
class _Shape:
    """One tooth's outline: the same for every review of a catalogue, so drawn once."""

    rim: str
    fields: tuple[tuple[str, str], ...]  # (level, path) from the rim inward
    middle: float  # the tooth's middle, as an angle
    label: dict
    lines: tuple[str, ...]
    font_size: str


@functools.lru_cache(maxsize=512)
def _shapes(outline: tuple[tuple[str, bool], ...]) -> tuple[_Shape, ...]:
    """The teeth's outlines from their labels and which are empty slots."""
    step = 2 * math.pi / max(len(outline), 1)
    label_arc = (RIM + TOOTH_DEPTH / 2) * (step - TOOTH_GAP - GAP)
    shapes = []
    for index, (label, empty) in enumerate(outline):
        start, end = index * step + GAP / 2, (index + 1) * step - GAP / 2
        lines = () if empty else tuple(_lines(label))
        shapes.append(
            _Shape(
                rim=_sector(RIM, RIM + TOOTH_DEPTH, start + TOOTH_GAP / 2, end - TOOTH_GAP / 2),
                fields=tuple((level, _sector(*RADII[level], start, end)) for level in LEVELS),
                middle=(start + end) / 2,
                label=_label_position((start + end) / 2),
                lines=lines,
                font_size=_label_size(lines, label_arc),
            )
        )
    return tuple(shapes)


def _marks_svg(marks: list[Mark], middle: float, level: str) -> str:
    """The crosses (or the talk's party letters) in one field."""
    inner, outer = RADII[level]
    centre = (inner + outer) / 2
    colour = COLOURS[level][2]
    size = "26" if len(marks) < 2 else "20"
    return "".join(
        f'<text class="wheel__mark" x="{centre * math.sin(middle + offset):.2f}" '
        f'y="{-centre * math.cos(middle + offset):.2f}" text-anchor="middle" '
        f'dominant-baseline="central" font-size="{size}" font-weight="700" '
        f'fill="{colour}">{escape(mark.symbol)}</text>'
        for mark, offset in zip(marks, _offsets(len(marks), centre), strict=True)
    )


def _tooth_svg(tooth: Tooth, shape: _Shape, action_url: str | None) -> str:
    label = escape(tooth.label)
    if tooth.empty:
        parts = [
            '<g class="wheel__tooth wheel__tooth--empty">\n'
            f'<path class="wheel__rim" d="{shape.rim}" fill="#ffffff" stroke="#5d8a99" '
            'stroke-dasharray="5 4"/>\n'
        ]
    else:
        parts = [
            f'<g class="wheel__tooth">\n<path class="wheel__rim" d="{shape.rim}" fill="#1f4e5f"/>\n'
        ]
    for level, path in shape.fields:
        marks = [mark for mark in tooth.marks if mark.level == level]
        empty_fill, marked_fill = COLOURS[level][:2]
        clickable = (
            f' hx-post="{escape(action_url)}" hx-vals=\'{{"key": "{escape(tooth.key)}", '
            f'"level": "{level}"}}\' hx-target="closest .wheel-panel" hx-swap="outerHTML"'
            if action_url and not tooth.empty
            else ""
        )
        parts.append(
            f'<path class="wheel__field wheel__field--{level}{" is-marked" if marks else ""}" '
            f'd="{path}" fill="{marked_fill if marks else empty_fill}" stroke="#ffffff" '
            f'stroke-width="2"{clickable}><title>{label}: {escape(Level(level).label)}</title>'
            f"</path>\n{_marks_svg(marks, shape.middle, level)}\n"
        )
    shifts = ["-0.2em" if len(shape.lines) > 1 else "0.35em"] + ["1.1em"] * (len(shape.lines) - 1)
    lines = "".join(
        f'<tspan x="0" dy="{shift}">{escape(line)}</tspan>'
        for line, shift in zip(shape.lines, shifts, strict=False)
    )
    position = shape.label
    parts.append(
        f'<text class="wheel__label" transform="translate({position["x"]} {position["y"]}) '
        f'rotate({position["rotate"]})" text-anchor="middle" font-size="{shape.font_size}" '
        f'font-weight="700" fill="#ffffff">{lines}</text>\n</g>'
    )
    return "".join(parts)


def render_wheel(
    teeth: list[Tooth], *, title: str, title_id: str = "wheel-title", action_url: str | None = None
) -> str:
    """The wheel's SVG markup; with ``action_url``, clicking a field marks it (htmx).

    Written here rather than by a template: it is drawn on every mark, and the template
    engine took most of that request's time. What the marks do not change, the teeth's
    outlines, is computed once per catalogue (``_shapes``).
    """
    half = SIZE // 2
    shapes = _shapes(tuple((tooth.label, tooth.empty) for tooth in teeth))
    title_id = escape(title_id)
    return mark_safe(
        '<svg xmlns="http://www.w3.org/2000/svg" class="wheel" '
        f'viewBox="{-half} {-half} {SIZE} {SIZE}" font-family="DejaVu Sans, Verdana, sans-serif" '
        f'role="img" aria-labelledby="{title_id}"><title id="{title_id}">{escape(title)}</title>\n'
        f'<circle class="wheel__hub" r="{HUB}" fill="#1f4e5f"/>\n'
        + "".join(
            _tooth_svg(tooth, shape, action_url) for tooth, shape in zip(teeth, shapes, strict=True)
        )
        + "\n</svg>\n"
    )


def wheel_summary(rows) -> str:
    """The wheel's marks in words, as its text alternative: "Faglighed: fokusområde; …"."""
    marked = [f"{row.name}: {Level(row.level).label}" for row in rows if row.name and row.level]
    return "; ".join(marked) if marked else str(_("nothing marked yet"))
