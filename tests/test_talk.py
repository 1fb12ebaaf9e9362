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


# Issue 16, points 1 and 4: a goal saves as one types, with the conflict handling of every
# text that does; a change asks the other again only when the goal reads otherwise than
# they accepted it; and a goal says whose acceptance it waits for.

HX = {"HX-Request": "true"}


@pytest.fixture
def agreed(client, talking, employee, manager):
    """A goal Mette proposed and Anne accepted; Mette logged in, at her talk page."""
    client.force_login(manager.user)
    client.post(url("goal_add", talking), {"title": "Lære at formidle", "actions": "Kursus"})
    goal = Goal.objects.get()
    client.force_login(employee.user)
    client.post(url("goal_accept", talking, goal.pk), {"wording": 1})
    client.force_login(manager.user)
    goal.refresh_from_db()
    assert goal.is_agreed
    return goal


def type_in(client, goal, name, text, version=None, **extra):
    """One text of the goal as htmx posts it while one types."""
    field = f"goal-{goal.pk}-{name}"
    if version is None:
        version = getattr(Goal.objects.get(pk=goal.pk), f"{name}_version")
    data = {"field": field, field: text, f"{field}-version": version} | extra
    return client.post(url("goal_edit", goal.review, goal.pk), data, headers=HX)


def test_a_goal_saves_as_one_types(client, agreed):
    response = type_in(client, agreed, "actions", "Kursus og mentor")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Gemt" in page
    assert f'name="goal-{agreed.pk}-actions-version" value="1"' in page
    goal = Goal.objects.get()
    assert (goal.actions, goal.actions_version, goal.wording) == ("Kursus og mentor", 1, 2)
    assert goal.accepted_by_manager == 2  # the writer accepts their own wording


def test_typing_asks_the_other_again_only_while_the_goal_reads_otherwise(client, agreed):
    events = ReviewEvent.objects.filter(action="reworded_goal")
    response = type_in(client, agreed, "title", "Lære at formidle til politikere")
    page = response.content.decode()
    # The page says at once that the goal waits for Anne again, and a screen reader says it.
    assert "Venter på Annes accept" in page and "Ændret siden Annes accept." in page
    assert "Gemt. Målet venter igen på Annes accept." in page
    goal = Goal.objects.get()
    assert (goal.is_agreed, goal.awaiting()) == (False, ["employee"])

    # Typing on: still waiting, and the announcement is not repeated at every pause.
    page = type_in(client, agreed, "title", "Lære at formidle til politikerne").content.decode()
    assert "Venter på Annes accept" in page and "Målet venter igen" not in page
    # Each save is one entry of the trail, like every text that saves as one types; the
    # history folds them into one line.
    assert events.count() == 2

    # Back to the words Anne accepted: her acceptance stands again, nobody is asked.
    page = type_in(client, agreed, "title", "Lære at formidle").content.decode()
    assert "Aftalt af begge" in page
    assert Goal.objects.get().is_agreed
    # A save that changes nothing is no write.
    type_in(client, agreed, "title", "Lære at formidle")
    assert events.count() == 3


def test_the_other_reads_that_the_goal_waits_for_them(client, agreed, employee):
    type_in(client, agreed, "due", "2027-11-25")
    client.force_login(employee.user)
    page = client.get(url("talk", agreed.review)).content.decode()
    assert "Venter på din accept" in page and "Ændret siden din accept." in page
    assert "Acceptér målet" in page
    client.post(url("goal_accept", agreed.review, agreed.pk), {"wording": 2})
    assert Goal.objects.get().is_agreed


def test_a_stale_goal_text_keeps_both_texts(client, agreed):
    type_in(client, agreed, "title", "Fra fane 1", version=0)
    response = type_in(client, agreed, "title", "Fra fane 2", version=0)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#conflict-goal-{agreed.pk}-title"
    page = response.content.decode()
    assert "Fra fane 1" in page and "begge versioner bevares" in page.lower()
    assert Goal.objects.get().title == "Fra fane 1"
    # "Keep my text": saved on the version it was shown.
    type_in(client, agreed, "title", "Fra fane 2", base_version=1)
    assert Goal.objects.get().title == "Fra fane 2"


