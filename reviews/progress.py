"""Read-only figures for dashboards and HR's pages, each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from mus.collation import Localised, sort_key
from mus.models import Department, Person
from reviews.models import NOT_PREPARED, Review, Round, State

EMPLOYEE_NAME = ("employee__user__first_name", "employee__user__last_name")
OVERDUE_SHOWN = 200  # a page lists this many overdue reviews; the count says how many in all


def _overdue_filter(today):
    return Q(state__in=NOT_PREPARED, round__preparation_deadline__lt=today)


def rounds_with_counts(rounds=None):
    today = timezone.localdate()
    return (rounds if rounds is not None else Round.objects.all()).annotate(
        total=Count("reviews"),
        concluded=Count("reviews", filter=Q(reviews__state=State.CONCLUDED)),
        overdue=Count(
            "reviews",
            filter=Q(reviews__state__in=NOT_PREPARED, preparation_deadline__lt=today),
        ),
    )


@dataclass
class DepartmentRow:
    department: Department
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(state, 0) for state in State.values]


@dataclass
class RoundProgress:
    departments: list[DepartmentRow]
    totals: DepartmentRow
    overdue: list[Review]
    overdue_count: int
    participant_count: int


def round_progress(round_: Round) -> RoundProgress:
    rows: dict[int, DepartmentRow] = {}
    counts = (
        round_.reviews.values("employee__department", "state").annotate(n=Count("pk")).order_by()
    )
    departments = Department.objects.in_bulk({c["employee__department"] for c in counts})
    totals = DepartmentRow(department=None)
    for c in counts:
        row = rows.setdefault(
            c["employee__department"],
            DepartmentRow(department=departments[c["employee__department"]]),
        )
        row.counts[c["state"]] = c["n"]
        totals.counts[c["state"]] = totals.counts.get(c["state"], 0) + c["n"]

    overdue = round_.reviews.filter(_overdue_filter(timezone.localdate()))
    return RoundProgress(
        departments=sorted(rows.values(), key=lambda r: sort_key(r.department.name)),
        totals=totals,
        overdue=list(
            overdue.select_related(
                "employee__user", "employee__department", "manager__user"
            ).order_by(*Localised.each("employee__department__name", *EMPLOYEE_NAME))[
                :OVERDUE_SHOWN
            ]
        ),
        overdue_count=overdue.count(),
        participant_count=(
            round_.participants().count() if round_.status == Round.Status.DRAFT else totals.total
        ),
    )


def reviews_as_employee(person: Person) -> list[Review]:
    return list(
        Review.objects.filter(employee=person)
        .select_related("round", "manager__user")
        .order_by("-round__talks_start")
    )


def reviews_as_manager(person: Person) -> list[Review]:
    """The reviews a manager leads in rounds that are under way."""
    return list(
        Review.objects.filter(manager=person, round__status=Round.Status.OPEN)
        .select_related("round", "employee__user", "employee__department")
        .order_by("round__preparation_deadline", *Localised.each(*EMPLOYEE_NAME))
    )


@dataclass
class Agreements:
    """What was agreed in one talk: the focus areas and the goals both accepted."""

    review: Review
    focus_areas: list
    goals: list


def previous_agreements(review: Review) -> Agreements | None:
    """The employee's last talk before this round, to follow up on.

    Found by employee, not by manager: agreed goals follow the employee to a new manager.
    """
    earlier = (
        Review.objects.filter(
            employee_id=review.employee_id,
            state__in=[State.TALK_HELD, State.CONCLUDED],
            round__talks_start__lt=review.round.talks_start,
        )
        .select_related("round", "manager__user")
        .order_by("-round__talks_start")
        .first()
    )
    if earlier is None:
        return None
    return Agreements(
        review=earlier,
        focus_areas=list(earlier.focus_areas.select_related("competence")),
        goals=[goal for goal in earlier.goals.all() if goal.is_agreed],
    )
