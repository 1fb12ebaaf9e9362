"""The preparation as each person lives it (issue 16): the manager's own words, the wheel
that explains itself, progress, and sharing as a decision."""

import datetime

import pytest
from django.urls import reverse

from reviews.models import Goal, State

pytestmark = pytest.mark.django_db


def url(name, review):
    return reverse(name, args=[review.public_id])


def page_of(client, user, name, review):
    client.force_login(user)
    response = client.get(url(name, review))
    assert response.status_code == 200
    return response.content.decode()


# Point 4: the manager's own words.


def test_mettes_preparation_speaks_to_mette(client, review, manager):
    page = page_of(client, manager.user, "prepare", review)
    assert "Din forberedelse af Annes MUS" in page
    assert "Dit blik på Annes kompetencer" in page
    assert "Dit blik på Annes kompetencer: intet markeret endnu" in page  # the wheel's name
    assert "<h1>Din forberedelse</h1>" not in page


def test_annes_preparation_speaks_to_anne(client, review, employee):
    page = page_of(client, employee.user, "prepare", review)
    assert "<h1>Din forberedelse</h1>" in page
    assert "Annes" not in page


def test_what_was_agreed_last_time_is_annes_for_mette(
    client, review, employee, manager, open_round
):
    from tests.conftest import make_round

    earlier_round = make_round(
        open_round.catalogue,
        open_round.question_set,
        name="MUS 2026",
        status="closed",
        preparation_deadline=datetime.date(2026, 2, 1),
        talks_start=datetime.date(2026, 2, 2),
        talks_end=datetime.date(2026, 3, 1),
    )
    earlier = earlier_round.reviews.create(
        employee=employee, manager=manager, state=State.CONCLUDED
    )
    Goal.objects.create(
        review=earlier, title="Lære Python", accepted_by_employee=1, accepted_by_manager=1
    )
    page = page_of(client, manager.user, "prepare", review)
    assert "Aftalt ved Annes sidste MUS (MUS 2026)" in page
    page = page_of(client, employee.user, "prepare", review)
    assert "Aftalt ved din sidste MUS (MUS 2026)" in page


def test_annes_review_page_does_not_tell_mette_about_her_manager(client, review, manager, employee):
    page = page_of(client, manager.user, "review_detail", review)
    assert "dig og din leder" not in page
    assert "mellem dig og Anne" in page
    page = page_of(client, employee.user, "review_detail", review)
    assert "dig og din leder" in page


def test_a_name_ending_in_s_owns_with_an_apostrophe():
    from django.utils import translation

    from common.names import possessive

    with translation.override("da"):
        assert (possessive("Anne"), possessive("Jens")) == ("Annes", "Jens'")
    with translation.override("en"):
        assert possessive("Anne") == "Anne's"


def test_the_booklets_next_page_is_not_on_the_web_page(client, review, employee):
    page = page_of(client, employee.user, "prepare", review)
    assert "kompetencehjulet kan være nyttige" in page
    assert "(næste side)" not in page
