"""Dashboards and HR's pages run a number of queries that does not grow with the data."""

import pytest
from django.urls import reverse

from mus.models import Person, User
from reviews.models import Review
from tests.conftest import make_round

pytestmark = pytest.mark.django_db

SIZES = [10, 300]


def reports_with_reviews(n, manager, round_, office):
    users = User.objects.bulk_create(User(username=f"report{i}") for i in range(n))
    people = Person.objects.bulk_create(
        Person(user=u, employee_number=f"r{i}", department=office, manager=manager)
        for i, u in enumerate(users)
    )
    Review.objects.bulk_create(Review(round=round_, employee=p, manager=manager) for p in people)


@pytest.fixture
def round_2027(kl_catalogue, kl_questions):
    return make_round(kl_catalogue, kl_questions, status="open")


@pytest.mark.parametrize("n", SIZES)
def test_manager_dashboard(client, manager, office, round_2027, n, django_assert_max_num_queries):
    reports_with_reviews(n, manager, round_2027, office)
    client.force_login(manager.user)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("dashboard"))
    assert len(response.context["led_reviews"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_employee_dashboard_over_many_rounds(
    client, employee, manager, kl_catalogue, kl_questions, n, django_assert_max_num_queries
):
    Review.objects.bulk_create(
        Review(
            round=make_round(kl_catalogue, kl_questions, name=f"MUS {2027 - i}", status="closed"),
            employee=employee,
            manager=manager,
        )
        for i in range(n)
    )
    client.force_login(employee.user)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("dashboard"))
    assert len(response.context["own_reviews"]) == n


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("page", ["dashboard", "round_list", "round_detail"])
def test_hr_pages(
    client, hr_user, manager, office, round_2027, n, page, django_assert_max_num_queries
):
    reports_with_reviews(n, manager, round_2027, office)
    Review.objects.filter(pk__in=Review.objects.values("pk")[: n // 2]).update(state="concluded")
    client.force_login(hr_user)
    args = [round_2027.pk] if page == "round_detail" else []
    with django_assert_max_num_queries(14):
        response = client.get(reverse(page, args=args))
    assert response.status_code == 200
    if page == "round_detail":
        assert response.context["report"].review_count == n
