"""The competence wheel as SVG, drawn as in the booklet.

Competences stand around the rim like the teeth of a gear; inward from each tooth lie
three fields, one per level: stærk kompetence, udmærket kompetence, fokusområde. A
marked field is filled and carries a cross (the booklet's "kryds"), so a mark never
depends on colour alone. It is drawn here, for the preparation page, the talk and the
PDFs alike.
"""

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import pyphen
from django.db import models
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language
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


@dataclass(frozen=True)
class ToothMark:
    level: str
    symbol: str = "×"  # a cross, as in the booklet; the talk shows one letter per party
    party: str = ""


@dataclass(frozen=True)
class Tooth:
    key: str  # "c<competence id>" or "s<slot>", used in form field names and URLs
    label: str
    marks: tuple[ToothMark, ...] = ()
    empty: bool = False  # an unnamed custom slot


def _point(radius: float, angle: float) -> str:
    return f"{radius * math.sin(angle):.2f} {-radius * math.cos(angle):.2f}"


def _sector(inner: float, outer: float, start: float, end: float) -> str:
    large = 1 if end - start > math.pi else 0
    return (
        f"M {_point(outer, start)} A {outer} {outer} 0 {large} 1 {_point(outer, end)} "
        f"L {_point(inner, end)} A {inner} {inner} 0 {large} 0 {_point(inner, start)} Z"
    )


@dataclass(frozen=True)
class _LabelPosition:
    x: str
    y: str
    rotate: str


def _label_position(angle: float) -> _LabelPosition:
    """Text along the tooth, turned so that it never stands on its head."""
    radius = RIM + TOOTH_DEPTH / 2
    degrees = math.degrees(angle)
    upside_down = 90 < degrees % 360 < 270
    x, y = radius * math.sin(angle), -radius * math.cos(angle)
    rotation = degrees + 180 if upside_down else degrees
    return _LabelPosition(x=f"{x:.2f}", y=f"{y:.2f}", rotate=f"{rotation:.2f}")


LINE_WIDTH = 10  # characters: a longer name is broken, so that it reads on a phone too
MAX_LABEL_SIZE = 19.0  # SVG units: about 12 px on a 390 px phone, where the wheel is ~360 px


@functools.cache
def _hyphenator() -> pyphen.Pyphen:
    # The catalogue's names are Danish (KL's booklet), also on an English page.
    return pyphen.Pyphen(lang="da_DK")


def _lines(label: str, width: int = LINE_WIDTH) -> list[str]:
    """Break a long name over two lines, as evenly as it goes: at a space or a hyphen, else
    where Danish hyphenates the word ("Kommuni-" "kation")."""
    if len(label) <= width:
        return [label]
    cuts = [
        (i + 1, label[: i + 1].rstrip(), label[i + 1 :].strip())
        for i, c in enumerate(label)
        if c in " -"
    ]
    if not cuts:
        cuts = [(at, label[:at] + "-", label[at:]) for at in _hyphenator().positions(label)]
    if not cuts:
        return [label]
    _at, head, tail = min(cuts, key=lambda cut: max(len(cut[1]), len(cut[2])))
    return [head, tail]


MARK_SPACING = 28  # between two marks in one field, along the ring, in SVG units


def _offsets(count: int, radius: float) -> list[float]:
    """Two marks in one field (the talk's comparison) sit side by side, never overlapping."""
    spread = MARK_SPACING / radius
    return [spread * (i - (count - 1) / 2) for i in range(count)]


def _label_size(label_lines: tuple[str, ...], arc: float) -> str:
    """The largest font size up to MAX_LABEL_SIZE at which the longest line fits along
    its tooth.

    Returned as text, like every number here: SVG reads "13.0", never Danish "13,0".
    """
    longest = max((len(line) for line in label_lines), default=1)
    return f"{min(MAX_LABEL_SIZE, 0.9 * arc / (0.68 * longest)):.1f}"


@dataclass(frozen=True)
class _Shape:
    """One tooth's outline: the same for every review of a catalogue, so drawn once."""

    rim: str
    fields: tuple[tuple[str, str], ...]  # (level, path) from the rim inward
    middle: float  # the tooth's middle, as an angle
    label: _LabelPosition
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


@dataclass(frozen=True)
class _DrawnMark:
    x: str
    y: str
    symbol: str


