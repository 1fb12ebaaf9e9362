"""HR's insight: a round's progress through the department tree, the MED committee's
figures per unit and year, and the focus map of where the organisation wants to develop.

Each report is computed here once, in a fixed number of queries however large the
organisation: grouped queries for the figures, one for the department list, and the
roll-up through the tree in Python. The page, the CSV, the xlsx and the PDF all render
what these functions return (hr/insight/exports.py turns it into sheets), so the numbers,
and what is hidden, cannot differ between them.

HR sees status, dates, agreed focus areas and agreed goals (PRODUCT.md, "Who sees what").
Nothing here reads preparations, marks, notes, answers, reflections or talk notes.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils.translation import gettext as _

from common.collation import Localised
from competencies.models import Competence
from organisation.models import Department
from reviews.models import HELD, FocusArea, Goal, Review, Round, State
from reviews.progress import EMPLOYEE_NAME, NOT_HELD, overdue_states

# A page lists the overdue by name when there are at most this many in the part of the
# organisation it shows; else it asks to drill down (and the CSV has them all).
OVERDUE_SHOWN = 100

# A page shows the unit chosen and this many levels under it, so hundreds of departments
# stay quick to read; the files carry every level.
LEVELS_SHOWN = 2

# Groups of fewer people than this are not shown on the focus map (nor in its exports).
SMALLEST_GROUP = 5

ALL = None  # the key of the whole organisation among the roll-ups

Counts = Counter  # figures of one unit, by column key
type Term = tuple[str, int | None]  # a row of a report: ("unit" | "own" | "all", its unit's pk)


class Hidden:
    """A figure not shown: a group of fewer than five, or one that would reveal one."""

    def __str__(self) -> str:
        return _("fewer than 5")

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = Hidden()


# The department tree


@dataclass(eq=False)
class Unit:
    department: Department
    depth: int
    parent: "Unit | None" = None
    children: list["Unit"] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.department.pk

    def ancestors(self) -> list["Unit"]:
        """From the top of the tree down to this unit's parent."""
        found, unit = [], self.parent
        while unit is not None:
            found.append(unit)
            unit = unit.parent
        return found[::-1]


def walk(units: Iterable[Unit]) -> Iterator[Unit]:
    """The units and everything under them, parents before children."""
    stack = list(units)[::-1]
    while stack:
        unit = stack.pop()
        yield unit
        stack.extend(unit.children[::-1])


class DepartmentTree:
    """Every department in tree order, children by name: one query for the whole tree."""

    def __init__(self, departments: Iterable[Department]):
        by_parent = defaultdict(list)
        for department in departments:
            by_parent[department.parent_id].append(department)
        self.units: dict[int, Unit] = {}
        self.roots: list[Unit] = []
        stack: list[tuple[Department, Unit | None]] = [(d, None) for d in by_parent[None][::-1]]
        while stack:  # depth first, so that units come out in the order they are shown
            department, parent = stack.pop()
            unit = Unit(department, depth=parent.depth + 1 if parent else 0, parent=parent)
            self.units[department.pk] = unit
            (parent.children if parent else self.roots).append(unit)
            stack.extend((child, unit) for child in by_parent[department.pk][::-1])

    @classmethod
    def load(cls) -> "DepartmentTree":
        return cls(Department.objects.only("name", "kind", "parent_id").order_by(Localised("name")))

    def walk(self) -> Iterator[Unit]:
        return walk(self.roots)

    def rolled_up(self, own: dict[int, Counts]) -> dict[int | None, Counts]:
        """Each unit's figures with everything under it added; ``ALL`` for everyone."""
        total: dict[int | None, Counts] = {}
        for unit in reversed(list(self.walk())):  # children before their parents
            counts = Counter(own.get(unit.pk, ()))
            for child in unit.children:
                counts.update(total[child.pk])
            total[unit.pk] = counts
        total[ALL] = Counter()
        for root in self.roots:
            total[ALL].update(total[root.pk])
        return total


# What a report shows: rows of the tree from a chosen unit down


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # "count", "share" (a fraction of 1), "year" or "text"


