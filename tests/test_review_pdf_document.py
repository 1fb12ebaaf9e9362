"""The record reads like a document (issue 16, point 12): no page holds a lone line, and
the parties' copy shows both wheels and the prepared answers; HR's copy as before."""

import pytest

from competencies.models import Question
from reviews.models import Answer, Preparation
from tests.test_review_pdf import conclude, get_pdf

pytestmark = pytest.mark.django_db

EMPLOYEE_ANSWER = "Jeg har ført det nye sagssystem i mål"
MANAGER_ANSWER = "Anne har løftet sagssystemet flot"


@pytest.fixture
def concluded_with_answers(client, review, employee, manager):
    question = Question.objects.filter(theme__question_set=review.round.question_set).first()
    for person, party, text in (
        (employee, "employee", EMPLOYEE_ANSWER),
        (manager, "manager", MANAGER_ANSWER),
    ):
        preparation, _created = Preparation.objects.get_or_create(
            review=review, author=person, defaults={"party": party}
        )
        Answer.objects.create(preparation=preparation, question=question, text=text)
    return conclude(client, review, employee, manager), question


@pytest.mark.parametrize("party", ["employee", "manager"])
def test_the_parties_copy_shows_both_wheels_and_the_answers(
    client, concluded_with_answers, party, request, tmp_path
):
    review, question = concluded_with_answers
    pdf = get_pdf(client, review, request.getfixturevalue(party).user, tmp_path)
    for text in ("Hver sit hjul", "Svarene fra forberedelsen", EMPLOYEE_ANSWER, MANAGER_ANSWER):
        assert text in pdf, text
    assert question.text in pdf
    assert pdf.text.count("Medarbejderen") >= 2 and pdf.text.count("Lederen") >= 2


@pytest.mark.parametrize("who", ["hr_user", "superuser"])
def test_hrs_copy_holds_no_preparation(client, concluded_with_answers, who, request, tmp_path):
    review, _question = concluded_with_answers
    pdf = get_pdf(client, review, request.getfixturevalue(who), tmp_path)
    for text in ("Hver sit hjul", "Svarene fra forberedelsen", EMPLOYEE_ANSWER, MANAGER_ANSWER):
        assert text not in pdf, text


def test_no_page_holds_a_lone_line(client, concluded_with_answers, employee, tmp_path):
    review, _question = concluded_with_answers
    pdf = get_pdf(client, review, employee.user, tmp_path)
    pages = [page for page in pdf.text.split("\f") if page.strip()]
    assert len(pages) == pdf.pages > 1
    for number, page in enumerate(pages, start=1):
        body = [line for line in page.splitlines() if line.strip() and "Side " not in line]
        assert len(body) >= 6, f"page {number} holds only {body}"


def test_a_short_record_leaves_no_page_almost_empty(client, review, employee, manager, tmp_path):
    """What was agreed, then the talk's wheel and table: they follow on, rather than the
    wheel forcing a new page after a summary of two lines (the demo's record did)."""
    from reviews.models import Goal, State
    from tests.conftest import make_mark

    levels = ["strong", "fine", "focus", "fine", "strong", "focus", "fine", "strong"]
    for party, shift in (("employee", 0), ("manager", 1)):
        for competence, level in zip(
            review.round.catalogue.competences.all(), levels[shift:] + levels[:shift], strict=True
        ):
            make_mark(review, party, competence.name, level)
    review.state = State.CONCLUDED
    review.summary = "Anne er stærk fagligt. " * 6
    review.save()
    for title in (
        "Blive skarpere til at formidle",
        "Kende de politiske dagsordener",
        "Lede et projekt",
    ):
        Goal.objects.create(
            review=review,
            title=title,
            actions="Et kursus og to oplæg. " * 3,
            responsible="Anne tilmelder sig, Mette giver sparring. " * 2,
            accepted_by_employee=1,
            accepted_by_manager=1,
        )
    pdf = get_pdf(client, review, employee.user, tmp_path)
    pages = [page for page in pdf.text.split("\f") if page.strip()]
    for number, page in enumerate(pages[:-1], start=1):
        body = [line for line in page.splitlines() if line.strip()]
        assert len(body) >= 15, f"page {number} of {len(pages)} holds only {body}"
