"""The talk's comparison: per competence, the employee's mark beside the manager's.

Rows come ordered by how far apart the two are, so the talk begins where the views
differ most: two steps apart, one step, agreed, and last the ones not both marked.
"""

from dataclasses import dataclass

from django.utils.translation import pgettext

from competencies.models import Competence
from competencies.wheel import Level, Tooth, ToothMark
from reviews.models import Mark, Review
from reviews.preparation import PreparationSheet, sheet_for

RANK: dict[str, int] = {Level.STRONG: 0, Level.FINE: 1, Level.FOCUS: 2}


def symbols() -> dict[str, str]:
    """One letter per party on the shared wheel: M(edarbejder) and L(eder) in Danish."""
    return {
        "employee": pgettext("the employee's mark on the wheel", "E"),
        "manager": pgettext("the manager's mark on the wheel", "M"),
    }


@dataclass
class ComparedRow:
    key: str
    name: str
    competence: Competence | None
    employee: Mark | None
    manager: Mark | None

    def level_of(self, party: str) -> str:
        mark = getattr(self, party)
        return mark.level if mark else ""

    @property
    def distance(self) -> int | None:
        """Steps between the two marks (0 to 2), or None unless both marked it."""
        employee, manager = self.level_of("employee"), self.level_of("manager")
        if not employee or not manager:
            return None
        return abs(RANK[employee] - RANK[manager])

    @property
    def focus_key(self) -> tuple[int | None, str]:
        """How a focus area names this competence: the catalogue's by id, one's own by name."""
        return (self.competence.pk, "") if self.competence else (None, self.name)

    @property
    def sort_key(self) -> int:
        return {2: 0, 1: 1, 0: 2, None: 3}[self.distance]


def compare(
    review: Review, employee: PreparationSheet, manager: PreparationSheet
) -> list[ComparedRow]:
    by_key: dict[str, ComparedRow] = {}
    for party, sheet in (("employee", employee), ("manager", manager)):
        for row in sheet.rows:
            if not row.name:
                continue  # an empty slot of one's own
            # Own competences belong to the party who named them: key them apart.
            key = row.key if row.competence else f"{party}-{row.key}"
            compared = by_key.setdefault(
                key, ComparedRow(key, row.name, row.competence, None, None)
            )
            setattr(compared, party, row.mark)
    rows = list(by_key.values())
    return sorted(rows, key=lambda r: r.sort_key)  # stable: wheel order within a group


def both_sheets(review: Review, preparations: dict) -> tuple[PreparationSheet, PreparationSheet]:
    # The marks alone: the comparison never shows the answers, so they are not read.
    return (
        sheet_for(review, preparations.get("employee"), whole=False),
        sheet_for(review, preparations.get("manager"), whole=False),
    )


def shared_wheel_teeth(rows: list[ComparedRow]) -> list[Tooth]:
    """One wheel with both marks, told apart by letter (never by colour alone)."""
    letters = symbols()
    in_wheel_order = sorted(
        rows, key=lambda r: (r.competence is None, r.competence.position if r.competence else 0)
    )
    return [
        Tooth(
            key=row.key,
            label=row.name,
            marks=tuple(
                ToothMark(row.level_of(party), letters[party], party)
                for party in ("employee", "manager")
                if row.level_of(party)
            ),
        )
        for row in in_wheel_order
    ]


def describe(rows: list[ComparedRow]) -> str:
    """The shared wheel in words, as its text alternative."""
    parts = []
    for row in rows:
        marks = [
            f"{party_label}: {Level(row.level_of(party)).label}"
            for party, party_label in (
                ("employee", pgettext("party", "employee")),
                ("manager", pgettext("party", "manager")),
            )
            if row.level_of(party)
        ]
        if marks:
            parts.append(f"{row.name} ({', '.join(marks)})")
    return "; ".join(parts)


def rows_for(review: Review, preparations: dict) -> list[ComparedRow]:
    """The comparison of a review's two preparations, as the talk shows it."""
    return compare(review, *both_sheets(review, preparations))
