"""Attack journeys: each holder of some power tries to read or change a MUS that is not
theirs to read or change, through the real URLs and forms, as they would in the demo.

Organised by actor. Each test names the hole the outside review found (issue 14's
numbers) and checks both the refusal (what the person is told) and the database (that
nothing changed), and that the refused attempt stands in the review's trail with the
acting person's real name and role.
"""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from competencies.models import Question
from mus.models import Person
from reviews.models import (
    Answer,
    Goal,
    Preparation,
    Reflection,
    Review,
    ReviewEvent,
    Role,
    State,
)
from reviews.services import close_round
from tests.conftest import make_person, make_round

pytestmark = pytest.mark.django_db

DRAFT = "Mettes egne tanker om Anne, kun til Mette"
NOTES = "Fortroligt fra samtalen mellem Anne og Mette"
REFLECTION = "Mettes private refleksion over samtalen"


def url(name, review, *args):
    return reverse(name, args=[review.public_id, *args])


def hr_url(name, review):
    return reverse(name, args=[review.round.pk, review.public_id])


def first_question(review):
    return Question.objects.filter(theme__question_set=review.round.question_set).first()


def competence(review, name="Faglighed"):
    return review.round.catalogue.competences.get(name=name)


def as_(client, person_or_user):
    client.force_login(getattr(person_or_user, "user", person_or_user))
    return client


