"""Dashboards and HR's pages run a number of queries that does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.factories import build_many
from competencies.models import Question
from organisation.factories import PersonFactory, UserFactory
from organisation.models import Person, User
from reviews.factories import (
    AnswerFactory,
    FocusAreaFactory,
    MarkFactory,
    PreparationFactory,
    ReviewFactory,
)
from reviews.models import Answer, FocusArea, Mark, Preparation, Review
from tests import insight_world as world
from tests.conftest import make_round

pytestmark = pytest.mark.django_db

SIZES = [10, 300]


def reports_with_reviews(usernames, numbers, manager, round_, office):
    """Reports of the manager (logins without a name), each with a review in the round."""
    users = User.objects.bulk_create(
        build_many(UserFactory, ({"username": name} for name in usernames), first_name="", email="")
    )
    people = Person.objects.bulk_create(
        build_many(
            PersonFactory,
            (
                {"user": user, "employee_number": number}
                for user, number in zip(users, numbers, strict=True)
            ),
            department=office,
            manager=manager,
        )
    )
    Review.objects.bulk_create(
        build_many(ReviewFactory, ({"employee": person} for person in people), round=round_)
    )


@pytest.fixture
def round_2027(kl_catalogue, kl_questions):
    return make_round(kl_catalogue, kl_questions, status="open")


@pytest.mark.parametrize("n", SIZES)
def test_manager_dashboard(client, manager, office, round_2027, n, django_assert_max_num_queries):
    reports_with_reviews(
        [f"report{i}" for i in range(n)], [f"r{i}" for i in range(n)], manager, round_2027, office
    )
    client.force_login(manager.user)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("dashboard"))
    assert len(response.context["led_reviews"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_employee_dashboard_over_many_rounds(
    client, employee, manager, kl_catalogue, kl_questions, n, django_assert_max_num_queries
):
    Review.objects.bulk_create(
        build_many(
            ReviewFactory,
            (
                {
                    "round": make_round(
                        kl_catalogue, kl_questions, name=f"MUS {2027 - i}", status="closed"
                    )
                }
                for i in range(n)
            ),
            employee=employee,
            manager=manager,
        )
    )
    client.force_login(employee.user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("dashboard"))
    assert len(response.context["own_reviews"]) == n


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("page", ["dashboard", "round_list", "round_detail"])
def test_hr_pages(
    client, hr_user, manager, office, round_2027, n, page, django_assert_max_num_queries
):
    reports_with_reviews(
        [f"report{i}" for i in range(n)], [f"r{i}" for i in range(n)], manager, round_2027, office
    )
    Review.objects.filter(pk__in=Review.objects.values("pk")[: n // 2]).update(
        state="concluded", talk_manager=F("manager")
    )
    client.force_login(hr_user)
    args = [round_2027.pk] if page == "round_detail" else []
    # 11: the round's page also shows its bulk work (issue 19), one query.
    with django_assert_max_num_queries(11):
        response = client.get(reverse(page, args=args))
    assert response.status_code == 200
    if page == "round_detail":
        assert response.context["report"].review_count == n


# Every page the bench measures (bench/measure.py), at 2 and at 20 of what it lists: the
# same number of queries both times, and no more than the page's budget.


def queries_of(client, url, method="get", data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def same_at_2_and_20(client, url, grow, budget, assert_max, method="get", data=None):
    """Queries at size 2, then ``grow(18)`` more of the page's items, then again."""
    grow(2)
    queries_of(client, url, method, data)  # once to warm what is cached per process
    small = queries_of(client, url, method, data)
    grow(18)
    with assert_max(budget):
        large = queries_of(client, url, method, data)
    assert small == large, f"{url}: {small} queries with 2, {large} with 20"


def goals_and_focus(review, n, start=0):
    world.goals([review] * n)
    FocusArea.objects.bulk_create(
        build_many(
            FocusAreaFactory, ({"name": f"Egen {start + i}"} for i in range(n)), review=review
        )
    )


def both_prepared(review):
    for party in ("employee", "manager"):
        preparation = PreparationFactory(review=review, party=party, shared_at=timezone.now())
        Mark.objects.bulk_create(
            build_many(
                MarkFactory,
                ({"competence": c} for c in review.round.catalogue.competences.all()),
                preparation=preparation,
                level="fine",
                note="En note",
            )
        )
        Answer.objects.bulk_create(
            build_many(
                AnswerFactory,
                (
                    {"question": q}
                    for q in Question.objects.filter(theme__question_set=review.round.question_set)
                ),
                preparation=preparation,
                text="Et svar",
            )
        )


