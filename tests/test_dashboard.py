"""The dashboard greets the user by name and shows their role; it never shows another's reports."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_employee_is_greeted_with_name_role_and_manager(client, employee):
    client.force_login(employee.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Hej, Anne Andersen" in page
    assert '<span class="badge">Medarbejder</span>' in page
    assert '<span class="badge">Leder</span>' not in page
    assert "Mette Madsen" in page  # her manager
    assert "Dine medarbejdere" not in page


def test_manager_sees_their_own_reports_only(client, employee, colleague, outsider, manager):
    client.force_login(manager.user)
    response = client.get(reverse("dashboard"))
    page = response.content.decode()
    assert '<span class="badge">Leder</span>' in page
    assert [p.name for p in response.context["reports"]] == ["Anne Andersen", "Bo"]
    assert "Olga" not in page


def test_hr_sees_the_hr_role_and_links(client, hr_user):
    client.force_login(hr_user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Hej, Hanne Rasmussen" in page
    assert '<span class="badge">HR</span>' in page
    assert reverse("admin:competencies_catalogue_changelist") in page


def test_outsider_sees_no_one_elses_data(client, employee, outsider):
    client.force_login(outsider.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Anne" not in page
    assert "Hej, Olga" in page


def test_english_when_chosen(client, employee):
    client.force_login(employee.user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("dashboard")).content.decode()
    assert "Hello, Anne Andersen" in page
    assert '<html lang="en">' in page


def test_danish_even_when_the_browser_asks_for_english(client, employee):
    client.force_login(employee.user)
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en-GB,en").content.decode()
    assert "Hej, Anne Andersen" in page


def test_dashboard_query_count_does_not_grow_with_reports(
    client, manager, office, django_assert_max_num_queries
):
    from tests.conftest import make_person

    for n in range(30):
        make_person(f"report{n}", office, manager=manager)
    client.force_login(manager.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dashboard"))
    assert len(response.context["reports"]) == 30


def test_employee_sees_their_mus_with_next_step_and_deadline(client, review, employee):
    client.force_login(employee.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("review_detail", args=[review.public_id]) in page
    assert "MUS 2027" in page
    assert "Forbered dig: besvar spørgsmålene og markér kompetencehjulet" in page
    assert "1. februar 2027" in page


def test_manager_sees_each_reports_review_and_next_step(client, review, manager, colleague):
    client.force_login(manager.user)
    response = client.get(reverse("dashboard"))
    assert {r.employee for r in response.context["led_reviews"]} == {review.employee, colleague}
    assert "Forbered dig på samtalen" in response.content.decode()


def test_colleague_sees_only_their_own_review(client, review, colleague):
    client.force_login(colleague.user)
    response = client.get(reverse("dashboard"))
    assert [r.employee for r in response.context["own_reviews"]] == [colleague]
    assert str(review.public_id) not in response.content.decode()


def test_hr_sees_rounds_under_way(client, hr_user, open_round):
    client.force_login(hr_user)
    response = client.get(reverse("dashboard"))
    (round_,) = response.context["open_rounds"]
    assert (round_.name, round_.total, round_.concluded) == ("MUS 2027", 2, 0)