def test_a_stale_goal_without_javascript_shows_both_texts_and_saves_the_rest(client, agreed):
    type_in(client, agreed, "title", "Fra fane 1", version=0)
    prefix = f"goal-{agreed.pk}-"
    response = client.post(
        url("goal_edit", agreed.review, agreed.pk),
        {
            f"{prefix}title": "Fra fane 2",
            f"{prefix}title-version": 0,
            f"{prefix}actions": "Kursus og mentor",
            f"{prefix}actions-version": 0,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fra fane 1" in page and "Fra fane 2" in page
    goal = Goal.objects.get()
    assert (goal.title, goal.actions) == ("Fra fane 1", "Kursus og mentor")


def test_the_goal_form_without_javascript_saves_all_its_texts(client, agreed):
    prefix = f"goal-{agreed.pk}-"
    response = client.post(
        url("goal_edit", agreed.review, agreed.pk),
        {
            f"{prefix}title": "Lære at formidle",
            f"{prefix}title-version": 0,
            f"{prefix}actions": "Kursus",
            f"{prefix}actions-version": 0,
            f"{prefix}responsible": "Mette finder kurset",
            f"{prefix}responsible-version": 0,
            f"{prefix}due": "2027-11-25",
            f"{prefix}due-version": 0,
        },
        follow=True,
    )
    assert "Gemt. Målet venter igen på Annes accept." in response.content.decode()
    goal = Goal.objects.get()
    assert (goal.responsible, str(goal.due)) == ("Mette finder kurset", "2027-11-25")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("title", "   ", "Skriv målet: det kan ikke være tomt."),
        ("due", "2020-01-01", "Datoen er allerede passeret: vælg en dato frem i tiden."),
        ("due", "25-11-2027x", "Indtast en gyldig dato."),
    ],
)
def test_a_goal_text_that_cannot_be_kept_is_said_beside_it(client, agreed, name, text, message):
    response = type_in(client, agreed, name, text)
    assert response.status_code == 422  # shown by htmx, and the text counts as not saved
    assert message in response.content.decode()
    goal = Goal.objects.get()
    assert (goal.title, goal.due, goal.wording, goal.is_agreed) == (
        "Lære at formidle",
        None,
        1,
        True,
    )


def test_a_goal_text_the_page_does_not_send_is_refused(client, agreed, talking):
    other = GoalFactory(review=talking, title="Et andet mål")
    for data in (
        {"field": f"goal-{other.pk}-title", f"goal-{other.pk}-title": "Kapret"},
        {"field": f"goal-{agreed.pk}-status", f"goal-{agreed.pk}-status": "done"},
        {},
    ):
        response = client.post(url("goal_edit", talking, agreed.pk), data, headers=HX)
        assert response.status_code == 400
    assert [g.title for g in Goal.objects.order_by("pk")] == ["Lære at formidle", "Et andet mål"]


def test_a_goal_of_a_concluded_talk_no_longer_saves(client, agreed, talking):
    Review.objects.filter(pk=talking.pk).update(state=State.CONCLUDED)
    assert type_in(client, agreed, "title", "For sent").status_code == 403
    assert Goal.objects.get().title == "Lære at formidle"


def test_changing_a_goal_needs_post(client, agreed):
    assert client.get(url("goal_edit", agreed.review, agreed.pk)).status_code == 405


def test_goals_say_whose_acceptance_they_wait_for(client, talking, employee, manager):
    """Point 4: "Venter på Annes accept" to Mette, "Venter på din accept" to Anne; both by
    name on the meeting room's screen; a name ending in s takes an apostrophe."""
    client.force_login(manager.user)
    client.post(url("goal_add", talking), {"title": "Lære at formidle"})
    page = client.get(url("talk", talking)).content.decode()
    assert "Venter på Annes accept" in page and "Ændret siden" not in page
    screen = client.get(url("talk_projector", talking), {"section": "goals"}).content.decode()
    assert "Venter på Annes accept" in screen
    client.force_login(employee.user)
    assert "Venter på din accept" in client.get(url("talk", talking)).content.decode()

    employee.user.first_name = "Hans"
    employee.user.save()
    client.force_login(manager.user)
    assert "Venter på Hans&#x27; accept" in client.get(url("talk", talking)).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(url("talk", talking)).content.decode()
    assert "Waiting for Hans&#x27;s acceptance" in page


def test_a_goal_neither_accepted_waits_for_both(client, talking, employee):
    GoalFactory(review=talking, title="Fra før")
    client.force_login(employee.user)
    assert "Venter på din og Mettes accept" in client.get(url("talk", talking)).content.decode()
    screen = client.get(url("talk_projector", talking), {"section": "goals"}).content.decode()
    assert "Venter på Annes og Mettes accept" in screen
