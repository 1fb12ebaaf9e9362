"""The PDF of a concluded review: each reader gets the record their access allows."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.access import access_to
from reviews.factories import FocusAreaFactory, GoalFactory, MarkFactory
from reviews.models import Goal, Mark, Preparation, Review, State
from reviews.record import export_filename, filename
from tests.conftest import make_mark as mark
from tests.pdf import Pdf

pytestmark = pytest.mark.django_db

# What only the parties may read, each written once in the talk below.
EMPLOYEE_NOTE = "Jeg formidler fagligt stof sikkert"
MANAGER_NOTE = "Den politiske forståelse skal styrkes"
OWN_COMPETENCE = "Kagebagning"
TALK_NOTE = "Fortrolig note om trivsel og arbejdspres"
EMPLOYEE_REFLECTION = "Mere projektledelse på tværs"
EMPLOYEE_LONGER_TERM = "Måske specialist om fem år"
MANAGER_REFLECTION = "Lederens egen pointe om sparring"
UNAGREED_GOAL = "Et mål kun lederen har godkendt"
PARTIES_ONLY = [
    EMPLOYEE_NOTE,
    MANAGER_NOTE,
    OWN_COMPETENCE,
    TALK_NOTE,
    EMPLOYEE_REFLECTION,
    "Kompetencehjulet",
    "stærk kompetence",
    "fokusområde",
    "to trin fra hinanden",
]

# What the agreement holds, which HR sees too.
GOAL = "Lære politisk formidling på Ærø"
ACTIONS = "Kursus i økonomi og jura"
RESPONSIBLE = "Anne søger kurset; Mette frigør tid"
SUMMARY = "Vi aftalte at styrke den politiske forståelse før næste år."
DISAGREEMENT = "Jeg ser Politik anderledes end min leder."


def url(name, review, *args):
    return reverse(name, args=[review.public_id, *args])


def conclude(client, review, employee, manager) -> Review:
    """Drive a review through the talk to its conclusion, as the two parties would."""
    mark(review, "employee", "Faglighed", "strong", note=EMPLOYEE_NOTE)
    mark(review, "manager", "Faglighed", "strong")
    mark(review, "employee", "Politik", "strong")
    mark(review, "manager", "Politik", "focus", note=MANAGER_NOTE)
    mark(review, "employee", "Helhed", "fine")
    mark(review, "manager", "Helhed", "focus")
    MarkFactory(
        preparation=Preparation.objects.get(review=review, party="employee"),
        slot=1,
        name=OWN_COMPETENCE,
        level="strong",
    )
    politik = review.round.catalogue.competences.get(name="Politik")

    client.force_login(manager.user)
    client.post(url("talk_start", review))
    client.post(url("talk_focus", review), {"focus": [f"c{politik.pk}"]})
    client.post(
        url("goal_add", review),
        {"title": GOAL, "actions": ACTIONS, "responsible": RESPONSIBLE, "due": "2027-12-01"},
    )
    client.post(url("goal_add", review), {"title": UNAGREED_GOAL})
    client.post(url("talk_text", review), {"field": "summary", "summary": SUMMARY, "version": 0})
    client.post(
        url("talk_text", review), {"field": "talk_notes", "talk_notes": TALK_NOTE, "version": 0}
    )
    client.post(url("reflection", review), {"behaviour": MANAGER_REFLECTION})  # kept private

    client.force_login(employee.user)
    client.post(url("goal_accept", review, Goal.objects.get(title=GOAL).pk), {"wording": 1})
    client.post(
        url("reflection", review),
        {"role": EMPLOYEE_REFLECTION, "longer_term": EMPLOYEE_LONGER_TERM},
    )
    client.post(url("reflection_share", review))

    client.force_login(manager.user)
    client.post(url("talk_end", review))
    client.force_login(employee.user)
    client.post(url("talk_confirm", review), {"disagreement": DISAGREEMENT})
    client.logout()

    review = Review.objects.get(pk=review.pk)
    assert review.state == State.CONCLUDED
    assert [g.is_agreed for g in review.goals.all()] == [True, False]
    return review


@pytest.fixture
def concluded(client, review, employee, manager):
    return conclude(client, review, employee, manager)


def get_pdf(client, review, user, tmp_path) -> Pdf:
    client.force_login(user)
    response = client.get(url("review_pdf", review))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return Pdf(tmp_path / "record.pdf", response.content)


def assert_the_agreement(pdf: Pdf) -> None:
    for text in [
        "Anne Andersen",
        "MUS 2027",
        "Mette Madsen",
        "Kontoret",
        "Afsluttet",
        "8. februar 2027 – 31. marts 2027",
        "Fokusområder for det kommende år",
        "Politik",
        GOAL,
        ACTIONS,
        RESPONSIBLE,
        "1. december 2027",
        "Ikke startet",
        SUMMARY,
        DISAGREEMENT,
    ]:
        assert text in pdf, text
    assert UNAGREED_GOAL not in pdf


@pytest.mark.parametrize("party", ["employee", "manager"])
def test_a_party_sees_the_whole_talk(client, concluded, party, request, tmp_path):
    person = request.getfixturevalue(party)
    pdf = get_pdf(client, concluded, person.user, tmp_path)
    assert_the_agreement(pdf)
    for text in [
        "Kompetencehjulet",
        EMPLOYEE_NOTE,
        MANAGER_NOTE,
        OWN_COMPETENCE,
        "to trin fra hinanden",  # Politik: strong against focus
        TALK_NOTE,
        EMPLOYEE_REFLECTION,  # shared: both see it
        EMPLOYEE_LONGER_TERM,
    ]:
        assert text in pdf, text
    # The manager's reflection is not shared: the manager's alone.
    assert (MANAGER_REFLECTION in pdf) == (party == "manager")


def test_the_comparison_is_ordered_by_difference(client, concluded, employee, tmp_path):
    pdf = get_pdf(client, concluded, employee.user, tmp_path)
    table = pdf.text[pdf.text.find("Forskel") :]
    rows = [table.find(name) for name in ("Politik", "Helhed", "Faglighed", OWN_COMPETENCE)]
    assert -1 not in rows
    assert rows == sorted(rows)  # two steps, one step, agreed, marked by one only


@pytest.mark.parametrize("who", ["hr_user", "superuser"])
def test_hr_sees_the_agreement_and_nothing_of_the_talk(client, concluded, who, request, tmp_path):
    pdf = get_pdf(client, concluded, request.getfixturevalue(who), tmp_path)
    assert_the_agreement(pdf)
    for text in [*PARTIES_ONLY, MANAGER_REFLECTION, EMPLOYEE_LONGER_TERM]:
        assert text not in pdf, text


def test_a4_with_numbered_pages_and_the_danish_letters(client, concluded, manager, tmp_path):
    pdf = get_pdf(client, concluded, manager.user, tmp_path)
    width, height = pdf.page_size
    assert (width, height) == (pytest.approx(595.28, abs=1), pytest.approx(841.89, abs=1))
    assert pdf.pages > 1
    for page in range(1, pdf.pages + 1):
        assert f"Side {page} af {pdf.pages}" in pdf.text
    assert "MUS 2027 · Anne Andersen" in pdf.text  # the running footer
    for text in ["Lære politisk formidling på Ærø", "Kursus i økonomi og jura", "stærk kompetence"]:
        assert text in pdf.text, text


def test_the_download_is_named_after_round_and_person(client, concluded, employee):
    client.force_login(employee.user)
    response = client.get(url("review_pdf", concluded))
    assert response["Content-Disposition"] == 'inline; filename="mus-2027-anne-andersen.pdf"'


def test_file_names_spell_out_danish_letters(concluded):
    user = concluded.employee.user
    user.first_name, user.last_name = "Søren", "Ærbø Åberg"
    assert filename(concluded) == "mus-2027-soeren-aerboe-aaberg.pdf"
    concluded.employee.employee_number = "A/17 3"
    assert export_filename(concluded) == "A_17_3-soeren-aerboe-aaberg.pdf"


@pytest.mark.parametrize("who", ["colleague", "other_manager", "senior_manager", "outsider"])
def test_no_one_else_gets_the_record(client, concluded, who, request):
    client.force_login(request.getfixturevalue(who).user)
    assert client.get(url("review_pdf", concluded)).status_code == 404


def test_an_unknown_review_is_404(client, hr_user):
    client.force_login(hr_user)
    assert client.get(reverse("review_pdf", args=[uuid.uuid4()])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, concluded):
    pdf_url = url("review_pdf", concluded)
    response = client.get(pdf_url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={pdf_url}"


@pytest.mark.parametrize("who", ["employee", "manager", "hr_user", "superuser"])
def test_a_review_not_concluded_has_no_record_yet(client, review, who, request):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    assert client.get(url("review_pdf", review)).status_code == 403


def test_a_reopened_review_has_no_record_until_concluded_again(
    client, concluded, employee, hr_user
):
    from reviews.talk import reopen

    reopen(access_to(hr_user, concluded), "Medarbejderen bad om det")
    client.force_login(employee.user)
    assert client.get(url("review_pdf", concluded)).status_code == 403


def test_a_review_without_marks_or_agreement_still_prints(client, review, employee, tmp_path):
    Review.objects.filter(pk=review.pk).update(
        state=State.CONCLUDED,
        talk_manager=review.manager,
        confirmed_at=datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC),
    )
    pdf = get_pdf(client, review, employee.user, tmp_path)
    assert "Anne Andersen" in pdf
    assert "Ingen aftalt" in pdf  # no focus areas
    assert "1. marts 2027" in pdf


@pytest.mark.parametrize("who", ["employee", "hr_user"])
def test_the_number_of_queries_does_not_grow_with_the_record(
    client, concluded, who, request, django_assert_max_num_queries
):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    # The first reading marks the other's preparation as seen (a write), the next do not.
    assert client.get(url("review_pdf", concluded)).status_code == 200
    counts = []
    for _more in range(2):
        with django_assert_max_num_queries(30), CaptureQueriesContext(connection) as queries:
            assert client.get(url("review_pdf", concluded)).status_code == 200
        counts.append(len(queries))
        for competence in concluded.round.catalogue.competences.all()[:4]:
            FocusAreaFactory(review=concluded, competence=competence)
        for title in ["Mål to", "Mål tre"]:
            GoalFactory(review=concluded, title=title)
        Mark.objects.filter(preparation__review=concluded).update(note="Mere at sige")
    assert counts[0] == counts[1]
