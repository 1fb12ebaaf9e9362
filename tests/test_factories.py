"""The factories: the rules they keep, for the tests, the demo and the bench alike."""

import datetime

import pytest

from common.factories import build_many
from organisation.factories import (
    HRUserFactory,
    SuperuserFactory,
    UserFactory,
)
from organisation.roles import is_hr
from reviews.factories import (
    PreparationFactory,
    ReflectionFactory,
    ReviewFactory,
    RoundFactory,
)
from reviews.models import Party, Round, State


def test_build_many_hashes_a_password_as_build_does(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    given, unusable = build_many(UserFactory, [{"password": "hemmeligt"}, {}])
    assert given.check_password("hemmeligt")
    assert not unusable.has_usable_password()


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
