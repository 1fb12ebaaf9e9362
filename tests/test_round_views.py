"""HR creates, opens, widens and closes a round from its own pages."""

import pytest
from django.urls import reverse

from organisation.factories import DepartmentFactory
from reviews.models import Review, Round
from tests.conftest import make_person, make_round

pytestmark = pytest.mark.django_db


def round_data(kl_catalogue, kl_questions, **changes):
    return {
        "name": "MUS 2027",
        "catalogue": kl_catalogue.pk,
        "question_set": kl_questions.pk,
        "mode": "both",
        "preparation_deadline": "2027-02-01",
        "talks_start": "2027-02-08",
        "talks_end": "2027-03-31",
        "departments": [],
        "people": "",
        **changes,
    }


def test_hr_creates_a_round_as_a_draft(client, hr_user, kl_catalogue, kl_questions, office):
    client.force_login(hr_user)
    response = client.post(
        reverse("round_create"),
        round_data(kl_catalogue, kl_questions, departments=[office.pk], people=""),
    )
    round_ = Round.objects.get()
    assert response["Location"] == reverse("round_detail", args=[round_.pk])
    assert round_.status == "draft"
    assert list(round_.departments.all()) == [office]
    assert not Review.objects.exists()


def test_the_form_page_lists_departments_as_a_tree(client, hr_user, office):
    client.force_login(hr_user)
    page = client.get(reverse("round_create")).content.decode()
    assert (
        page.index("Forvaltningen")
        < page.index("\u2003Centret")
        < page.index("\u2003\u2003Kontoret")
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"preparation_deadline": "2027-04-01"},
            "preparation_deadline",
            "Fristen for forberedelse skal ligge, før samtalerne begynder.",
        ),
        ({"talks_end": "2027-02-01"}, "talks_end", "Samtalerne kan ikke slutte, før de begynder."),
        ({}, "departments", "Vælg mindst én afdeling eller person, der skal deltage."),
        ({"catalogue": 999999}, "catalogue", "Marker en gyldig valgmulighed."),
        ({"people": "4711 abc"}, "people", "Ingen har medarbejdernummeret 4711, abc."),
        ({"name": ""}, "name", "Dette felt er påkrævet."),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(
    client, hr_user, kl_catalogue, kl_questions, changes, field, message
):
    client.force_login(hr_user)
    response = client.post(
        reverse("round_create"), round_data(kl_catalogue, kl_questions, **changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    page = response.content.decode()
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert not Round.objects.exists()


def test_opening_gives_each_participant_one_review_with_their_manager(
    client,
    hr_user,
    kl_catalogue,
    kl_questions,
    office,
    employee,
    colleague,
    manager,
    outsider,
    tasks_run_at_once,
    django_capture_on_commit_callbacks,
):
    sub_office = DepartmentFactory(name="Underkontor", kind="kontor", parent=office)
    deep = make_person("dina", sub_office, manager=manager)
    round_ = make_round(kl_catalogue, kl_questions)
    round_.departments.add(office.parent)  # the centre, with everything under it
    client.force_login(hr_user)

    # The click hands the work to a worker (here: run as soon as the request commits).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("round_open", args=[round_.pk]), follow=True)

    reviews = {r.employee: r.manager for r in round_.reviews.all()}
    assert reviews == {employee: manager, colleague: manager, deep: manager}
    round_.refresh_from_db()
    assert round_.status == "open"
    assert "Samtalerne bliver oprettet." in response.content.decode()
    page = client.get(reverse("round_detail", args=[round_.pk])).content.decode()
    assert "3 af 3 færdige" in page
    # Mette and Olga have no manager: they are named, not silently left out.
    assert "Ingen samtale for personer uden leder: Mette Madsen, Olga." in page


def test_adding_participants_later_creates_no_duplicates(
    client, hr_user, open_round, outsider, tasks_run_at_once, django_capture_on_commit_callbacks
):
    outsider.manager = open_round.reviews.first().manager
    outsider.save()
    client.force_login(hr_user)
    already_in = open_round.reviews.first().employee.employee_number

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("round_participants", args=[open_round.pk]),
            {"people": f"{outsider.employee_number} {already_in}"},
        )
        client.post(reverse("round_open", args=[open_round.pk]))

    assert open_round.reviews.count() == 3
    assert open_round.reviews.filter(employee=outsider).count() == 1


def test_adding_no_one_is_refused(client, hr_user, open_round):
    client.force_login(hr_user)
    response = client.post(reverse("round_participants", args=[open_round.pk]), {"people": ""})
    assert "Vælg mindst én afdeling eller person" in response.content.decode()
    assert open_round.reviews.count() == 2


def test_a_closed_round_accepts_no_changes(client, hr_user, open_round, outsider, manager):
    outsider.manager = manager
    outsider.save()
    client.force_login(hr_user)
    client.post(reverse("round_close", args=[open_round.pk]))

    response = client.post(
        reverse("round_participants", args=[open_round.pk]),
        {"people": outsider.employee_number},
        follow=True,
    )

    assert "Runden er lukket og tager ikke imod ændringer." in response.content.decode()
    assert open_round.reviews.count() == 2
    assert not open_round.people.exists()
    response = client.post(reverse("round_open", args=[open_round.pk]), follow=True)
    assert "Runden er lukket" in response.content.decode()


def test_progress_per_department_and_overdue(client, hr_user, open_round, employee):
    Round.objects.filter(pk=open_round.pk).update(preparation_deadline="2020-01-01")
    client.force_login(hr_user)
    response = client.get(reverse("round_detail", args=[open_round.pk]))
    report = response.context["report"]
    assert [(row.label, row.cells[6]) for row in report.rows] == [("Forvaltningen", 2)]
    assert report.overdue_count == 2
    assert "2 over fristen" in response.content.decode()
    response = client.get(reverse("round_progress", args=[open_round.pk]))
    assert employee.name in response.content.decode()
