"""The talk: start, comparison by distance, focus areas, goals both accept, sign-off, reopen."""

import pytest
from django.urls import reverse

from reviews.access import access_to
from reviews.factories import GoalFactory
from reviews.models import FocusArea, Goal, Preparation, Review, State
from tests.conftest import make_mark as mark
from trail.models import ReviewEvent

pytestmark = pytest.mark.django_db


def url(name, review, *args):
    return reverse(name, args=[review.public_id, *args])


@pytest.fixture
def talking(client, review, manager):
    mark(review, "employee", "Faglighed", "strong")
    mark(review, "manager", "Faglighed", "strong")
    mark(review, "employee", "Politik", "strong")
    mark(review, "manager", "Politik", "focus")
    mark(review, "employee", "Helhed", "fine")
    mark(review, "manager", "Helhed", "focus")
    client.force_login(manager.user)
    client.post(url("talk_start", review))
    review.refresh_from_db()
    return review


def test_only_the_manager_starts_the_talk(client, review, employee):
    client.force_login(employee.user)
    response = client.post(url("talk_start", review), follow=True)
    assert "kan ikke længere ændres her" in response.content.decode()
    assert Review.objects.get(pk=review.pk).state == State.INVITED


def test_starting_shows_both_preparations_ordered_by_difference(client, talking, employee):
    assert talking.state == State.TALK_STARTED
    assert not Preparation.objects.filter(shared_at__isnull=True).exists()
    client.force_login(employee.user)
    response = client.get(url("talk", talking))
    names = [row.name for row in response.context["rows"]]
    assert names[:3] == ["Politik", "Helhed", "Faglighed"]  # two steps, one step, agreed
    page = response.content.decode()
    assert "to trin fra hinanden" in page
    assert "Politik (medarbejder: stærk kompetence, leder: fokusområde)" in page


def test_focus_areas_are_chosen_among_the_competences(client, talking, employee):
    politik = talking.round.catalogue.competences.get(name="Politik")
    client.force_login(employee.user)
    client.post(url("talk_focus", talking), {"focus": [f"c{politik.pk}", "c999999"]})
    assert [str(area) for area in FocusArea.objects.filter(review=talking)] == ["Politik"]


def test_a_goal_is_agreed_only_when_both_accept_its_wording(client, talking, employee, manager):
    client.force_login(manager.user)
    client.post(
        url("goal_add", talking), {"title": "Lære politisk formidling", "actions": "Kursus"}
    )
    goal = Goal.objects.get()
    assert (goal.accepted_by_manager, goal.accepted_by_employee, goal.is_agreed) == (1, 0, False)

    client.force_login(employee.user)
    client.post(url("goal_accept", talking, goal.pk), {"wording": 1})
    goal.refresh_from_db()
    assert goal.is_agreed

    # Rewording asks both again; the one who rewrote it accepts their own wording.
    client.post(
        url("goal_edit", talking, goal.pk),
        {"title": "Lære at formidle til politikere", "wording": 1},
    )
    goal.refresh_from_db()
    assert (goal.wording, goal.accepted_by_employee, goal.accepted_by_manager) == (2, 2, 1)
    assert not goal.is_agreed

    # Accepting the wording one saw before it changed is refused.
    client.force_login(manager.user)
    response = client.post(url("goal_accept", talking, goal.pk), {"wording": 1}, follow=True)
    assert "ændret imens" in response.content.decode()
    assert not Goal.objects.get().is_agreed


def test_a_goal_without_a_title_is_refused_next_to_the_field(client, talking, manager):
    client.force_login(manager.user)
    response = client.post(url("goal_add", talking), {"title": ""})
    assert "title" in response.context["goal_form"].errors
    assert not Goal.objects.exists()


def test_the_summary_is_the_managers(client, talking, employee, manager):
    client.force_login(employee.user)
    response = client.post(url("talk_text", talking), {"field": "summary", "summary": "x"})
    assert response.status_code == 403
    client.force_login(manager.user)
    client.post(
        url("talk_text", talking), {"field": "summary", "summary": "Vi aftalte", "version": 0}
    )
    assert Review.objects.get(pk=talking.pk).summary == "Vi aftalte"


def test_sign_off_concludes_and_makes_it_read_only(client, talking, employee, manager):
    client.force_login(manager.user)
    client.post(url("goal_add", talking), {"title": "Mål"})
    goal = Goal.objects.get()
    client.force_login(employee.user)
    client.post(url("goal_accept", talking, goal.pk), {"wording": 1})
    client.force_login(manager.user)
    client.post(url("talk_end", talking))
    client.force_login(employee.user)
    client.post(url("talk_confirm", talking), {"disagreement": "Jeg ser Politik anderledes."})

    review = Review.objects.get(pk=talking.pk)
    assert review.state == State.CONCLUDED
    assert review.disagreement == "Jeg ser Politik anderledes."
    for name, data in [
        ("goal_add", {"title": "Nyt mål"}),
        ("talk_focus", {"focus": []}),
    ]:
        response = client.post(url(name, review), data, follow=True)
        assert "kan ikke længere ændres her" in response.content.decode()
    assert Goal.objects.count() == 1
    # The goal's status still follows the year.
    client.post(url("goal_status", review, goal.pk), {"status": "under_way"})
    assert Goal.objects.get().status == "under_way"