@dataclass
class ReportRow:
    """One line of a report: a unit with everything under it, the people directly in a
    unit that has units under it ("own"), or the whole organisation ("all")."""

    kind: str  # "unit", "own" or "all"
    unit: Unit | None
    depth: int  # below the unit the report is drilled down to
    cells: list = field(default_factory=list)  # int, float (a share), None (no share), HIDDEN
    drill: bool = False  # has units under it to drill down into
    folded: int = 0  # units directly under it that this page does not show

    @property
    def department(self) -> Department | None:
        return self.unit.department if self.unit else None

    @property
    def indent(self) -> int:
        """The depth as the stylesheet indents it (it has steps for eight levels)."""
        return min(self.depth, 8)

    @property
    def label(self) -> str:
        if self.unit is None:  # the "all" row
            return _("The whole organisation")
        if self.kind == "own":
            return _("directly in %(department)s") % {"department": self.unit.department}
        return self.unit.department.name

    @property
    def term(self) -> Term:
        return (self.kind, self.unit.pk if self.unit else None)


class Figures:
    """A report's figures through the tree: counted per department, rolled up.

    ``present`` names the figure that says a unit takes part at all (participants, talks
    held); units without it are left out of the report.
    """

    def __init__(self, tree: DepartmentTree, own: dict[int, Counts], present: str):
        self.tree, self.own, self.present = tree, own, present
        self.total = tree.rolled_up(own)

    def counts(self, term: Term) -> Counts:
        kind, pk = term
        if kind == "own" and pk is not None:
            return self.own.get(pk, Counter())
        return self.total[pk]

    def shown(self, unit: Unit) -> bool:
        return self.total[unit.pk][self.present] > 0

    def shown_children(self, unit: Unit) -> list[Unit]:
        return [child for child in unit.children if self.shown(child)]

    def has_own_row(self, unit: Unit) -> bool:
        """The people directly in a unit get their own row when there are units under it."""
        own = self.own.get(unit.pk, Counter())[self.present]
        return own > 0 and bool(self.shown_children(unit))

    def unit(self, pk: int | None) -> Unit | None:
        """The unit to drill down to: a 404 for one that does not exist or takes no part."""
        if pk is None:
            return None
        unit = self.tree.units.get(pk)
        if unit is None or not self.shown(unit):
            raise Http404
        return unit

    def rows(self, root: Unit | None, levels: int | None = None) -> list[ReportRow]:
        """The tree from ``root`` down (the whole organisation, when ``root`` is None), in
        order: ``levels`` levels under it, or all."""
        rows = []

        def add(unit: Unit, depth: int, level: int) -> None:
            children = self.shown_children(unit)
            unfolded = levels is None or level < levels
            row = ReportRow("unit", unit, depth, drill=bool(children))
            rows.append(row)
            if not unfolded:
                row.folded = len(children)
                return
            if self.has_own_row(unit):
                rows.append(ReportRow("own", unit, depth + 1))
            for child in children:
                add(child, depth + 1, level + 1)

        for unit in [root] if root else [u for u in self.tree.roots if self.shown(u)]:
            add(unit, 0, 0 if root else 1)
        return rows

    def choices(self) -> list[tuple[int, str]]:
        """Every unit that takes part, indented under its parent, for a drill-down menu."""
        return [
            (unit.pk, "\u2003" * unit.depth + unit.department.name)
            for unit in self.tree.walk()
            if self.shown(unit)
        ]

    def equations(self) -> Iterator[tuple[Term, list[Term]]]:
        """Each sum the reports show: a unit = the people directly in it + its units below;
        the whole organisation = its top units. As (total, parts)."""
        for unit in self.tree.walk():
            children = self.shown_children(unit)
            if self.shown(unit) and children:
                own: list[Term] = [("own", unit.pk)] if self.has_own_row(unit) else []
                yield ("unit", unit.pk), own + [("unit", child.pk) for child in children]
        roots: list[Term] = [("unit", root.pk) for root in self.tree.roots if self.shown(root)]
        if roots:
            yield ("all", None), roots

    def fill(
        self, rows: list[ReportRow], cells: Callable[[ReportRow, Counts], list]
    ) -> list[ReportRow]:
        for row in rows:
            row.cells = cells(row, self.counts(row.term))
        return rows


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class TreeReport:
    """What every report has: its columns, the rows from the chosen unit down, the totals."""

    columns: list[Column]
    root: Unit | None  # the unit drilled down to; None for the whole organisation
    rows: list[ReportRow]
    totals: ReportRow  # the whole organisation, or the unit drilled down to
    choices: list[tuple[int, str]]  # the units one can drill down to

    @property
    def menu(self) -> list[tuple[int, str, bool]]:
        """The units to drill down to, the current one marked."""
        current = self.root.pk if self.root else None
        return [(pk, label, pk == current) for pk, label in self.choices]

    @property
    def has_own_rows(self) -> bool:
        return any(row.kind == "own" for row in self.rows)

    @property
    def path(self) -> list[Unit]:
        return self.root.ancestors() if self.root else []

    @property
    def subtree_ids(self) -> set[int] | None:
        return {unit.pk for unit in walk([self.root])} if self.root else None


