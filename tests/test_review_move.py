"""HR moves a review to another manager: access moves with it, and the move is recorded."""

import pytest
from django.urls import reverse

from trail.models import ReviewEvent

pytestmark = pytest.mark.django_db


def move_url(review):
    return reverse("review_move", args=[review.round.pk, review.public_id])


def test_access_moves_with_the_review(client, hr_user, review, manager, other_manager):
    client.force_login(hr_user)
    response = client.post(
        move_url(review), {"manager": other_manager.employee_number, "reason": "Omstrukturering"}
    )
    assert response["Location"] == reverse("round_detail", args=[review.round.pk])

    review.refresh_from_db()
    assert review.manager == other_manager
    event = ReviewEvent.objects.get(review=review, kind="manager")
    assert (event.old_manager, event.new_manager, event.note, event.actor, event.role) == (
        manager,
        other_manager,
        "Omstrukturering",
        hr_user,
        "hr",
    )

    detail = reverse("review_detail", args=[review.public_id])
    client.force_login(manager.user)
    assert client.get(detail).status_code == 404
    client.force_login(other_manager.user)
    assert client.get(detail).status_code == 200
    assert review in client.get(reverse("dashboard")).context["led_reviews"]


@pytest.mark.parametrize(
    ("number", "reason", "field", "message"),
    [
        ("nobody", "x", "manager", "Ingen har medarbejdernummeret nobody."),
        (None, "x", "manager", "Det er allerede samtalens leder."),
        ("employee", "x", "manager", "En medarbejder kan ikke være sin egen leder."),
        ("other", "", "reason", "Dette felt er påkrævet."),
    ],
)
def test_bad_input_is_refused_and_nothing_moves(
    client, hr_user, review, manager, employee, other_manager, number, reason, field, message
):
    numbers = {None: manager.employee_number, "employee": employee.employee_number}
    numbers["other"] = other_manager.employee_number
    client.force_login(hr_user)
    response = client.post(
        move_url(review), {"manager": numbers.get(number, number), "reason": reason}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    review.refresh_from_db()
    assert review.manager == manager
    assert not ReviewEvent.objects.exists()


def test_a_closed_round_refuses_the_move(client, hr_user, review, manager, other_manager):
    review.round.status = "closed"
    review.round.save()
    client.force_login(hr_user)
    response = client.post(
        move_url(review), {"manager": other_manager.employee_number, "reason": "x"}
    )
    assert "Runden er lukket" in response.content.decode()
    review.refresh_from_db()
    assert review.manager == manager


def test_a_concluded_review_cannot_be_moved(client, hr_user, review, other_manager):
    review.state = "concluded"
    review.save()
    client.force_login(hr_user)
    assert client.get(move_url(review)).status_code == 403