def test_manager_dashboard_2_and_20_reports(
    client, manager, office, round_2027, django_assert_max_num_queries
):
    made = iter(range(1000))

    def grow(n):
        base = next(made) * 100
        names = [f"r{base + i}" for i in range(n)]
        reports_with_reviews(names, names, manager, round_2027, office)

    client.force_login(manager.user)
    same_at_2_and_20(client, reverse("dashboard"), grow, 7, django_assert_max_num_queries)


def test_progress_page_2_and_20_participants(
    client, hr_user, municipality, kl_catalogue, kl_questions, django_assert_max_num_queries
):
    round_ = make_round(kl_catalogue, kl_questions, status="open")
    boss = world.people(municipality["Kommunen"], 1)[0]
    units = ["Kontor A1", "Kontor A2", "Kontor B1", "Center A"]
    states = iter(["invited", "preparing", "shared", "talk_held", "concluded"] * 100)

    def grow(n):
        for i in range(n):
            person = world.people(municipality[units[i % len(units)]], 1, boss)
            world.reviews(round_, person, next(states), boss)

    client.force_login(hr_user)
    url = reverse("round_progress", args=[round_.pk])
    same_at_2_and_20(client, url, grow, 8, django_assert_max_num_queries)


@pytest.fixture
def previous_talk(kl_catalogue, kl_questions, employee, manager):
    """Last year's concluded talk, whose focus areas and goals the preparation shows."""
    round_ = make_round(
        kl_catalogue,
        kl_questions,
        name="MUS 2026",
        status="closed",
        preparation_deadline=datetime.date(2026, 2, 1),
        talks_start=datetime.date(2026, 2, 8),
        talks_end=datetime.date(2026, 3, 31),
    )
    return ReviewFactory(round=round_, employee=employee, manager=manager, state="concluded")


def test_preparation_page_2_and_20_goals(
    client, review, employee, previous_talk, django_assert_max_num_queries
):
    both_prepared(review)
    Preparation.objects.filter(review=review, party="employee").update(shared_at=None)
    client.force_login(employee.user)
    url = reverse("prepare", args=[review.public_id])
    same_at_2_and_20(
        client, url, lambda n: goals_and_focus(previous_talk, n), 13, django_assert_max_num_queries
    )


def test_marking_2_and_20_goals(
    client, review, employee, previous_talk, django_assert_max_num_queries
):
    client.force_login(employee.user)
    competence = review.round.catalogue.competences.first()
    url = reverse("prepare_level", args=[review.public_id])
    data = {"key": f"c{competence.pk}", "level": "fine"}
    client.defaults["HTTP_HX_REQUEST"] = "true"
    same_at_2_and_20(
        client,
        url,
        lambda n: goals_and_focus(previous_talk, n),
        14,
        django_assert_max_num_queries,
        method="post",
        data=data,
    )


@pytest.mark.parametrize("state", ["talk_started", "concluded"])
def test_talk_page_and_pdf_2_and_20_goals(
    client, review, employee, manager, state, django_assert_max_num_queries
):
    both_prepared(review)
    Review.objects.filter(pk=review.pk).update(state=state, talk_manager=review.manager)
    if state == "talk_started":
        client.force_login(manager.user)
        # 14: the two preparations' answers, laid side by side (issue 16), one query each.
        url, budget = reverse("talk", args=[review.public_id]), 14
    else:
        client.force_login(employee.user)
        # 18: a party's copy also shows each wheel and the prepared answers (issue 16).
        url, budget = reverse("review_pdf", args=[review.public_id]), 18
    same_at_2_and_20(
        client, url, lambda n: goals_and_focus(review, n), budget, django_assert_max_num_queries
    )


def test_employee_dashboard_2_and_20_rounds(
    client, employee, manager, kl_catalogue, kl_questions, django_assert_max_num_queries
):
    made = iter(range(1000))

    def grow(n):
        Review.objects.bulk_create(
            build_many(
                ReviewFactory,
                (
                    {
                        "round": make_round(
                            kl_catalogue, kl_questions, name=f"MUS {next(made)}", status="closed"
                        )
                    }
                    for _ in range(n)
                ),
                employee=employee,
                manager=manager,
            )
        )

    client.force_login(employee.user)
    same_at_2_and_20(client, reverse("dashboard"), grow, 8, django_assert_max_num_queries)