@dataclass(frozen=True)
class _DrawnField:
    """One level's field of one tooth, with the crosses (or the talk's letters) in it."""

    level: str
    title: str  # "Faglighed: fokusområde"
    path: str
    fill: str
    marked: bool
    mark_colour: str
    mark_size: str
    marks: tuple[_DrawnMark, ...]


def _drawn_marks(marks: list[ToothMark], middle: float, level: str) -> tuple[_DrawnMark, ...]:
    centre = sum(RADII[Level(level)]) / 2
    return tuple(
        _DrawnMark(
            x=f"{centre * math.sin(middle + offset):.2f}",
            y=f"{-centre * math.cos(middle + offset):.2f}",
            symbol=mark.symbol,
        )
        for mark, offset in zip(marks, _offsets(len(marks), centre), strict=True)
    )


@functools.lru_cache(maxsize=4096)
def tooth_markup(
    tooth: Tooth, shape: _Shape, action_url: str | None, language: str | None
) -> SafeString:
    """One tooth drawn by ``competencies/wheel.svg#tooth``, kept for the next wheel.

    A pure function of its arguments, so kept by them: marking one competence redraws a
    wheel whose other teeth are as they were, and every review of a catalogue shares
    its unmarked teeth. ``language``: the fields' titles name the levels.
    """
    fields = []
    for level, path in shape.fields:
        marks = [mark for mark in tooth.marks if mark.level == level]
        empty_fill, marked_fill, mark_colour = COLOURS[Level(level)]
        fields.append(
            _DrawnField(
                level=level,
                title=f"{tooth.label}: {Level(level).label}",
                path=path,
                fill=marked_fill if marks else empty_fill,
                marked=bool(marks),
                mark_colour=mark_colour,
                mark_size="26" if len(marks) < 2 else "20",
                marks=_drawn_marks(marks, shape.middle, level),
            )
        )
    shifts = ["-0.2em" if len(shape.lines) > 1 else "0.35em"] + ["1.1em"] * (len(shape.lines) - 1)
    return render_to_string(
        "competencies/wheel.svg#tooth",
        {
            "tooth": tooth,
            "shape": shape,
            "fields": fields,
            "lines": list(zip(shape.lines, shifts, strict=False)),
            "action_url": action_url if not tooth.empty else None,
        },
    )


def render_wheel(
    teeth: list[Tooth], *, title: str, title_id: str = "wheel-title", action_url: str | None = None
) -> SafeString:
    """The wheel's SVG markup (``competencies/wheel.svg``); with ``action_url``, clicking a
    field marks it (htmx). The teeth's outlines are computed once per catalogue (``_shapes``).
    """
    half = SIZE // 2
    shapes = _shapes(tuple((tooth.label, tooth.empty) for tooth in teeth))
    language = get_language()
    return render_to_string(
        "competencies/wheel.svg",
        {
            "view_box": f"{-half} {-half} {SIZE} {SIZE}",
            "hub": HUB,
            "title": title,
            "title_id": title_id,
            "teeth": [
                tooth_markup(tooth, shape, action_url, language)
                for tooth, shape in zip(teeth, shapes, strict=True)
            ],
        },
    )


@dataclass(frozen=True)
class LegendLevel:
    """One ring of the wheel as its legend explains it."""

    label: str  # stærk kompetence
    place: str  # outer ring
    fill: str  # the field unmarked
    marked_fill: str
    mark_colour: str


def legend() -> list[LegendLevel]:
    """The three rings, from the rim inward, as the booklet names them: the wheel's legend
    on the page (``competencies/partials/wheel_legend.html``) and in the PDFs."""
    places = {
        Level.STRONG: _("outer ring"),
        Level.FINE: _("middle ring"),
        Level.FOCUS: _("inner ring"),
    }
    return [LegendLevel(str(level.label), str(places[level]), *COLOURS[level]) for level in LEVELS]


class MarkedRow(Protocol):
    """A tooth as a list shows it (reviews.preparation.WheelRow)."""

    @property
    def name(self) -> str: ...

    @property
    def level(self) -> str: ...


def wheel_summary(rows: Iterable[MarkedRow]) -> str:
    """The wheel's marks in words, as its text alternative: "Faglighed: fokusområde; …"."""
    marked = [f"{row.name}: {Level(row.level).label}" for row in rows if row.name and row.level]
    return "; ".join(marked) if marked else str(_("nothing marked yet"))