def _tree_report(
    figures: Figures,
    columns: list[Column],
    root: Unit | None,
    cells: Callable[[ReportRow, Counts], list[Any]],
    levels: int | None,
) -> TreeReport:
    rows = figures.fill(figures.rows(root, levels), cells)
    totals = rows[0] if root else figures.fill([ReportRow("all", None, 0)], cells)[0]
    return TreeReport(
        columns=columns, root=root, rows=rows, totals=totals, choices=figures.choices()
    )


# 1. A round's progress


@dataclass
class Progress(TreeReport):
    round: Round | None = None
    overdue_states: list[str] = field(default_factory=list)
    overdue: list[Review] = field(default_factory=list)  # by name on the page, if few
    overdue_reviews: QuerySet[Review] = field(default_factory=Review.objects.none)  # for files

    @property
    def review_count(self) -> int:
        return int(self.totals.cells[len(State.values)])

    @property
    def overdue_count(self) -> int:
        return int(self.totals.cells[len(State.values) + 1])

    @property
    def talks_overdue(self) -> bool:
        """Overdue for the talk itself (its window has closed), not only the preparation."""
        return self.overdue_states == NOT_HELD


def progress_columns() -> list[Column]:
    return [
        *(Column(value, str(label)) for value, label in State.choices),
        Column("total", _("Total")),
        Column("overdue", _("Overdue")),
        Column("concluded_share", _("Share concluded"), "share"),
    ]


def progress(
    round_: Round,
    department: int | None = None,
    levels: int | None = LEVELS_SHOWN,
    overdue_limit: int | None = OVERDUE_SHOWN,
) -> Progress:
    """Reviews by state per department with everything under it, and who is overdue:
    listed if there are at most ``overdue_limit`` of them (None: all).

    Queries: one grouped count, the department list, and the overdue reviews if listed.
    """
    own: dict[int, Counts] = defaultdict(Counter)
    by_state = round_.reviews.values_list("employee__department", "state").annotate(n=Count("pk"))
    for department_id, state, n in by_state.order_by():
        own[department_id][state] = n
        own[department_id]["total"] += n
    figures = Figures(DepartmentTree.load(), own, present="total")
    root = figures.unit(department)
    late = overdue_states(round_)

    def cells(row: ReportRow, counts: Counts) -> list:
        overdue = sum(counts[state] for state in late)
        return [
            *(counts[state] for state in State.values),
            counts["total"],
            overdue,
            share(counts[State.CONCLUDED], counts["total"]),
        ]

    tree_report = _tree_report(figures, progress_columns(), root, cells, levels)
    reviews = round_.reviews.filter(state__in=late)
    if (subtree := tree_report.subtree_ids) is not None:  # drilled down to a unit
        reviews = reviews.filter(employee__department__in=subtree)
    report = Progress(
        **vars(tree_report),
        round=round_,
        overdue_states=late,
        overdue_reviews=reviews.order_by(
            *Localised.each("employee__department__name", *EMPLOYEE_NAME), "pk"
        ),
    )
    count = report.overdue_count
    if count and (overdue_limit is None or count <= overdue_limit):
        related = ("employee__user", "employee__department", "manager__user")
        report.overdue = list(report.overdue_reviews.select_related(*related))
    return report


# 2. The MED committee's figures: the share of employees whose MUS was held, per unit and year


@dataclass
class YearFigures:
    year: int
    employees: int
    held: int
    concluded: int

    @property
    def held_share(self) -> float | None:
        return share(self.held, self.employees)

    @property
    def concluded_share(self) -> float | None:
        return share(self.concluded, self.employees)