def test_hr_reopens_with_a_reason_on_record(talking, hr_user):
    from reviews.talk import reopen

    Review.objects.filter(pk=talking.pk).update(state=State.CONCLUDED)
    talking.refresh_from_db()
    reopen(access_to(hr_user, talking), "Medarbejderen bad om det")
    assert Review.objects.get(pk=talking.pk).state == State.TALK_HELD
    event = ReviewEvent.objects.filter(new="talk_held").last()
    assert (event.actor, event.note) == (hr_user, "Medarbejderen bad om det")


@pytest.mark.parametrize("who", ["colleague", "other_manager", "senior_manager", "hr_user"])
def test_no_one_else_reaches_the_talk(client, talking, who, request):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    assert client.get(url("talk", talking)).status_code == 404
    assert client.post(url("goal_add", talking), {"title": "x"}).status_code == 404
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    "name", ["talk_start", "talk_focus", "talk_text", "talk_end", "talk_confirm", "goal_add"]
)
def test_talk_writes_need_post(client, talking, manager, name):
    client.force_login(manager.user)
    assert client.get(url(name, talking)).status_code == 405


def test_reflections_are_private_until_shared(client, talking, employee, manager):
    client.force_login(employee.user)
    client.post(
        url("reflection", talking),
        {"role": "Mere projektledelse", "role-version": 0, "longer_term": "Måske specialist"},
    )
    client.force_login(manager.user)
    assert "Mere projektledelse" not in client.get(url("reflection", talking)).content.decode()

    client.force_login(employee.user)
    client.post(url("reflection_share", talking))
    response = client.post(
        url("reflection", talking), {"role": "Ændret", "role-version": 1}, follow=True
    )
    assert "Dine refleksioner er delt." in response.content.decode()

    client.force_login(manager.user)
    page = client.get(url("reflection", talking)).content.decode()
    assert "Mere projektledelse" in page and "Måske specialist" in page


def test_a_stale_reflection_shows_both_texts(client, talking, employee):
    client.force_login(employee.user)
    client.post(url("reflection", talking), {"other": "Fra fane 1", "other-version": 0})
    response = client.post(url("reflection", talking), {"other": "Fra fane 2", "other-version": 0})
    page = response.content.decode()
    assert "Fra fane 1" in page and "Fra fane 2" in page


def test_hr_finds_and_reopens_a_concluded_review(client, talking, hr_user, employee):
    Review.objects.filter(pk=talking.pk).update(state=State.CONCLUDED)
    client.force_login(hr_user)
    round_page = reverse("round_detail", args=[talking.round.pk])
    page = client.get(round_page, {"employee": employee.employee_number}).content.decode()
    reopen_url = reverse("review_reopen", args=[talking.round.pk, talking.public_id])
    assert reopen_url in page

    response = client.post(reopen_url, {"reason": ""})
    assert "reason" in response.context["form"].errors
    assert Review.objects.get(pk=talking.pk).state == State.CONCLUDED

    client.post(reopen_url, {"reason": "Rettelse af et mål"})
    assert Review.objects.get(pk=talking.pk).state == State.TALK_HELD
    assert ReviewEvent.objects.filter(note="Rettelse af et mål", actor=hr_user).exists()


def test_parties_cannot_reopen(client, talking, employee, manager):
    Review.objects.filter(pk=talking.pk).update(state=State.CONCLUDED)
    for person in (employee, manager):
        client.force_login(person.user)
        response = client.post(
            reverse("review_reopen", args=[talking.round.pk, talking.public_id]), {"reason": "x"}
        )
        assert response.status_code == 404
    assert Review.objects.get(pk=talking.pk).state == State.CONCLUDED


def test_a_rewording_based_on_an_old_wording_is_refused(client, talking, employee, manager):
    goal = GoalFactory(review=talking, title="Første ord", wording=2)
    client.force_login(employee.user)
    response = client.post(
        url("goal_edit", talking, goal.pk), {"title": "Mine ord", "wording": 1}, follow=True
    )
    assert "blev ændret eller fjernet imens" in response.content.decode()
    goal.refresh_from_db()
    assert (goal.title, goal.wording, goal.accepted_by_employee) == ("Første ord", 2, 0)
