"""organisation.auth.Backend: the user for a request, their person and the HR right in one query."""

import pytest
from django.contrib.auth.models import Permission

from organisation import roles
from organisation.auth import Backend
from reviews import access

pytestmark = pytest.mark.django_db


def _as_read_for_a_request(user):
    return Backend().get_user(user.pk)


def test_the_user_comes_with_their_person_in_one_query(employee, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = _as_read_for_a_request(employee.user)
        assert user.person.department.name and user.person.manager.user.username
        assert roles.is_hr(user) is False


def test_the_hr_group_makes_hr_with_no_query_of_its_own(hr_user, django_assert_num_queries):
    user = _as_read_for_a_request(hr_user)
    with django_assert_num_queries(0):
        assert roles.is_hr(user) is True
        assert access.person_of(user) is None


def test_the_right_given_to_the_user_alone_makes_hr_as_django_decides(employee):
    right = Permission.objects.get(content_type__app_label="reviews", codename="change_round")
    employee.user.user_permissions.add(right)
    user = _as_read_for_a_request(employee.user)
    assert roles.is_hr(user) is True
    assert user.has_perm("reviews.change_round")  # Django's own answer agrees


def test_another_right_does_not_make_hr(employee):
    other = Permission.objects.get(content_type__app_label="reviews", codename="view_round")
    employee.user.user_permissions.add(other)
    assert roles.is_hr(_as_read_for_a_request(employee.user)) is False


def test_a_superuser_is_hr_and_an_inactive_hr_member_is_not(superuser, hr_user):
    assert roles.is_hr(_as_read_for_a_request(superuser)) is True
    hr_user.is_active = False
    hr_user.save()
    assert _as_read_for_a_request(hr_user) is None  # logged out, as with Django's backend
    assert roles.is_hr(hr_user) is False


def test_a_user_not_read_by_the_backend_is_asked_once(hr_user, django_assert_num_queries):
    assert roles.is_hr(hr_user) is True  # Django's has_perm, which keeps its answer
    with django_assert_num_queries(0):
        assert roles.is_hr(hr_user) is True
