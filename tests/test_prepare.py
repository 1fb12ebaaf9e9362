"""Preparing: answers and marks saved as one types, sealed until both have shared."""

import pytest
from django.urls import reverse

from competencies.models import Question
from reviews.access import access_to
from reviews.models import Answer, Mark, Preparation, Review, Round, State

pytestmark = pytest.mark.django_db


def url(name, review):
    return reverse(name, args=[review.public_id])


def first_question(review):
    return Question.objects.filter(theme__question_set=review.round.question_set).first()


def save_text(client, review, field, text, version=0, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        url("prepare_text", review),
        {"field": field, field: text, f"{field}-version": version},
        **headers,
    )


@pytest.fixture
def anne(client, employee):
    client.force_login(employee.user)
    return client


def test_the_page_shows_questions_wheel_and_every_competence(anne, review):
    response = anne.get(url("prepare", review))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hvad er gået godt, hvad har været udfordrende? Og hvorfor?" in page
    assert page.count('class="wheel__tooth') == 10  # 8 competences and 2 empty slots
    assert page.count('name="level-c') == 8 * 4
    assert "Ikke villlig til at påtage sig nye opgaver." in page  # an indicator, at hand
    assert 'name="name-s1"' in page and 'name="name-s2"' in page


def test_an_answer_autosaves_and_starts_the_review(anne, review):
    question = first_question(review)
    response = save_text(anne, review, f"answer-{question.pk}", "Jeg har nået meget.")
    assert response.status_code == 200
    assert 'value="1"' in response.content.decode()  # the next save builds on version 1
    assert "Gemt" in response.content.decode()
    answer = Answer.objects.get()
    assert (answer.text, answer.text_version, answer.preparation.party) == (
        "Jeg har nået meget.",
        1,
        "employee",
    )
    assert Review.objects.get(pk=review.pk).state == State.PREPARING


def test_two_tabs_never_lose_text_silently(anne, review):
    field = f"answer-{first_question(review).pk}"
    save_text(anne, review, field, "Fra fane 1", version=0)
    response = save_text(anne, review, field, "Fra fane 2", version=0)  # fane 2 is behind
    page = response.content.decode()
    # The typed text stays in its field; the saved one is shown beside it.
    assert response["HX-Retarget"] == f"#conflict-{field}"
    assert "Fra fane 1" in page
    assert Answer.objects.get().text == "Fra fane 1"
    # Choosing "keep mine" posts with the current version: now it saves.
    save_text(anne, review, field, "Fra fane 2", version=1)
    assert Answer.objects.get().text == "Fra fane 2"


