"""The factories: the rules they keep, and build_many building what build builds."""

import datetime

import factory
import pytest

from common.factories import build_many
from organisation.factories import (
    DepartmentFactory,
    HRUserFactory,
    PersonFactory,
    SuperuserFactory,
    UserFactory,
)
from organisation.models import Department, Person, User
from organisation.roles import is_hr
from reviews.factories import (
    FocusAreaFactory,
    GoalFactory,
    PreparationFactory,
    ReflectionFactory,
    ReviewFactory,
    RoundFactory,
)
from reviews.models import Party, Review, Round, State
from trail.factories import ReviewEventFactory

# Set from a default that differs on every call (a random id, the time of building).
UNREPEATABLE = {"public_id", "state_changed_at", "at", "date_joined"}


def fields(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in UNREPEATABLE
    }


def unsaved_people():
    """An office, a manager and an employee with ids, as bulk_create leaves them."""
    office = Department(pk=1, name="Kontoret", kind="kontor")
    manager = Person(pk=1, employee_number="1", department=office)
    return office, manager, Person(pk=2, employee_number="2", department=office, manager=manager)


def cases():
    office, manager, employee = unsaved_people()
    round_ = Round(pk=1, name="MUS 2027")
    invited = Review(pk=1, round=round_, employee=employee, manager=manager, state=State.INVITED)
    in_talk = Review(pk=2, round=round_, employee=employee, manager=manager, state=State.TALK_HELD)
    in_talk.talk_manager = manager
    return {
        "departments": (DepartmentFactory, {}, [{}, {"name": "Centret", "kind": "center"}]),
        "users": (
            UserFactory,
            {"password": factory.Transformer.Force("hash")},
            [{}, {"username": "anne", "last_name": "Andersen"}, {"email": ""}],
        ),
        "people": (
            PersonFactory,
            {"department": office},
            [{"user": User(pk=1)}, {"user": User(pk=2), "manager": manager}],
        ),
        "reviews": (
            ReviewFactory,
            {"round": round_},
            [{"employee": employee, "state": state} for state in State.values],
        ),
        "preparations": (
            PreparationFactory,
            {},
            [
                {"review": review, "party": party}
                for review in (invited, in_talk)
                for party in Party.values
            ],
        ),
        "focus areas": (FocusAreaFactory, {"review": in_talk}, [{"name": "Kagebagning"}]),
        "goals": (GoalFactory, {"review": in_talk}, [{}, {"accepted_by_employee": 1}]),
        "trail": (ReviewEventFactory, {"review": invited}, [{"actor": User(pk=1)}]),
    }


@pytest.mark.parametrize("case", list(cases()))
def test_build_many_builds_what_build_builds(case):
    factory_class, shared, rows = cases()[case]
    factory_class.reset_sequence(1)
    built = [factory_class.build(**shared, **row) for row in rows]
    factory_class.reset_sequence(1)
    many = build_many(factory_class, rows, **shared)
    assert [fields(instance) for instance in many] == [fields(instance) for instance in built]


def test_build_many_hashes_a_password_as_build_does(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    given, unusable = build_many(UserFactory, [{"password": "hemmeligt"}, {}])
    assert given.check_password("hemmeligt")
    assert not unusable.has_usable_password()


def test_build_many_refuses_what_it_cannot_build_as_build_would():
    with pytest.raises(TypeError, match="give 'employee' in every row"):
        build_many(ReviewFactory, [{"round": Round(pk=1)}])  # a SubFactory would make people
    with pytest.raises(TypeError, match="HRUserFactory"):
        build_many(HRUserFactory, [{}])  # its HR group is added after saving


def test_a_review_in_a_talks_state_names_the_manager_who_led_it(db, catalogues):
    for state in State.values:
        review = ReviewFactory(state=state)
        assert review.manager == review.employee.manager
        assert review.talk_manager == (review.manager if review.in_talk else None)


@pytest.mark.parametrize("factory_class", [PreparationFactory, ReflectionFactory])
def test_writing_is_by_whoever_holds_the_partys_place(db, catalogues, factory_class):
    review = ReviewFactory(state=State.TALK_HELD)
    employees = factory_class(review=review, party=Party.EMPLOYEE)
    managers = factory_class(review=review, party=Party.MANAGER)
    assert (employees.author, managers.author) == (review.employee, review.manager)


def test_a_round_takes_kls_catalogue_and_the_talks_of_spring_2027(db, catalogues):
    round_ = RoundFactory()
    assert (round_.catalogue.name, round_.question_set.name) == ("KL MUS 2015", "KL MUS 2015")
    assert (round_.status, round_.talks_start) == (Round.Status.DRAFT, datetime.date(2027, 2, 8))


def test_logins_and_their_powers(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    plain = UserFactory(password="hemmeligt")
    hr = HRUserFactory()
    root = SuperuserFactory()
    assert plain.check_password("hemmeligt") and not plain.is_administrative
    assert plain.email == f"{plain.username}@kommune.example.dk"
    assert is_hr(hr) and hr.is_staff and not hr.is_superuser
    assert not hr.has_usable_password()  # no password unless one is given
    assert root.is_superuser and is_hr(root)
