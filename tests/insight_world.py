"""A small municipality to count on: departments, people and reviews made in bulk.

Shared by the tests of HR's insight (progress, MED report, focus map) and their browser
journey, so that every figure they assert can be worked out by hand from what is here.
"""

from organisation.models import Department, Person, User
from reviews.models import TALK_STATES, FocusArea, Goal, Review


def tree(*spec: tuple[str, str, str | None]) -> dict[str, Department]:
    """Departments from (name, kind, parent name), parents first."""
    made: dict[str, Department] = {}
    for name, kind, parent in spec:
        made[name] = Department.objects.create(name=name, kind=kind, parent=made.get(parent))
    return made


def people(department: Department, count: int, manager: Person | None = None) -> list[Person]:
    """``count`` people in the department, numbered after its name: "Kontor A1 3"."""
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(username=f"p{start + i}", first_name=department.name, last_name=str(i + 1))
        for i in range(count)
    )
    return Person.objects.bulk_create(
        Person(user=user, employee_number=f"e{start + i}", department=department, manager=manager)
        for i, user in enumerate(users)
    )


def reviews(round_, employees: list[Person], state: str, manager: Person) -> list[Review]:
    return Review.objects.bulk_create(
        Review(
            round=round_,
            employee=employee,
            manager=manager,
            state=state,
            talk_manager=manager if state in TALK_STATES else None,
        )
        for employee in employees
    )


def focus(reviews_: list[Review], competence=None, name: str = "") -> None:
    FocusArea.objects.bulk_create(
        FocusArea(review=review, competence=competence, name=name) for review in reviews_
    )


def goals(reviews_: list[Review], agreed: bool = True) -> None:
    Goal.objects.bulk_create(
        Goal(
            review=review,
            title="Et udviklingsmål",
            wording=1,
            accepted_by_employee=1,
            accepted_by_manager=1 if agreed else 0,
        )
        for review in reviews_
    )
