"""HR sets a round's reminder schedule: on the new round's form and on the round's page."""

import pytest
from django.urls import reverse

from notifications.models import Notice
from reviews.models import Round
from tests.test_round_views import round_data

pytestmark = pytest.mark.django_db


def url(round_):
    return reverse("round_reminders", args=[round_.pk])


def test_a_new_round_reminds_14_and_2_days_before_then_weekly_by_default(
    client, hr_user, kl_catalogue, kl_questions, office
):
    client.force_login(hr_user)
    response = client.get(reverse("round_create"))
    form, page = response.context["form"], response.content.decode()
    assert 'name="reminder_days_before" value="14, 2"' in page
    assert (form["overdue_reminder_after"].value(), form["overdue_reminder_every"].value()) == (
        1,
        7,
    )
    client.post(
        reverse("round_create"),
        round_data(
            kl_catalogue,
            kl_questions,
            departments=[office.pk],
            reminder_days_before="7",
            overdue_reminder_after="3",
            overdue_reminder_every="",
        ),
    )
    round_ = Round.objects.get()
    assert (round_.reminder_days_before, round_.overdue_reminder_after) == ("7", 3)
    assert round_.overdue_reminder_every is None


def test_hr_changes_the_schedule_on_the_rounds_page(client, hr_user, open_round):
    client.force_login(hr_user)
    page = client.get(reverse("round_detail", args=[open_round.pk])).content.decode()
    assert "De, der ikke har delt deres forberedelse, får en påmindelse:" in page
    assert "18. januar, 30. januar, 2. februar, 9. februar" in page

    response = client.post(
        url(open_round),
        {
            "reminder_days_before": "7 21, 3",
            "overdue_reminder_after": "2",
            "overdue_reminder_every": "14",
        },
        follow=True,
    )

    open_round.refresh_from_db()
    assert open_round.reminder_days_before == "21,7,3"
    assert (open_round.overdue_reminder_after, open_round.overdue_reminder_every) == (2, 14)
    page = response.content.decode()
    assert "Planen for påmindelser er gemt." in page
    assert "11. januar, 25. januar, 29. januar, 3. februar, 17. februar" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"reminder_days_before": "14, to"},
            "reminder_days_before",
            "Skriv hele antal dage fra 1 til 365, adskilt af kommaer, fx “14, 2”.",
        ),
        (
            {"reminder_days_before": "400"},
            "reminder_days_before",
            "Skriv hele antal dage fra 1 til 365",
        ),
        (
            {"overdue_reminder_every": "0"},
            "overdue_reminder_every",
            "Lad feltet stå tomt for kun at minde om én gang efter fristen.",
        ),
        (
            {"overdue_reminder_after": "0"},
            "overdue_reminder_after",
            "Denne værdi skal være større end eller lig 1.",
        ),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    client, hr_user, open_round, data, field, message
):
    client.force_login(hr_user)
    valid = {"reminder_days_before": "14,2", "overdue_reminder_after": 1}
    response = client.post(url(open_round), valid | {"overdue_reminder_every": 7} | data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page
    open_round.refresh_from_db()
    assert (open_round.reminder_days_before, open_round.overdue_reminder_every) == ("14,2", 7)


def test_a_closed_rounds_schedule_cannot_change(client, hr_user, open_round):
    Round.objects.filter(pk=open_round.pk).update(status=Round.Status.CLOSED)
    client.force_login(hr_user)
    response = client.post(url(open_round), {"reminder_days_before": "3"}, follow=True)
    assert "Runden er lukket og tager ikke imod ændringer." in response.content.decode()
    open_round.refresh_from_db()
    assert open_round.reminder_days_before == "14,2"


@pytest.mark.parametrize("who", ["employee", "manager"])
def test_only_hr_changes_the_schedule(client, open_round, review, who):
    client.force_login(getattr(review, who).user)
    assert client.post(url(open_round), {"reminder_days_before": "3"}).status_code == 404
    open_round.refresh_from_db()
    assert open_round.reminder_days_before == "14,2"


def test_the_schedule_is_changed_by_post_only(client, hr_user, open_round):
    client.force_login(hr_user)
    assert client.get(url(open_round)).status_code == 405


def test_the_rounds_page_counts_the_emails_sent(client, hr_user, open_round, review):
    Notice.objects.filter(kind=Notice.Kind.OPENED).update(status=Notice.Status.SENT)
    client.force_login(hr_user)
    response = client.get(reverse("round_detail", args=[open_round.pk]))
    # Two employees and their one manager: three e-mails, the manager's listing both.
    assert response.context["reminders_sent"] == {
        "opened": 3,
        "reminders": 0,
        "waiting": 0,
        "failed": 0,
    }


def test_a_round_where_nobody_fills_in_reminds_no_one(client, hr_user, open_round):
    Round.objects.filter(pk=open_round.pk).update(mode=Round.Mode.NONE)
    client.force_login(hr_user)
    page = client.get(reverse("round_detail", args=[open_round.pk])).content.decode()
    assert "Ingen udfylder en forberedelse i denne runde" in page
    assert 'action="/rounds/' + str(open_round.pk) + '/reminders/"' not in page


def test_a_number_too_large_is_refused_and_the_page_shows_the_saved_schedule(
    client, hr_user, open_round
):
    client.force_login(hr_user)
    response = client.post(
        url(open_round),
        {"reminder_days_before": "14,2", "overdue_reminder_after": "9" * 20},
    )
    assert response.status_code == 200
    assert 'id="id_overdue_reminder_after_error"' in response.content.decode()
    assert "18. januar, 30. januar, 2. februar" in response.content.decode()