@dataclass
class MedReport(TreeReport):
    year: int | None = None
    years: list[YearFigures] = field(default_factory=list)


def med_columns() -> list[Column]:
    return [
        Column("employees", _("Employees")),
        Column("held", _("MUS held")),
        Column("held_share", _("Share held"), "share"),
        Column("concluded", _("Concluded")),
        Column("concluded_share", _("Share concluded"), "share"),
    ]


def _employees_held_concluded() -> dict:
    # Distinct employees: someone in two rounds of one year counts once, as held if either was.
    return {
        "employees": Count("employee", distinct=True),
        "held": Count("employee", distinct=True, filter=Q(state__in=HELD)),
        "concluded": Count("employee", distinct=True, filter=Q(state=State.CONCLUDED)),
    }


def med_years() -> list[YearFigures]:
    """Every year with rounds (by the year their talks begin), the whole organisation."""
    reviews = Review.objects.exclude(round__status=Round.Status.DRAFT)
    per_year = (
        reviews.annotate(year=ExtractYear("round__talks_start"))
        .values("year")
        .annotate(**_employees_held_concluded())
        .order_by("year")
    )
    # Each row holds the year and the three counts: django-stubs sees the year alone.
    return [YearFigures(**cast(dict[str, int], figures)) for figures in per_year]


def med_report(
    year: int | None = None, department: int | None = None, levels: int | None = LEVELS_SHOWN
) -> MedReport:
    """Per unit, for one year: employees in that year's rounds, how many had their MUS held
    ("talk held" or "concluded") and how many concluded it. The latest year by default.

    Queries: the years, one grouped count for the chosen year, the department list.
    """
    years = med_years()
    known = [y.year for y in years]
    if year is None:
        year = known[-1] if known else None
    elif year not in known:
        raise Http404
    own: dict[int, Counts] = {}
    if year is not None:
        per_department = (
            Review.objects.exclude(round__status=Round.Status.DRAFT)
            .filter(round__talks_start__year=year)
            .values("employee__department")
            .annotate(**_employees_held_concluded())
            .order_by()
        )
        for f in per_department:
            counts = cast(dict[str, int], f)  # the department and the three counts
            own[counts.pop("employee__department")] = Counter(counts)
    figures = Figures(DepartmentTree.load(), own, present="employees")

    def cells(row: ReportRow, c: Counts) -> list:
        employees = c["employees"]
        return [
            employees,
            c["held"],
            share(c["held"], employees),
            c["concluded"],
            share(c["concluded"], employees),
        ]

    report = _tree_report(figures, med_columns(), figures.unit(department), cells, levels)
    return MedReport(**vars(report), year=year, years=years)


# 3. The focus map: how many have each competence as an agreed focus area, per unit


@dataclass
class FocusMap(TreeReport):
    round: Round | None = None
    competences: list[Competence] = field(default_factory=list)

    @property
    def anything_hidden(self) -> bool:
        return any(cell is HIDDEN for row in [*self.rows, self.totals] for cell in row.cells)


OWN_COMPETENCES = "own"  # focus areas on a competence of one's own, counted together
GOALS = "goals"  # employees with at least one agreed development goal


def focus_columns(competences: list[Competence]) -> list[Column]:
    return [
        Column("held", _("Talks held")),
        *(Column(f"c{c.pk}", c.name) for c in competences),
        Column(OWN_COMPETENCES, _("Own competences")),
        Column(GOALS, _("With agreed goals")),
    ]


