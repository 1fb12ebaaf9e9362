"""Issue 16, part A: nothing typed is lost, reflections after the talk, steps that cannot
be undone ask first, dates that make sense."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hr.forms import RoundForm
from reviews.forms import GoalForm, ReflectionForm, TalkTextForm
from reviews.models import Goal, Reflection, Review, Round, State
from reviews.services import close_round
from tests.conftest import make_mark as mark
from tests.conftest import make_round
from tests.test_round_jobs import work

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, review, *args):
    return reverse(name, args=[review.public_id, *args])


@pytest.fixture
def talking(client, review, manager):
    mark(review, "employee", "Faglighed", "strong")
    mark(review, "manager", "Faglighed", "focus")
    client.force_login(manager.user)
    client.post(url("talk_start", review))
    review.refresh_from_db()
    return review


def concluded(client, review, employee, manager):
    client.force_login(manager.user)
    client.post(url("talk_end", review))
    client.force_login(employee.user)
    client.post(url("talk_confirm", review), {"disagreement": ""})
    assert Review.objects.get(pk=review.pk).state == State.CONCLUDED


# 1. Nothing typed is lost: the talk's texts


def test_the_talk_form_saves_summary_and_notes_together(client, talking, manager):
    client.force_login(manager.user)
    data = {"summary": "Vi aftalte et kursus", "summary-version": 0, "talk_notes": "Noter"}
    response = client.post(url("talk_text", talking), data | {"talk_notes-version": 0})
    assert response.status_code == 302
    review = Review.objects.get(pk=talking.pk)
    assert (review.summary, review.talk_notes) == ("Vi aftalte et kursus", "Noter")


def test_a_stale_text_in_the_talk_form_keeps_both_and_saves_the_other(client, talking, manager):
    client.force_login(manager.user)
    Review.objects.filter(pk=talking.pk).update(talk_notes="Fra fanen før", talk_notes_version=1)
    data = {"summary": "Opsummering", "summary-version": 0}
    data |= {"talk_notes": "Mine noter", "talk_notes-version": 0}
    response = client.post(url("talk_text", talking), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Fra fanen før" in page and "Mine noter" in page  # both, until one is chosen
    review = Review.objects.get(pk=talking.pk)
    assert (review.summary, review.talk_notes) == ("Opsummering", "Fra fanen før")


def test_the_talk_notes_save_as_one_types(client, talking, employee):
    client.force_login(employee.user)
    data = {"field": "talk_notes", "talk_notes": "Skrevet", "talk_notes-version": 0}
    response = client.post(url("talk_text", talking), data, **HTMX)
    assert response.status_code == 200
    assert 'name="talk_notes-version" value="1"' in response.content.decode()
    assert Review.objects.get(pk=talking.pk).talk_notes == "Skrevet"
    stale = client.post(url("talk_text", talking), data | {"talk_notes": "Anden fane"}, **HTMX)
    assert stale.headers["HX-Retarget"] == "#conflict-talk_notes"
    assert "Skrevet" in stale.content.decode()
    assert Review.objects.get(pk=talking.pk).talk_notes == "Skrevet"


def test_the_employee_cannot_write_the_summary_even_with_the_notes(client, talking, employee):
    client.force_login(employee.user)
    data = {"summary": "Min udgave", "talk_notes": "Noter", "talk_notes-version": 0}
    assert client.post(url("talk_text", talking), data).status_code == 403
    review = Review.objects.get(pk=talking.pk)
    assert (review.summary, review.talk_notes) == ("", "")


def test_the_talk_text_form_reads_every_posted_text_with_its_version():
    form = TalkTextForm({"summary": "a", "summary-version": "3", "talk_notes": "b"})
    assert form.texts() == {"summary": ("a", 3), "talk_notes": ("b", 0)}
    one = TalkTextForm({"field": "summary", "summary": "a", "base_version": "4"})
    assert one.texts() == {"summary": ("a", 4)}
    assert not TalkTextForm({"field": "disagreement"}).is_valid()


def test_the_reflection_form_reads_one_point_as_htmx_posts_it():
    form = ReflectionForm({"field": "role", "role": "x", "role-version": "2"})
    assert form.texts() == {"role": ("x", 2)}
    assert ReflectionForm({"role": "x", "other": "y"}).texts() == {
        "role": ("x", 0),
        "other": ("y", 0),
    }


def test_a_reflection_saves_as_one_types(client, talking, employee):
    client.force_login(employee.user)
    data = {"field": "role", "role": "Mere ansvar", "role-version": 0}
    response = client.post(url("reflection", talking), data, **HTMX)
    assert response.status_code == 200
    assert 'name="role-version" value="1"' in response.content.decode()
    assert Reflection.objects.get().role == "Mere ansvar"


def test_the_talk_page_boxes_save_themselves_and_post_together(client, talking, manager):
    client.force_login(manager.user)
    page = client.get(url("talk", talking)).content.decode()
    for name in ("summary", "talk_notes"):
        assert f'id="id-{name}" name="{name}"' in page
        assert f'data-hx-vals=\'{{"field": "{name}"}}\'' in page


# 2. Reflections after the talk


def test_reflections_stay_writable_and_shareable_after_the_talk_is_concluded(
    client, talking, employee, manager
):
    concluded(client, talking, employee, manager)
    client.force_login(employee.user)
    page = client.get(url("reflection", talking)).content.decode()
    assert "readonly" not in page.split('id="id-role"')[1].split(">")[0]
    client.post(url("reflection", talking), {"role": "Efter samtalen", "role-version": 0})
    assert Reflection.objects.get(author=employee).role == "Efter samtalen"
    client.post(url("reflection_share", talking))
    assert Reflection.objects.get(author=employee).shared_at is not None


def test_reflections_stay_writable_after_the_round_closes(client, talking, employee, manager):
    concluded(client, talking, employee, manager)
    close_round(talking.round)
    client.force_login(manager.user)
    client.post(url("reflection", talking), {"other": "Et år senere", "other-version": 0})
    assert Reflection.objects.get(author=manager).other == "Et år senere"


@pytest.mark.parametrize("who", ["colleague", "other_manager", "senior_manager", "hr_user"])
def test_no_one_else_writes_reflections_after_the_talk(
    client, talking, employee, manager, who, request
):
    concluded(client, talking, employee, manager)
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))
    response = client.post(url("reflection", talking), {"role": "x", "role-version": 0})
    assert response.status_code == 404
    assert not Reflection.objects.exists()


def test_the_confirmation_says_reflections_stay_open(client, talking, employee, manager):
    client.force_login(manager.user)
    client.post(url("talk_end", talking))
    client.force_login(employee.user)
    page = client.get(url("talk", talking)).content.decode()
    assert "Dine egne refleksioner efter MUS" in page


def test_the_talk_itself_is_frozen_once_concluded(client, talking, employee, manager):
    concluded(client, talking, employee, manager)
    client.force_login(manager.user)
    data = {"summary": "For sent", "summary-version": 0}
    client.post(url("talk_text", talking), data)
    assert Review.objects.get(pk=talking.pk).summary == ""


# 9. Irreversible steps ask first


def test_starting_the_talk_asks_first(client, review, manager, employee):
    client.force_login(manager.user)
    detail = client.get(url("review_detail", review)).content.decode()
    assert url("talk_start_confirm", review) in detail
    assert f'action="{url("talk_start", review)}"' not in detail
    page = client.get(url("talk_start_confirm", review))
    assert page.status_code == 200
    assert f'action="{url("talk_start", review)}"' in page.content.decode()
    assert Review.objects.get(pk=review.pk).state == State.INVITED  # asking changes nothing
    client.force_login(employee.user)
    assert client.get(url("talk_start_confirm", review)).status_code == 302


def test_the_talk_held_asks_first(client, talking, manager):
    client.force_login(manager.user)
    page = client.get(url("talk", talking)).content.decode()
    assert url("talk_end_confirm", talking) in page
    confirm = client.get(url("talk_end_confirm", talking)).content.decode()
    assert f'action="{url("talk_end", talking)}"' in confirm
    assert Review.objects.get(pk=talking.pk).state == State.TALK_STARTED


@pytest.mark.parametrize("name", ["talk_start_confirm", "talk_end_confirm"])
def test_a_confirmation_page_takes_no_post(client, talking, manager, name):
    client.force_login(manager.user)
    assert client.post(url(name, talking)).status_code == 405


@pytest.mark.parametrize("who", ["colleague", "other_manager", "hr_user"])
def test_no_one_else_sees_the_talks_confirmations(client, review, who, request):
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))
    assert client.get(url("talk_start_confirm", review)).status_code == 404


def test_opening_and_closing_a_round_ask_first(client, hr_user, kl_catalogue, kl_questions, office):
    draft = make_round(kl_catalogue, kl_questions, name="MUS efterår")
    draft.departments.add(office)
    client.force_login(hr_user)
    detail = client.get(reverse("round_detail", args=[draft.pk])).content.decode()
    assert reverse("round_open_confirm", args=[draft.pk]) in detail
    confirm = client.get(reverse("round_open_confirm", args=[draft.pk])).content.decode()
    assert f'action="{reverse("round_open", args=[draft.pk])}"' in confirm
    assert Round.objects.get(pk=draft.pk).status == Round.Status.DRAFT
    client.post(reverse("round_open", args=[draft.pk]))
    work()  # the task workers open it
    assert Round.objects.get(pk=draft.pk).status == Round.Status.OPEN
    confirm = client.get(reverse("round_close_confirm", args=[draft.pk])).content.decode()
    assert f'action="{reverse("round_close", args=[draft.pk])}"' in confirm
    assert Round.objects.get(pk=draft.pk).status == Round.Status.OPEN


@pytest.mark.parametrize("who", ["employee", "manager"])
def test_only_hr_sees_a_rounds_confirmations(client, open_round, who, request):
    client.force_login(request.getfixturevalue(who).user)
    for name in ("round_open_confirm", "round_close_confirm"):
        assert client.get(reverse(name, args=[open_round.pk])).status_code in (403, 404)


# 10. Dates that make sense


def test_a_goal_dated_in_the_past_is_refused(client, talking, manager):
    client.force_login(manager.user)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url("goal_add", talking), {"title": "Mål", "due": yesterday})
    assert "allerede passeret" in response.content.decode()
    assert not Goal.objects.exists()
    assert GoalForm({"title": "Mål", "due": timezone.localdate()}).is_valid()


def test_a_preparation_deadline_in_the_past_is_refused(kl_catalogue, kl_questions):
    form = RoundForm()
    data = {field: form[field].value() for field in form.fields if form[field].value() is not None}
    data |= {"name": "MUS", "catalogue": kl_catalogue.pk, "question_set": kl_questions.pk}
    data |= {"mode": "both", "talks_start": "2099-03-01", "talks_end": "2099-04-01"}
    past = RoundForm(data | {"preparation_deadline": "2020-01-01"})
    assert "preparation_deadline" in past.errors
    assert "allerede passeret" in str(past.errors["preparation_deadline"])
    ahead = RoundForm(data | {"preparation_deadline": "2099-02-01"})
    assert "preparation_deadline" not in ahead.errors


def test_a_round_lists_its_participants_before_it_opens(
    client, hr_user, kl_catalogue, kl_questions, office, employee, colleague
):
    draft = make_round(kl_catalogue, kl_questions, name="MUS efterår")
    draft.people.add(employee, colleague)
    client.force_login(hr_user)
    page = client.get(reverse("round_open_confirm", args=[draft.pk])).content.decode()
    assert employee.name in page and colleague.name in page
    assert str(employee.manager.name) in page


def test_a_second_round_in_one_year_needs_an_explicit_yes(
    client, hr_user, open_round, kl_catalogue, kl_questions, employee
):
    second = make_round(kl_catalogue, kl_questions, name="MUS ekstra")
    second.people.add(employee)
    client.force_login(hr_user)
    page = client.get(reverse("round_open_confirm", args=[second.pk])).content.decode()
    assert "MUS 2027" in page  # the round they are already in, beside their name
    assert 'name="second_round"' in page
    response = client.post(reverse("round_open", args=[second.pk]), follow=True)
    assert "en MUS mere" in response.content.decode()
    assert Round.objects.get(pk=second.pk).status == Round.Status.DRAFT
    assert not second.reviews.exists()
    client.post(reverse("round_open", args=[second.pk]), {"second_round": "yes"})
    work()  # the task workers open it
    assert Round.objects.get(pk=second.pk).status == Round.Status.OPEN
    assert second.reviews.filter(employee=employee).exists()


# 8. The talk compares two views


@pytest.fixture
def answered(talking):
    from reviews.models import Answer, Preparation

    question = talking.round.question_set.themes.first().questions.first()
    for party, text in (("employee", "Anne svarer"), ("manager", "Mette svarer")):
        preparation = Preparation.objects.get(review=talking, party=party)
        Answer.objects.create(preparation=preparation, question=question, text=text)
    return question


def test_the_talk_shows_both_answers_question_by_question(client, talking, answered, employee):
    client.force_login(employee.user)
    page = client.get(url("talk", talking)).content.decode()
    row = page.split(answered.text)[1].split("</tr>")[0]
    assert "Anne svarer" in row and "Mette svarer" in row


def test_the_talk_shows_each_wheel_and_the_combined_one(client, talking, manager):
    client.force_login(manager.user)
    page = client.get(url("talk", talking)).content.decode()
    assert page.count("<svg") >= 3
    assert 'id="wheel-employee-title"' in page and 'id="wheel-manager-title"' in page
    assert "Medarbejderens hjul: Faglighed: stærk kompetence" in page
    assert "Lederens hjul: Faglighed: fokusområde" in page


def test_the_focus_choice_says_who_marked_a_focus_area(client, talking, employee):
    client.force_login(employee.user)
    response = client.get(url("talk", talking))
    marked = {row.name: by for row, _checked, by in response.context["focus_choices"]}
    assert marked["Faglighed"] == "lederen har markeret den som fokusområde"
    assert marked["Politik"] == ""


@pytest.mark.parametrize("section", ["compare", "answers", "goals", "nonsense"])
def test_the_projector_shows_one_section_of_what_both_see(
    client, talking, answered, manager, section
):
    client.force_login(manager.user)
    Review.objects.filter(pk=talking.pk).update(talk_notes="Private noter", summary="Resumé")
    Reflection.objects.create(review=talking, author=manager, party="manager", role="Min egen")
    response = client.get(url("talk_projector", talking), {"section": section})
    page = response.content.decode()
    assert response.status_code == 200
    for private in ("Private noter", "Resumé", "Min egen"):
        assert private not in page
    assert ("Mette svarer" in page) == (section == "answers")
    assert (page.count("<svg") >= 3) == (section in ("compare", "nonsense"))


@pytest.mark.parametrize("who", ["colleague", "other_manager", "senior_manager", "hr_user"])
def test_no_one_else_sees_the_projector(client, talking, who, request):
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))
    assert client.get(url("talk_projector", talking)).status_code == 404


def test_the_projector_waits_for_the_talk(client, review, employee):
    client.force_login(employee.user)
    assert client.get(url("talk_projector", review)).status_code == 302


def test_the_projector_takes_no_post(client, talking, manager):
    client.force_login(manager.user)
    assert client.post(url("talk_projector", talking)).status_code == 405
