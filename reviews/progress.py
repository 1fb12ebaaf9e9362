"""Read-only figures for dashboards and HR's pages, each in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from common.collation import Localised
from organisation.models import Person
from reviews.models import HELD, NOT_PREPARED, Goal, Preparation, Review, Round, State

EMPLOYEE_NAME = ("employee__user__first_name", "employee__user__last_name")
NOT_HELD = [state for state in State.values if state not in HELD]
PREPARING_MODES = [Round.Mode.BOTH, Round.Mode.EMPLOYEE_ONLY]


def overdue_states(round_: Round, today: datetime.date | None = None) -> list[str]:
    """The states in which a review of this round is late today.

    Not prepared after the preparation deadline (unless nobody fills in, in this round's
    mode), and, once the window for the talks has closed, every talk not yet held.
    """
    today = today or timezone.localdate()
    if round_.talks_end < today:
        return NOT_HELD
    if round_.preparation_deadline < today and round_.mode in PREPARING_MODES:
        return NOT_PREPARED
    return []


def _overdue_filter(today: datetime.date) -> Q:
    """overdue_states() as SQL, for many rounds in one query (from the round's side)."""
    return Q(talks_end__lt=today, reviews__state__in=NOT_HELD) | Q(
        preparation_deadline__lt=today,
        mode__in=PREPARING_MODES,
        reviews__state__in=NOT_PREPARED,
    )


def rounds_with_counts(rounds=None):
    return (rounds if rounds is not None else Round.objects.all()).annotate(
        total=Count("reviews"),
        concluded=Count("reviews", filter=Q(reviews__state=State.CONCLUDED)),
        overdue=Count("reviews", filter=_overdue_filter(timezone.localdate())),
    )


def with_sharing(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """Whether each party's preparation is shared (``Review.shared_by``), in the same query.

    While the parties prepare, the manager of record is the one who leads the review.
    """
    shared = Preparation.objects.filter(review=OuterRef("pk"), shared_at__isnull=False)
    return reviews.annotate(
        employee_shared=Exists(shared.filter(author=OuterRef("employee_id"))),
        manager_shared=Exists(shared.filter(author=OuterRef("manager_id"))),
    )


def reviews_as_employee(person: Person) -> list[Review]:
    """The employee's reviews, newest first."""
    return list(
        with_sharing(Review.objects.filter(employee=person))
        .select_related("round", "manager__user")
        .order_by("-round__talks_start")
    )


def reviews_as_manager(person: Person) -> list[Review]:
    """The reviews a manager leads in rounds that are under way."""
    return list(
        with_sharing(Review.objects.filter(manager=person, round__status=Round.Status.OPEN))
        .select_related("round", "employee__user")
        .order_by("round__preparation_deadline", *Localised.each(*EMPLOYEE_NAME))
    )


@dataclass(frozen=True)
class FollowedGoal:
    """A goal as the dashboard follows it up: late once its date has passed undone. One
    not agreed yet is shown while it can still be accepted, saying whose acceptance it
    waits for."""

    goal: Goal
    late: bool


def goals_to_follow(review: Review, today: datetime.date | None = None) -> list[FollowedGoal]:
    """The goals of a review whose talk is held (one query, only then): the agreed ones,
    and until the employee confirms the talk, those still waiting for an acceptance."""
    if review.state not in HELD:
        return []
    today = today or timezone.localdate()
    acceptable = review.state == State.TALK_HELD and review.round.status == Round.Status.OPEN
    return [
        FollowedGoal(
            goal,
            late=goal.due is not None and goal.due < today and goal.status != Goal.Status.DONE,
        )
        for goal in review.goals.all()
        if goal.is_agreed or acceptable
    ]


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
        .select_related("round")
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
