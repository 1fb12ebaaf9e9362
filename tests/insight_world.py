"""A small municipality to count on: departments, people and reviews made in bulk.

Shared by the tests of HR's insight (progress, MED report, focus map) and their browser
journey, so that every figure they assert can be worked out by hand from what is here.
"""

from common.factories import build_many
from organisation.factories import DepartmentFactory, PersonFactory, UserFactory
from organisation.models import Department, Person, User
from reviews.factories import FocusAreaFactory, GoalFactory, ReviewFactory
from reviews.models import FocusArea, Goal, Review


def tree(*spec: tuple[str, str, str | None]) -> dict[str, Department]:
    """Departments from (name, kind, parent name), parents first."""
    made: dict[str, Department] = {}
    for name, kind, parent in spec:
        made[name] = DepartmentFactory(name=name, kind=kind, parent=made.get(parent))
    return made


def people(department: Department, count: int, manager: Person | None = None) -> list[Person]:
    """``count`` people in the department, numbered after its name: "Kontor A1 3"."""
    start = User.objects.count()
    users = User.objects.bulk_create(
        build_many(
            UserFactory,
            (
                {
                    "username": f"p{start + i}",
                    "first_name": department.name,
                    "last_name": str(i + 1),
                }
                for i in range(count)
            ),
            email="",  # told of nothing: these tests count, they send no e-mail
        )
    )
    return Person.objects.bulk_create(
        build_many(
            PersonFactory,
            ({"user": user, "employee_number": f"e{start + i}"} for i, user in enumerate(users)),
            department=department,
            manager=manager,
        )
    )


def reviews(round_, employees: list[Person], state: str, manager: Person) -> list[Review]:
    return Review.objects.bulk_create(
        build_many(
            ReviewFactory,
            ({"employee": employee} for employee in employees),
            round=round_,
            manager=manager,
            state=state,
        )
    )


def focus(reviews_: list[Review], competence=None, name: str = "") -> None:
    FocusArea.objects.bulk_create(
        build_many(
            FocusAreaFactory,
            ({"review": review} for review in reviews_),
            competence=competence,
            name=name,
        )
    )


def goals(reviews_: list[Review], agreed: bool = True) -> None:
    """Goals as first worded, which the manager has accepted only if ``agreed``."""
    Goal.objects.bulk_create(
        build_many(
            GoalFactory,
            ({"review": review} for review in reviews_),
            accepted_by_employee=1,
            accepted_by_manager=1 if agreed else 0,
        )
    )