def test_choosing_the_saved_text_puts_it_in_the_field(anne, review):
    field = f"answer-{first_question(review).pk}"
    save_text(anne, review, field, "Den gemte", version=0)
    response = anne.post(
        url("prepare_text", review),
        {"field": field, "base_version": 1, "take_saved": "1"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert f'<textarea id="id-{field}"' in page and 'data-hx-swap-oob="true"' in page
    assert ">Den gemte</textarea>" in page
    assert Answer.objects.get().text == "Den gemte"


def test_the_same_text_from_two_tabs_is_no_conflict(anne, review):
    field = f"answer-{first_question(review).pk}"
    save_text(anne, review, field, "Samme", version=0)
    response = save_text(anne, review, field, "Samme", version=0)
    assert "HX-Retarget" not in response


def test_without_javascript_the_whole_form_saves(anne, review):
    question = first_question(review)
    competence = review.round.catalogue.competences.first()
    response = anne.post(
        url("prepare", review),
        {
            f"answer-{question.pk}": "Uden JavaScript",
            f"answer-{question.pk}-version": "0",
            f"level-c{competence.pk}": "focus",
            f"note-c{competence.pk}": "Vil lære mere",
            f"note-c{competence.pk}-version": "0",
            "name-s1": "Projektledelse",
            "name-s1-version": "0",
            "level-s1": "strong",
        },
    )
    assert response["Location"] == url("prepare", review)
    assert Answer.objects.get().text == "Uden JavaScript"
    mark = Mark.objects.get(competence=competence)
    assert (mark.level, mark.note) == ("focus", "Vil lære mere")
    own = Mark.objects.get(slot=1)
    assert (own.name, own.level) == ("Projektledelse", "strong")


def test_a_stale_plain_form_shows_both_texts(anne, review):
    question = first_question(review)
    field = f"answer-{question.pk}"
    save_text(anne, review, field, "Gemt i en anden fane")
    response = anne.post(url("prepare", review), {field: "Min tekst", f"{field}-version": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Gemt i en anden fane" in page and "Min tekst" in page
    assert Answer.objects.get().text == "Gemt i en anden fane"


def test_marking_redraws_the_wheel_and_the_radio_group(anne, review):
    competence = review.round.catalogue.competences.get(position=3)
    response = anne.post(
        url("prepare_level", review),
        {"key": f"c{competence.pk}", "level": "strong"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert page.startswith('<div class="wheel-panel" id="wheel-panel">')
    assert "Kommuner: stærk kompetence" in page  # the wheel's text alternative
    assert f'id="levels-c{competence.pk}"' in page and 'data-hx-swap-oob="true"' in page
    assert Mark.objects.get().level == "strong"


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"key": "c999999", "level": "strong"}, 404),  # not in this round's catalogue
        ({"key": "s3", "level": "strong"}, 404),  # the catalogue has two slots
        ({"key": "x1", "level": "strong"}, 404),
        ({"key": "c{first}", "level": "excellent"}, 400),
    ],
)
def test_bad_marks_are_refused_and_change_nothing(anne, review, data, status):
    first = review.round.catalogue.competences.first().pk
    data = {k: v.format(first=first) for k, v in data.items()}
    response = anne.post(url("prepare_level", review), data, HTTP_HX_REQUEST="true")
    assert response.status_code == status
    assert not Mark.objects.exclude(level="").exists()


def test_a_question_of_another_question_set_is_refused(anne, review, catalogues):
    other = Question.objects.exclude(theme__question_set=review.round.question_set).first()
    response = save_text(anne, review, f"answer-{other.pk}", "x")
    assert response.status_code == 404
    assert not Answer.objects.exists()


# Sealed until both have shared.


def test_what_one_prepares_is_sealed_from_the_other(client, review, employee, manager):
    client.force_login(employee.user)
    save_text(client, review, f"answer-{first_question(review).pk}", "Annes hemmelighed")
    client.post(url("prepare_share", review))

    client.force_login(manager.user)
    page = client.get(url("prepare", review)).content.decode()
    assert "Annes hemmelighed" not in page  # Mette has not shared her own yet
    assert Preparation.objects.get(party="employee").seen_at is None

    client.post(url("prepare_share", review))
    page = client.get(url("prepare", review)).content.decode()
    assert "Annes hemmelighed" in page
    assert Preparation.objects.get(party="employee").seen_at is not None
    assert Review.objects.get(pk=review.pk).state == State.SHARED


@pytest.mark.parametrize("who", ["colleague", "other_manager", "senior_manager", "hr_user"])
def test_no_one_else_reaches_a_preparation(client, review, employee, who, request):
    client.force_login(employee.user)
    save_text(client, review, f"answer-{first_question(review).pk}", "Fortroligt")
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    assert client.get(url("prepare", review)).status_code == 404
    response = save_text(client, review, f"answer-{first_question(review).pk}", "x", version=1)
    assert response.status_code == 404
    assert Answer.objects.get().text == "Fortroligt"


def test_sharing_locks_and_can_be_taken_back_until_seen(client, review, employee, manager):
    field = f"answer-{first_question(review).pk}"
    client.force_login(employee.user)
    save_text(client, review, field, "Version 1")
    client.post(url("prepare_share", review))

    assert save_text(client, review, field, "Ændret", version=1).status_code == 403
    assert client.post(url("prepare_share", review)).status_code == 403

    client.post(url("prepare_take_back", review))
    assert save_text(client, review, field, "Ændret", version=1).status_code == 200
    client.post(url("prepare_share", review))

    client.force_login(manager.user)
    client.post(url("prepare_share", review))
    client.get(url("prepare", review))  # Mette sees Anne's preparation

    client.force_login(employee.user)
    response = client.post(url("prepare_take_back", review), follow=True)
    assert "kan ikke længere trækkes tilbage" in response.content.decode()
    assert Preparation.objects.get(party="employee").shared_at is not None


def test_only_the_employee_prepares_in_that_mode(client, review, employee, manager):
    Round.objects.filter(pk=review.round_id).update(mode="employee")
    client.force_login(manager.user)
    assert save_text(client, review, f"answer-{first_question(review).pk}", "x").status_code == 403

    client.force_login(employee.user)
    save_text(client, review, f"answer-{first_question(review).pk}", "Kun mig")
    client.post(url("prepare_share", review))
    assert Review.objects.get(pk=review.pk).state == State.SHARED

    client.force_login(manager.user)
    assert "Kun mig" in client.get(url("prepare", review)).content.decode()


def test_nobody_fills_in_when_the_wheel_is_inspiration_only(client, review, employee):
    Round.objects.filter(pk=review.round_id).update(mode="none")
    client.force_login(employee.user)
    page = client.get(url("prepare", review)).content.decode()
    assert "I denne runde udfyldes intet" in page
    assert save_text(client, review, f"answer-{first_question(review).pk}", "x").status_code == 403


@pytest.mark.parametrize(
    "name", ["prepare_text", "prepare_level", "prepare_share", "prepare_take_back"]
)
def test_writes_need_post(anne, review, name):
    assert anne.get(url(name, review)).status_code == 405


def test_the_page_runs_a_fixed_number_of_queries(anne, review, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        anne.get(url("prepare", review))


# Following up on the last talk.


@pytest.fixture
def last_year(kl_catalogue, kl_questions, employee, manager):
    from reviews.factories import FocusAreaFactory, GoalFactory, ReviewFactory
    from tests.conftest import make_round

    round_ = make_round(
        kl_catalogue,
        kl_questions,
        name="MUS 2026",
        status="closed",
        preparation_deadline="2026-02-01",
        talks_start="2026-02-08",
        talks_end="2026-03-31",
    )
    earlier = ReviewFactory(round=round_, employee=employee, manager=manager, state="concluded")
    FocusAreaFactory(review=earlier, competence=kl_catalogue.competences.get(name="Politik"))
    agreed = {"wording": 2, "accepted_by_employee": 2, "accepted_by_manager": 2}
    GoalFactory(review=earlier, title="Formidle til politikere", status="under_way", **agreed)
    GoalFactory(
        review=earlier,
        title="Kun foreslået",
        wording=2,
        accepted_by_employee=2,
        accepted_by_manager=1,
    )
    return earlier


def test_the_last_talks_agreements_are_there_to_follow_up(anne, review, last_year):
    page = anne.get(url("prepare", review)).content.decode()
    assert "Aftalt ved din sidste MUS (MUS 2026)" in page
    assert "Politik" in page
    assert "Formidle til politikere" in page and "I gang" in page
    assert "Kun foreslået" not in page  # not accepted by both: never agreed


def test_agreed_goals_follow_the_employee_to_a_new_manager(
    client, review, last_year, other_manager, hr_user
):
    from reviews.services import move_to_manager

    move_to_manager(access_to(hr_user, review), other_manager, "Ny organisering")
    client.force_login(other_manager.user)
    page = client.get(url("prepare", review)).content.decode()
    assert "Formidle til politikere" in page


def test_a_concluded_review_refuses_preparation_writes_with_a_message(anne, review):
    Review.objects.filter(pk=review.pk).update(state=State.CONCLUDED, talk_manager=review.manager)
    response = save_text(anne, review, f"answer-{first_question(review).pk}", "x", htmx=False)
    assert response.status_code == 403
    assert "Denne forberedelse kan ikke længere ændres." in response.content.decode()
    assert not Answer.objects.exists()


def test_a_kept_field_shows_what_is_stored_now(anne, review):
    """The page keeps its fields' markup by what they show (kept_partial): a text saved
    since the last view is shown, never the markup kept from before."""
    field = f"answer-{first_question(review).pk}"
    save_text(anne, review, field, "Det første", version=0)
    assert "Det første" in anne.get(url("prepare", review)).content.decode()
    save_text(anne, review, field, "Det andet", version=1)
    page = anne.get(url("prepare", review)).content.decode()
    assert "Det andet" in page and "Det første" not in page


def test_a_kept_field_is_never_another_reviews(client, review, employee, colleague):
    """Two people answering the same question alike still get their own review's field:
    it saves to their own review (the save address is part of what keeps it)."""
    other = Review.objects.get(round=review.round, employee=colleague)
    field = f"answer-{first_question(review).pk}"
    for person, their_review in ((employee, review), (colleague, other)):
        client.force_login(person.user)
        save_text(client, their_review, field, "Samme svar", version=0)
        page = client.get(url("prepare", their_review)).content.decode()
        assert url("prepare_text", their_review) in page
        assert str((review if their_review == other else other).public_id) not in page


def test_a_refused_level_echoes_nothing_as_markup(anne, review):
    """The refusal names what was posted; said as plain text, it can never run as script."""
    response = anne.post(
        url("prepare_level", review),
        {"key": f"c{review.round.catalogue.competences.first().pk}", "level": "<script>x</script>"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
