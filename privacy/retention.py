"""How long reviews are kept, and deleting them with everything in them.

A review ends when it is concluded, or when its round is closed without it being
concluded (a closed round accepts nothing more). RETENTION_YEARS after its end it is
deleted: preparations, answers, marks, focus areas, goals, reflections and its trail.
A closed round left without reviews goes too. Removing a person deletes their own
reviews the same way (privacy.personal_data).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Model, Q, QuerySet

from reviews.models import (
    Answer,
    FocusArea,
    Goal,
    Mark,
    Preparation,
    Reflection,
    Review,
    Round,
    State,
)
from trail import recording
from trail.models import ReviewEvent

# What goes with a review, in the words the reports use, and how to find it.
PARTS: list[tuple[str, type[Model], str]] = [
    ("preparations", Preparation, "review__in"),
    ("answers", Answer, "preparation__review__in"),
    ("marks", Mark, "preparation__review__in"),
    ("focus areas", FocusArea, "review__in"),
    ("goals", Goal, "review__in"),
    ("reflections", Reflection, "review__in"),
    ("trail entries", ReviewEvent, "review__in"),
]


@dataclass
class Removal:
    """What a removal deletes (or, on a dry run, would delete)."""

    reviews_by_round: dict[str, int] = field(default_factory=dict)
    parts: Counter = field(default_factory=Counter)
    rounds: list[str] = field(default_factory=list)  # rounds deleted, left without reviews

    @property
    def reviews(self) -> int:
        return sum(self.reviews_by_round.values())

    def __bool__(self) -> bool:
        return bool(self.reviews or self.rounds)


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February, in a year that has none
        return moment.replace(year=moment.year - years, day=28)


def closed_before(cutoff: datetime.datetime, prefix: str = "") -> Q:
    """Rounds closed before the cutoff; one closed without a date, by the end of its talks."""
    return Q(**{f"{prefix}status": Round.Status.CLOSED}) & (
        Q(**{f"{prefix}closed_at__lt": cutoff})
        | Q(**{f"{prefix}closed_at__isnull": True, f"{prefix}talks_end__lt": cutoff.date()})
    )


def ended_before(cutoff: datetime.datetime) -> QuerySet[Review]:
    concluded = Q(state=State.CONCLUDED, state_changed_at__lt=cutoff)
    abandoned = closed_before(cutoff, "round__") & ~Q(state=State.CONCLUDED)
    return Review.objects.filter(concluded | abandoned)


def measure(
    reviews: QuerySet[Review], rounds_closed_before: datetime.datetime | None = None
) -> Removal:
    """Count what deleting these reviews deletes: a query per kind, whatever the number.

    With ``rounds_closed_before``, the closed rounds this leaves without any review go too
    (their selection of people is personal data as well).
    """
    by_round = reviews.values("round__name").annotate(n=Count("pk")).order_by("round__name")
    removal = Removal(reviews_by_round={row["round__name"]: row["n"] for row in by_round})
    ids = reviews.values("pk")
    for name, model, lookup in PARTS:
        removal.parts[name] = model._default_manager.filter(**{lookup: ids}).count()
    if rounds_closed_before is not None:
        closed = Round.objects.filter(closed_before(rounds_closed_before)).annotate(
            total=Count("reviews")
        )
        removal.rounds = sorted(
            r.name for r in closed if r.total == removal.reviews_by_round.get(r.name, 0)
        )
    return removal


def delete_reviews(
    reviews: QuerySet[Review],
    reason: str,
    rounds_closed_before: datetime.datetime | None = None,
) -> Removal:
    """Delete the reviews with everything in them, their trail included, in one transaction."""
    with recording.removal(reason):
        removal = measure(reviews, rounds_closed_before)
        Review.objects.filter(pk__in=list(reviews.values_list("pk", flat=True))).delete()
        Round.objects.filter(name__in=removal.rounds, reviews__isnull=True).delete()
    return removal