def write_preparation(client, review, text, level="focus"):
    """Answer the first question and mark Faglighed, as the page's autosave does."""
    field = f"answer-{first_question(review).pk}"
    saved = client.post(
        url("prepare_text", review),
        {"field": field, field: text, f"{field}-version": 0},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200, saved.content
    key = f"c{competence(review).pk}"
    marked = client.post(url("prepare_level", review), {"key": key, "level": level})
    assert marked.status_code == 302


def share(client, review):
    return client.post(url("prepare_share", review), follow=True)


def start_talk(client, manager, review):
    as_(client, manager).post(url("talk_start", review))


def hold_talk(client, employee, manager, review):
    """The talk as the two hold it: notes, a summary, a goal both accept; then it is held."""
    start_talk(client, manager, review)
    as_(client, manager)
    client.post(url("talk_text", review), {"field": "talk_notes", "talk_notes": NOTES})
    client.post(url("talk_text", review), {"field": "summary", "summary": "Vi aftalte kursus"})
    client.post(url("talk_focus", review), {"focus": [f"c{competence(review).pk}"]})
    client.post(url("goal_add", review), {"title": "Tage et kursus i jura"})
    goal = Goal.objects.get(review=review)
    as_(client, employee).post(url("goal_accept", review, goal.pk), {"wording": goal.wording})
    as_(client, manager).post(url("talk_end", review))
    assert Review.objects.get(pk=review.pk).state == State.TALK_HELD


def conclude(client, employee, manager, review):
    hold_talk(client, employee, manager, review)
    as_(client, employee).post(url("talk_confirm", review), {"disagreement": ""})
    assert Review.objects.get(pk=review.pk).state == State.CONCLUDED


def write_reflection(client, person, review, text):
    response = as_(client, person).post(
        url("reflection", review), {"role": text, "role-version": 0}, follow=True
    )
    assert text in response.content.decode()


def move(client, hr, review, to, reason="Omstrukturering"):
    return as_(client, hr).post(
        hr_url("review_move", review), {"manager": to.employee_number, "reason": reason}
    )


def zip_data(client, person_or_user) -> str:
    response = as_(client, person_or_user).get(reverse("personal_data_export"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return archive.read("data.json").decode()


def refusals(review, actor):
    return list(
        ReviewEvent.objects.filter(review=review, kind=ReviewEvent.Kind.REFUSED, actor=actor)
    )


def manager_of(review):
    return Review.objects.select_related("manager").get(pk=review.pk).manager


@pytest.fixture
def hr_person(hr_user, office):
    """Hanne from HR is an employee of the municipality too, with a person of her own."""
    return Person.objects.create(user=hr_user, employee_number="hr-1", department=office)


@pytest.fixture
def concluded(client, review, employee, manager):
    write_preparation(as_(client, employee), review, "Annes svar")
    share(client, review)
    write_preparation(as_(client, manager), review, "Mettes svar")
    share(client, review)
    hold_talk(client, employee, manager, review)
    write_reflection(client, manager, review, REFLECTION)
    as_(client, employee).post(url("talk_confirm", review), {"disagreement": ""})
    review.refresh_from_db()
    assert review.state == State.CONCLUDED
    return review


def reopen(client, hr, review, reason="Medarbejderen bad om det"):
    return as_(client, hr).post(hr_url("review_reopen", review), {"reason": reason})


class TestHR:
    def test_1_reopening_and_moving_to_herself_is_refused(self, client, concluded, hr_person):
        """Hole 1: HR reopened a concluded review, gave it to herself, and read the talk."""
        hr = hr_person.user
        assert reopen(client, hr, concluded).status_code == 302  # reopening is HR's to do
        response = move(client, hr, concluded, to=hr_person)
        assert "Du kan ikke give en samtale til dig selv." in response.content.decode()
        assert manager_of(concluded) != hr_person
        for name in ("talk", "prepare", "reflection", "review_detail"):
            page = as_(client, hr).get(url(name, concluded))
            assert page.status_code == 404
            assert NOTES not in page.content.decode()
        assert NOTES not in zip_data(client, hr) and REFLECTION not in zip_data(client, hr)
        (refused, *_rest) = refusals(concluded, hr)
        assert (refused.role, refused.action) == (Role.HR, "review_move")
        line = next(x for x in self.trail_lines(client, concluded) if "afvist" in x)
        assert "Hanne Rasmussen" in line

    @staticmethod
    def trail_lines(client, review):
        employee = review.employee
        page = as_(client, employee).get(url("review_trail", review)).content.decode()
        return page.split("<tr")

    def test_1_nor_to_anyone_else_who_holds_the_hr_right(
        self, client, review, hr_user, office, manager
    ):
        colleague_in_hr = make_person("helle", office, first_name="Helle")
        colleague_in_hr.user.groups.add(*hr_user.groups.all())
        response = move(client, hr_user, review, to=colleague_in_hr)
        assert "Helle har HR-adgang" in response.content.decode()
        assert manager_of(review) == manager
        assert refusals(review, hr_user)

    def test_1_moved_to_the_managers_manager_after_the_talk_gives_only_the_agreement(
        self, client, concluded, hr_user, senior_manager
    ):
        """Karen, Mette's own manager, takes over: she follows up the goals, nothing more."""
        reopen(client, hr_user, concluded)
        assert move(client, hr_user, concluded, to=senior_manager).status_code == 302
        assert manager_of(concluded) == senior_manager
        karen = as_(client, senior_manager)
        detail = karen.get(url("review_detail", concluded)).content.decode()
        assert "Tage et kursus i jura" in detail  # the agreed goal, to follow up
        assert NOTES not in detail
        for name in ("talk", "prepare", "reflection"):
            response = karen.get(url(name, concluded))
            assert response.status_code == 403
            page = response.content.decode()
            assert NOTES not in page and "Mettes svar" not in page and REFLECTION not in page
        assert "overtog samtalen, efter at den var begyndt" in page
        data = zip_data(client, senior_manager)
        assert "Mettes svar" not in data and NOTES not in data and REFLECTION not in data

    def test_7_reopening_needs_an_open_round(self, client, concluded, hr_user):
        """Hole 7: reopened in a year HR had closed, notes were overwritten, goals deleted."""
        close_round(concluded.round)
        response = reopen(client, hr_user, concluded)
        assert "Runden er lukket, så dens samtaler kan ikke genåbnes." in response.content.decode()
        assert Review.objects.get(pk=concluded.pk).state == State.CONCLUDED
        assert refusals(concluded, hr_user)
        # And the two cannot change the talk of a closed round either.
        employee, manager = concluded.employee, concluded.manager
        as_(client, manager).post(url("talk_text", concluded), {"field": "talk_notes"})
        goal = Goal.objects.get(review=concluded)
        as_(client, employee).post(url("goal_delete", concluded, goal.pk))
        assert Review.objects.get(pk=concluded.pk).talk_notes == NOTES
        assert Goal.objects.filter(pk=goal.pk).exists()

    def test_8_her_own_review_is_not_hers_to_move_or_reopen(
        self, client, kl_catalogue, kl_questions, office, hr_person, manager, other_manager
    ):
        """Hole 8: an HR user moved their own review to another manager."""
        hr_person.manager = manager
        hr_person.save()
        round_ = make_round(kl_catalogue, kl_questions, name="MUS 2027 HR")
        round_.people.add(hr_person)
        from reviews.services import open_round

        open_round(round_)
        own = Review.objects.get(employee=hr_person)
        response = move(client, hr_person.user, own, to=other_manager)
        assert response.status_code == 403
        assert "Det er din egen MUS" in response.content.decode()
        assert manager_of(own) == manager
        assert refusals(own, hr_person.user)
        own.state, own.talk_manager = State.CONCLUDED, manager
        own.save()
        assert reopen(client, hr_person.user, own).status_code == 403
        assert Review.objects.get(pk=own.pk).state == State.CONCLUDED

    def test_her_refused_look_at_a_review_is_on_its_trail(self, client, review, hr_user):
        """Looking where one must not is recorded, with the real name and role."""
        assert as_(client, hr_user).get(url("prepare", review)).status_code == 404
        (refused,) = refusals(review, hr_user)
        assert (refused.role, refused.action) == (Role.HR, "prepare")


class TestSuperuser:
    def test_sees_what_hr_sees_of_a_record_and_is_named_so(self, client, concluded, superuser):
        pdf = as_(client, superuser).get(url("review_pdf", concluded))
        assert pdf.status_code == 200
        read = ReviewEvent.objects.filter(review=concluded, actor=superuser).get()
        assert read.role == Role.ADMIN
        for name in ("talk", "prepare", "reflection"):
            assert client.get(url(name, concluded)).status_code == 404
        assert {e.action for e in refusals(concluded, superuser)} == {
            "talk",
            "prepare",
            "reflection",
        }
        assert {e.role for e in refusals(concluded, superuser)} == {Role.ADMIN}


class TestOldManager:
    """Mette, from whom HR moved a review to Lars in an everyday reorganisation."""

    def test_2_her_unshared_draft_stays_hers(
        self, client, review, employee, manager, other_manager, hr_user
    ):
        write_preparation(as_(client, manager), review, DRAFT)
        draft = Preparation.objects.get(review=review, party="manager")
        page = as_(client, hr_user).get(hr_url("review_move", review)).content.decode()
        assert "Mette Madsens forberedelse" in page  # HR reads what will happen first
        assert move(client, hr_user, review, to=other_manager).status_code == 302

        # Lars starts a preparation of his own; Mette's is not his to read or change.
        lars = as_(client, other_manager)
        page = lars.get(url("prepare", review)).content.decode()
        assert DRAFT not in page
        assert 'value="focus" checked' not in page.split("levels-c")[1][:2000]
        write_preparation(lars, review, "Lars' egne tanker")
        assert DRAFT not in zip_data(client, other_manager)
        draft.refresh_from_db()
        assert draft.author == manager and draft.answers.get().text == DRAFT
        assert Answer.objects.filter(preparation__author=other_manager).get().text == (
            "Lars' egne tanker"
        )
        # Mette keeps her own words, in her data; the review itself is no longer hers.
        assert DRAFT in zip_data(client, manager)
        assert as_(client, manager).get(url("prepare", review)).status_code == 404
        assert refusals(review, manager.user)[0].role == Role.OUTSIDER
        # The move and what it kept apart are on the trail the employee reads.
        trail = as_(client, employee).get(url("review_trail", review)).content.decode()
        assert "Lars Lund ser den ikke" in trail

    def test_2_her_unshared_reflection_stays_hers(
        self, client, review, employee, manager, other_manager, hr_user
    ):
        write_preparation(as_(client, employee), review, "Annes svar")
        share(client, review)
        hold_talk(client, employee, manager, review)
        write_reflection(client, manager, review, REFLECTION)
        move(client, hr_user, review, to=other_manager)
        response = as_(client, other_manager).get(url("reflection", review))
        assert REFLECTION not in response.content.decode()
        assert response.status_code == 403
        as_(client, other_manager).post(url("reflection", review), {"role": "Lars'"})
        assert not Reflection.objects.filter(author=other_manager).exists()
        assert REFLECTION in zip_data(client, manager)
        assert REFLECTION not in zip_data(client, other_manager)

    def test_her_shared_preparation_does_not_follow_the_review_to_lars(
        self, client, review, employee, manager, other_manager, hr_user
    ):
        write_preparation(as_(client, employee), review, "Annes svar")
        share(client, review)
        write_preparation(as_(client, manager), review, DRAFT)
        share(client, review)
        assert Review.objects.get(pk=review.pk).state == State.SHARED
        move(client, hr_user, review, to=other_manager)
        # Lars has not prepared: the review waits for him, and the seal holds for him.
        assert Review.objects.get(pk=review.pk).state == State.PREPARING
        page = as_(client, other_manager).get(url("prepare", review)).content.decode()
        assert DRAFT not in page and "Annes svar" not in page
        # Starting the talk shares his (empty) preparation, never Mette's draft.
        start_talk(client, other_manager, review)
        talk = as_(client, employee).get(url("prepare", review)).content.decode()
        assert DRAFT not in talk


class TestNewManager:
    """Lars, given a review that another manager began."""

    def test_4_the_seal_cannot_be_defeated_by_sharing_empty_and_taking_back(
        self, client, review, employee, manager
    ):
        """Hole 4: share an empty preparation, read the other's, take it back, copy it."""
        write_preparation(as_(client, employee), review, "Annes svar", level="strong")
        share(client, review)
        mette = as_(client, manager)
        share(mette, review)
        assert "Annes svar" in mette.get(url("prepare", review)).content.decode()
        response = mette.post(url("prepare_take_back", review), follow=True)
        assert "Du har set den andens forberedelse" in response.content.decode()
        own = Preparation.objects.get(review=review, author=manager)
        assert own.is_shared and not own.marks.exists()
        assert refusals(review, manager.user)[0].action == "prepare_take_back"

    def test_5_the_data_zip_counts_as_seeing(self, client, review, employee, manager):
        """Hole 5: the personal-data zip showed the other's preparation without a trace, so
        Mette could still take hers back after Anne had read it there."""
        write_preparation(as_(client, manager), review, "Mettes svar")
        share(client, review)
        share(as_(client, employee), review)
        assert "Mettes svar" in zip_data(client, employee)
        mettes = Preparation.objects.get(review=review, author=manager)
        assert mettes.seen_at is not None  # Mette's sharing is final now
        as_(client, manager).post(url("prepare_take_back", review))
        assert Preparation.objects.get(review=review, author=manager).is_shared
        as_(client, employee).post(url("prepare_take_back", review))
        assert Preparation.objects.get(review=review, author=employee).is_shared
        assert {e.actor for e in ReviewEvent.objects.filter(kind="refused")} == {
            manager.user,
            employee.user,
        }

    def test_9_the_earlier_agreements_he_reads_are_on_the_earlier_trail(
        self, client, concluded, employee, manager, other_manager, hr_user
    ):
        """Hole 9: the earlier review's agreements, read by a new manager, left no trace."""
        next_round = make_round(
            concluded.round.catalogue,
            concluded.round.question_set,
            name="MUS 2028",
            preparation_deadline=datetime.date(2028, 2, 1),
            talks_start=datetime.date(2028, 2, 8),
            talks_end=datetime.date(2028, 3, 31),
        )
        next_round.people.add(employee)
        from reviews.services import open_round

        open_round(next_round)
        upcoming = Review.objects.get(round=next_round)
        move(client, hr_user, upcoming, to=other_manager)
        page = as_(client, other_manager).get(url("prepare", upcoming)).content.decode()
        assert "Tage et kursus i jura" in page
        read = ReviewEvent.objects.get(review=concluded, actor=other_manager.user)
        assert (read.kind, read.action, read.role) == ("read", "read_previous", Role.MANAGER)


class TestManagersManager:
    def test_karen_sees_nothing_of_her_reports_reports(self, client, concluded, senior_manager):
        karen = as_(client, senior_manager)
        for name in ("review_detail", "talk", "prepare", "reflection", "review_pdf"):
            assert karen.get(url(name, concluded)).status_code == 404
        assert len(refusals(concluded, senior_manager.user)) == 5
        assert {e.role for e in refusals(concluded, senior_manager.user)} == {Role.OUTSIDER}


class TestColleague:
    def test_bo_cannot_open_annes_mus_and_she_can_see_that_he_tried(
        self, client, review, colleague, employee
    ):
        assert as_(client, colleague).get(url("talk", review)).status_code == 404
        trail = as_(client, employee).get(url("review_trail", review)).content.decode()
        assert "Bo" in trail and "afvist" in trail


class TestEmployee:
    def test_anne_cannot_write_the_managers_summary(self, client, review, employee, manager):
        start_talk(client, manager, review)
        response = as_(client, employee).post(
            url("talk_text", review), {"field": "summary", "summary": "Min version"}
        )
        assert response.status_code == 403
        assert Review.objects.get(pk=review.pk).summary == ""
        assert refusals(review, employee.user)[0].role == Role.EMPLOYEE

    def test_anne_cannot_take_back_once_she_has_read_her_managers(
        self, client, review, employee, manager
    ):
        write_preparation(as_(client, manager), review, "Mettes svar")
        share(client, review)
        anne = as_(client, employee)
        share(anne, review)
        assert "Mettes svar" in anne.get(url("prepare", review)).content.decode()
        anne.post(url("prepare_take_back", review))
        assert Preparation.objects.get(review=review, author=employee).is_shared