def focus_map(
    round_: Round, department: int | None = None, levels: int | None = LEVELS_SHOWN
) -> FocusMap:
    """Employees with each competence as an agreed focus area, per unit, in one round.

    Agreed means the talk took place ("talk held" or "concluded"). Counts are of distinct
    employees (one review each per round). Any group of fewer than five people is hidden,
    and so is any figure from which a hidden one could be worked out (``suppress``).

    Queries: talks held, focus areas, agreed goals (each grouped), the competences, the
    department list.
    """
    held = Q(review__round=round_, review__state__in=HELD)
    own: dict[int, Counts] = defaultdict(Counter)
    talks = round_.reviews.filter(state__in=HELD).values_list("employee__department")
    for department_id, n in talks.annotate(n=Count("pk")).order_by():
        own[department_id]["held"] = n
    focus = FocusArea.objects.filter(held).values_list("review__employee__department", "competence")
    for department_id, competence_id, n in focus.annotate(
        n=Count("review", distinct=True)
    ).order_by():
        own[department_id][f"c{competence_id}" if competence_id else OWN_COMPETENCES] = n
    agreed = Goal.objects.filter(
        held, accepted_by_employee=F("wording"), accepted_by_manager=F("wording")
    ).values_list("review__employee__department")
    for department_id, n in agreed.annotate(n=Count("review", distinct=True)).order_by():
        own[department_id][GOALS] = n

    competences = list(round_.catalogue.competences.order_by("position"))
    columns = focus_columns(competences)
    figures = Figures(DepartmentTree.load(), own, present="held")
    hidden = suppress(figures, [column.key for column in columns])

    def cells(row: ReportRow, counts: Counts) -> list:
        return [
            HIDDEN if (row.term, column.key) in hidden else counts[column.key] for column in columns
        ]

    report = _tree_report(figures, columns, figures.unit(department), cells, levels)
    return FocusMap(**vars(report), round=round_, competences=competences)


def suppress(figures: Figures, keys: list[str]) -> set[tuple[Term, str]]:
    """Which (row, column) figures to hide so that no group of fewer than five shows.

    First every count from 1 to 4, and every figure, zeros too, of a unit where fewer
    than five had their talk. Then, sum by sum (a unit's figure is the sum of the people
    directly in it and the units below it; the organisation's, of its top units), until
    nothing changes, one more figure is hidden where a sum would give a hidden one away:

    - by subtraction, when exactly one of its figures is hidden;
    - by what is left for its hidden parts, when that is nothing or everyone in them
      (every hidden part is then 0, or all of its people).

    The one more is the smallest part that is neither 0 nor everyone, else the total.
    In a tree of sums this leaves every hidden figure beside another unknown in each sum
    it is part of, so none can be worked out. The number of talks held, which sizes the
    groups, is only protected from subtraction: it is a count of people, not a choice.

    Hiding is computed over the whole organisation, so a drill-down shows the same.
    """
    equations = list(figures.equations())
    terms = {term for total, parts in equations for term in (total, *parts)}
    terms |= {("unit", unit.pk) for unit in figures.tree.walk() if figures.shown(unit)}
    size = {term: figures.counts(term)[figures.present] for term in terms}
    small_group = {term for term in terms if 0 < size[term] < SMALLEST_GROUP}
    hidden = set()
    for key in keys:
        value = {term: figures.counts(term)[key] for term in terms}
        column = {t for t in terms if t in small_group or 0 < value[t] < SMALLEST_GROUP}
        _hide_what_gives_away(column, equations, value, size, key != figures.present)
        hidden |= {(term, key) for term in column}
    return hidden


def _hide_what_gives_away(
    hidden: set[Term],
    equations: list[tuple[Term, list[Term]]],
    value: dict[Term, int],
    size: dict[Term, int],
    choice: bool,
) -> None:
    """Add to one column's ``hidden`` until no sum gives a hidden figure away (see suppress)."""

    def gives_away(total: Term, parts: list[Term]) -> bool:
        unknown = [term for term in (total, *parts) if term in hidden]
        if len(unknown) == 1:
            return True
        if not choice or not unknown or total in hidden:
            return False
        left = value[total] - sum(value[part] for part in parts if part not in hidden)
        return left in (0, sum(size[part] for part in unknown))

    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            if gives_away(total, parts):
                # A group nobody belongs to is known to be empty: hiding it protects nothing.
                candidates = [t for t in (total, *parts) if t not in hidden and size[t] > 0]
                hidden.add(
                    min(candidates, key=lambda t: (t == total, value[t] in (0, size[t]), value[t]))
                )
                changed = True


# Which round a focus map shows by default


def latest_round_with_talks() -> Round | None:
    """The newest round in which any talk was held, else the newest opened round."""
    opened = Round.objects.exclude(status=Round.Status.DRAFT).order_by("-talks_start", "name")
    talks = Review.objects.filter(round=OuterRef("pk"), state__in=HELD)
    return opened.filter(Exists(talks)).first() or opened.first()
