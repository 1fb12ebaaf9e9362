"""Attack journeys: each holder of some power tries to read or change what is not theirs
to read or change, through the real URLs, forms and Django admin, as they would in the demo.

PRODUCT.md: a MUS is confidential between the employee and the manager; what a person
writes belongs to them; "HR runs rounds and the organisation but holds no power over
people's accounts: it cannot set passwords, sign in as anyone, or give a review to
itself." Organised by actor: HR, the superuser (break-glass: what it does is recorded),
the old manager, the new manager, the manager's own manager, a colleague, the employee.
Each test names the hole the outside review found (issue 14's numbers) where there is
one, and checks both the refusal (what the person is told) and the database (that
nothing changed), and, for a review, that the refused attempt stands in its trail with
the acting person's real name and role.
"""

import datetime
import io
import zipfile

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from competencies.models import Catalogue, Question, QuestionSet
from organisation.factories import PersonFactory, UserFactory
from organisation.models import HR_GROUP, Person, User
from reviews.factories import RoundFactory
from reviews.models import Answer, Goal, Preparation, Reflection, Review, Round, State
from reviews.services import close_round
from tests.conftest import PASSWORD, make_person, make_round
from tests.test_admin import change_url, form_data
from trail.models import ReviewEvent, Role

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
    return PersonFactory(user=hr_user, employee_number="hr-1", department=office)


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


NEW_PASSWORD = "a new passphrase the attacker chose 31"

# Why each refusal happens, as HR reads it (Danish by default).
PASSWORD_REFUSED = "Kun en superbruger kan sætte adgangskoder"
ADMINISTRATOR_REFUSED = (
    "Kun en superbruger kan ændre login for en superbruger eller for en med administrative "
    "rettigheder, som fx HR."
)
REMOVAL_REFUSED = "blev ikke fjernet: kun en superbruger kan fjerne"
MANAGER_REFUSED = "Du kan ikke gøre dig selv til nogens leder"
EMAIL_TAKEN = "Et andet login har allerede denne e-mailadresse."
ROUND_OPENED = "Runden er åbnet, så dette kan ikke længere ændres."


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def can_log_in(username: str, password: str) -> bool:
    """Through the login form, as anyone would: a redirect means logged in."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def logged_in_browser(username: str) -> Client:
    browser = Client()
    response = browser.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert is_in(browser)
    return browser


def is_in(browser: Client) -> bool:
    return browser.get(reverse("dashboard")).status_code == 200


def snapshot(user: User) -> dict:
    """Everything about a login that an attack on it could change."""
    user = User.objects.get(pk=user.pk)
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "password": user.password,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "removed_at": user.removed_at,
        "session_generation": user.session_generation,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "rights": sorted(user.user_permissions.values_list("codename", flat=True)),
    }


def messages_after(client, response) -> str:
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


@pytest.fixture
def hr_group(hr_user):
    return Group.objects.get(name=HR_GROUP)


@pytest.fixture
def other_hr(hr_group, office):
    """A colleague in HR, with a person of their own."""
    colleague = make_person("henrik", office, first_name="Henrik", last_name="Holm")
    User.objects.filter(pk=colleague.user_id).update(is_staff=True)
    colleague.user.groups.add(hr_group)
    return colleague.user


@pytest.fixture
def root_person(superuser, office):
    return PersonFactory(user=superuser, employee_number="root-1", department=office)


@pytest.fixture
def general(catalogues):
    return Catalogue.objects.get(name="Generel"), QuestionSet.objects.get(name="Generel")


# HR ------------------------------------------------------------------------------------


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


class TestHRCannotBecomeAnyone:
    @pytest.mark.parametrize("target", ["employee", "superuser", "other_hr", "hr_user"])
    def test_hr_cannot_set_anyones_password(self, client, hr_user, target, request):
        victim = request.getfixturevalue(target)
        victim = getattr(victim, "user", victim)
        before = snapshot(victim)
        client.force_login(hr_user)

        form = client.get(password_url(victim))
        assert form.status_code == 403
        assert PASSWORD_REFUSED in form.content.decode()
        response = client.post(
            password_url(victim),
            {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

        assert response.status_code == 403
        assert PASSWORD_REFUSED in response.content.decode()
        assert snapshot(victim) == before
        assert not can_log_in(victim.username, NEW_PASSWORD)

    def test_hr_is_not_offered_a_way_to_anyones_password(self, client, hr_user, employee):
        client.force_login(hr_user)
        page = client.get(change_url(employee.user)).content.decode()
        assert "../password/" not in page
        assert password_url(employee.user) not in page

    def test_hr_cannot_change_a_logins_identity_or_rights(
        self, client, hr_user, hr_group, employee
    ):
        user = employee.user
        before = snapshot(user)
        client.force_login(hr_user)
        page = client.get(change_url(user))
        for field in ("username", "email", "is_superuser", "is_staff", "groups"):
            assert f'name="{field}"' not in page.content.decode(), field
        data = form_data(page)
        data.update(
            username="hr-owned",
            email="hr@angriber.example",
            first_name="Annemarie",  # what HR may change: the name
            password="md5$salt$0123456789abcdef0123456789abcdef",
            is_superuser="on",
            is_staff="on",
            groups=[str(hr_group.pk)],
            user_permissions=[str(Permission.objects.get(codename="change_round").pk)],
        )

        response = client.post(change_url(user), data)

        assert response.status_code == 302
        after = snapshot(user)
        assert after.pop("first_name") == "Annemarie"  # the form was taken; only that
        before.pop("first_name")
        assert after == before

    @pytest.mark.parametrize("target", ["superuser", "other_hr", "hr_user"])
    def test_hr_cannot_change_an_administrators_login(self, client, hr_user, target, request):
        victim = request.getfixturevalue(target)
        before = snapshot(victim)
        client.force_login(hr_user)

        page = client.get(change_url(victim))
        assert page.status_code == 200  # to read, as every login
        assert ADMINISTRATOR_REFUSED in page.content.decode()
        assert 'name="first_name"' not in page.content.decode()
        assert 'name="_save"' not in page.content.decode()
        # Deactivating (is_active left out) and taking over, in one forged POST.
        response = client.post(
            change_url(victim),
            {"username": "owned", "first_name": "Ejet", "email": "hr@angriber.example"},
        )

        assert response.status_code == 403
        assert ADMINISTRATOR_REFUSED in response.content.decode()
        assert snapshot(victim) == before

    @pytest.mark.parametrize("admin_of", ["user", "person"])
    def test_hr_cannot_remove_an_administrator(
        self, client, hr_user, superuser, other_hr, hr_person, root_person, colleague, admin_of
    ):
        targets = [superuser, other_hr, hr_user]
        before = {user.pk: snapshot(user) for user in targets}
        selected = (
            [user.pk for user in [*targets, colleague.user]]
            if admin_of == "user"
            else [user.person.pk for user in [*targets, colleague.user]]
        )
        client.force_login(hr_user)
        url = reverse(f"admin:organisation_{admin_of}_changelist")

        response = client.post(
            url, {"action": "remove_people", "_selected_action": selected, "confirm": "yes"}
        )

        page = messages_after(client, response)
        for user in targets:
            # (The admin writes a message with a capital letter first: "Root blev ...".)
            assert f"{capfirst(user.get_full_name() or user.username)} {REMOVAL_REFUSED}" in page
            assert snapshot(user) == before[user.pk]
        # The ordinary person among them was removed: the action itself still works.
        assert User.objects.get(pk=colleague.user_id).removed_at is not None

    def test_hr_creates_a_login_without_a_password(self, client, hr_user, hr_group):
        client.force_login(hr_user)
        url = reverse("admin:organisation_user_add")
        page = client.get(url).content.decode()
        assert 'name="password1"' not in page and 'name="usable_password"' not in page
        assert 'name="email"' in page

        response = client.post(
            url,
            {
                "username": "nyansat",
                "first_name": "Nina",
                "last_name": "Nyansat",
                "email": "nina@kommune.example.dk",
                # Forged: what Django's own form would take.
                "usable_password": "true",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "is_superuser": "on",
                "is_staff": "on",
                "groups": [str(hr_group.pk)],
            },
        )

        assert response.status_code == 302
        user = User.objects.get(username="nyansat")
        assert not user.has_usable_password()
        assert (user.email, user.get_full_name()) == ("nina@kommune.example.dk", "Nina Nyansat")
        assert not (user.is_superuser or user.is_staff or user.groups.exists())
        assert not can_log_in("nyansat", NEW_PASSWORD)

    def test_hr_cannot_create_a_second_login_with_someones_e_mail(self, client, hr_user, employee):
        client.force_login(hr_user)

        response = client.post(
            reverse("admin:organisation_user_add"),
            {"username": "anne2", "first_name": "Anne", "email": "ANNE@kommune.example.dk"},
        )

        assert response.status_code == 200
        assert EMAIL_TAKEN in response.content.decode()
        assert not User.objects.filter(username="anne2").exists()

    @pytest.mark.parametrize("actor", ["hr_user", "superuser"])
    def test_no_one_relinks_a_person_to_another_login(
        self, client, actor, hr_user, superuser, employee, request
    ):
        spare = UserFactory(username="ledig", first_name="")
        client.force_login(request.getfixturevalue(actor))
        page = client.get(change_url(employee))
        assert 'name="user"' not in page.content.decode()
        data = form_data(page)
        data.update(user=str(spare.pk), job_title="Sagsbehandler")
        if actor == "hr_user":
            assert 'name="employee_number"' not in page.content.decode()
            data["employee_number"] = "999"

        response = client.post(change_url(employee), data)

        assert response.status_code == 302
        person = Person.objects.get(pk=employee.pk)
        assert person.job_title == "Sagsbehandler"  # the form was taken; the link was not
        assert person.user_id == employee.user_id
        assert person.employee_number == employee.employee_number
        assert not Person.objects.filter(user=spare).exists()

    def test_hr_cannot_make_itself_anyones_manager(
        self, client, hr_user, hr_person, employee, manager, office
    ):
        client.force_login(hr_user)
        data = form_data(client.get(change_url(employee)))
        data["manager"] = str(hr_person.pk)

        response = client.post(change_url(employee), data)

        assert response.status_code == 200
        assert MANAGER_REFUSED in response.content.decode()
        assert Person.objects.get(pk=employee.pk).manager_id == manager.pk
        assert not hr_person.reports.exists()

        # Nor by adding a new person with HR as their manager.
        spare = UserFactory(username="ledig", first_name="")
        response = client.post(
            reverse("admin:organisation_person_add"),
            {
                "user": str(spare.pk),
                "employee_number": "777",
                "department": str(office.pk),
                "manager": str(hr_person.pk),
            },
        )
        assert response.status_code == 200
        assert MANAGER_REFUSED in response.content.decode()
        assert not Person.objects.filter(user=spare).exists()

    def test_hr_cannot_read_the_record_of_account_actions(self, client, hr_user, superuser):
        Client().post(reverse("login"), {"username": "root", "password": PASSWORD})
        client.force_login(hr_user)
        assert "accountevent" not in client.get(reverse("admin:index")).content.decode()
        assert client.get("/admin/organisation/accountevent/").status_code == 403
        assert client.get("/admin/organisation/accountevent/1/change/").status_code == 403


class TestHRCannotRewriteAnOpenedRound:
    def test_mode_catalogue_question_set_and_participants_stay(
        self,
        client,
        hr_user,
        open_round,
        general,
        outsider,
        municipality,
        review,
        employee,
        manager,
    ):
        """Hole 6: switched to "only the employee prepares", Mette read Anne's sealed
        preparation; switched back, shared marks were editable again."""
        write_preparation(as_(client, employee), review, "Annes forseglede svar")
        share(client, review)
        catalogue, questions = general
        departments = list(open_round.departments.values_list("pk", flat=True))
        client.force_login(hr_user)
        page = client.get(change_url(open_round))
        for field in ("mode", "catalogue", "question_set", "status", "departments", "people"):
            assert f'name="{field}"' not in page.content.decode(), field
        data = form_data(page)
        data.update(
            # Only the employee prepares: the manager would see the employee's sealed marks.
            mode=Round.Mode.EMPLOYEE_ONLY,
            catalogue=str(catalogue.pk),
            question_set=str(questions.pk),
            status=Round.Status.DRAFT,
            departments=[str(municipality["Kontor B1"].pk)],
            people=[str(outsider.pk)],
            reminder_days_before="10",  # what stays editable
        )

        response = client.post(change_url(open_round), data)

        assert response.status_code == 302
        round_ = Round.objects.get(pk=open_round.pk)
        assert round_.reminder_days_before == "10"  # the form was taken; only that
        assert (round_.mode, round_.status) == (Round.Mode.BOTH, Round.Status.OPEN)
        assert (round_.catalogue_id, round_.question_set_id) == (
            open_round.catalogue_id,
            open_round.question_set_id,
        )
        assert list(round_.departments.values_list("pk", flat=True)) == departments
        assert not round_.people.exists()
        # The seal holds: Mette has not shared, so Anne's preparation is not hers to read.
        page = as_(client, manager).get(url("prepare", review)).content.decode()
        assert "Annes forseglede svar" not in page

    def test_a_closed_round_is_not_reopened_in_admin(self, client, hr_user, open_round):
        close_round(open_round)
        client.force_login(hr_user)
        data = form_data(client.get(change_url(open_round)))
        data["status"] = Round.Status.OPEN

        response = client.post(change_url(open_round), data)

        assert response.status_code == 403
        assert "Runden er lukket og tager ikke imod ændringer." in response.content.decode()
        assert Round.objects.get(pk=open_round.pk).status == Round.Status.CLOSED

    def test_a_draft_rounds_status_cannot_be_set_in_admin(self, client, hr_user, general):
        catalogue, questions = general
        draft = RoundFactory(
            name="MUS 2028",
            catalogue=catalogue,
            question_set=questions,
            preparation_deadline=datetime.date(2028, 2, 1),
            talks_start=datetime.date(2028, 2, 8),
            talks_end=datetime.date(2028, 3, 31),
        )
        client.force_login(hr_user)
        page = client.get(change_url(draft))
        assert 'name="status"' not in page.content.decode()
        data = form_data(page)
        data.update(status=Round.Status.OPEN, mode=Round.Mode.NONE)

        response = client.post(change_url(draft), data)

        assert response.status_code == 302
        draft.refresh_from_db()
        # Opening goes through HR's round page, which creates the reviews; a draft's mode
        # is still HR's to choose.
        assert (draft.status, draft.mode) == (Round.Status.DRAFT, Round.Mode.NONE)


class TestTheRoundModel:
    """Behind the admin, any code that saves an opened round is refused the same."""

    @pytest.mark.parametrize("field", ["mode", "catalogue", "question_set"])
    def test_an_opened_rounds_setup_is_refused(self, open_round, general, field):
        catalogue, questions = general
        round_ = Round.objects.get(pk=open_round.pk)
        setattr(
            round_,
            field,
            {"mode": Round.Mode.EMPLOYEE_ONLY, "catalogue": catalogue, "question_set": questions}[
                field
            ],
        )

        with translation.override("da"), pytest.raises(ValidationError) as refused:
            round_.save()

        assert refused.value.message_dict[field] == [ROUND_OPENED]
        stored = Round.objects.get(pk=open_round.pk)
        assert (stored.mode, stored.catalogue_id, stored.question_set_id) == (
            Round.Mode.BOTH,
            open_round.catalogue_id,
            open_round.question_set_id,
        )

    def test_a_closed_round_is_not_opened_again(self, open_round):
        close_round(open_round)
        round_ = Round.objects.get(pk=open_round.pk)
        round_.status = Round.Status.OPEN

        with translation.override("da"), pytest.raises(ValidationError) as refused:
            round_.save()

        assert refused.value.message_dict["status"] == ["En lukket runde kan ikke åbnes igen."]
        assert Round.objects.get(pk=open_round.pk).status == Round.Status.CLOSED


# The superuser: break-glass, full account management, and all of it recorded -----------


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


class TestSuperuserIsRecorded:
    def test_setting_someones_password_is_recorded_ends_their_sessions_and_tells_them(
        self,
        client,
        superuser,
        employee,
        tasks_run_at_once,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        from organisation.models import AccountEvent

        superuser.first_name, superuser.last_name = "Rolf", "Rod"
        superuser.save()
        anne = employee.user
        phone = logged_in_browser("anne")
        generation = User.objects.get(pk=anne.pk).session_generation
        client.force_login(superuser)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                password_url(anne),
                {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
                REMOTE_ADDR="192.0.2.7",
            )

        assert response.status_code == 302
        assert not is_in(phone)
        assert User.objects.get(pk=anne.pk).session_generation == generation + 1
        event = AccountEvent.objects.get(kind=AccountEvent.Kind.PASSWORD_SET)
        assert (event.actor, event.subject, event.address) == (superuser, anne, "192.0.2.7")
        (mail,) = mailoutbox
        assert mail.to == ["Anne Andersen <anne@kommune.example.dk>"]
        assert "Rolf Rod" in mail.body and "administrator" in mail.subject
        assert NEW_PASSWORD not in mail.body and NEW_PASSWORD not in mail.subject
        assert can_log_in("anne", NEW_PASSWORD)  # the superuser keeps the power, recorded

    def test_switching_off_someones_password_is_recorded_and_told_too(
        self,
        client,
        superuser,
        employee,
        tasks_run_at_once,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        from organisation.models import AccountEvent

        client.force_login(superuser)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                password_url(employee.user), {"usable_password": "false", "unset-password": "1"}
            )

        assert response.status_code == 302
        assert not User.objects.get(pk=employee.user_id).has_usable_password()
        event = AccountEvent.objects.get(kind=AccountEvent.Kind.PASSWORD_SET)
        assert (event.actor, event.subject) == (superuser, employee.user)
        (mail,) = mailoutbox
        assert "root, der er administrator af MUS, har slået login med adgangskode fra" in (
            mail.body
        )

    def test_a_superusers_login_is_recorded_with_its_address(self, superuser, employee):
        from organisation.models import AccountEvent

        Client().post(
            reverse("login"),
            {"username": "root", "password": PASSWORD},
            REMOTE_ADDR="198.51.100.4",
        )
        can_log_in("anne", PASSWORD)  # an ordinary login is not an account action

        (event,) = AccountEvent.objects.filter(kind=AccountEvent.Kind.SUPERUSER_LOGGED_IN)
        assert (event.actor, event.subject, event.address) == (superuser, superuser, "198.51.100.4")
        assert not AccountEvent.objects.filter(subject=employee.user).exists()

        # Behind a server on a Unix socket there is no address: recorded all the same.
        response = Client().post(
            reverse("login"), {"username": "root", "password": PASSWORD}, REMOTE_ADDR=""
        )
        assert response.status_code == 302
        latest = AccountEvent.objects.filter(kind=AccountEvent.Kind.SUPERUSER_LOGGED_IN).first()
        assert latest.pk != event.pk and latest.address is None

    def test_rights_and_the_active_flag_changed_in_admin_are_recorded(
        self, client, superuser, hr_group, employee
    ):
        from organisation.models import AccountEvent

        Kind = AccountEvent.Kind
        anne = employee.user
        client.force_login(superuser)

        def post(**changes):
            data = form_data(client.get(change_url(anne)))
            joined = data.pop("date_joined")
            data["date_joined_0"], data["date_joined_1"] = joined[:10], joined[11:19]
            data.pop("is_active", None)
            data.update(changes)
            response = client.post(change_url(anne), data, REMOTE_ADDR="203.0.113.9")
            assert response.status_code == 302, response.context["errors"]

        post(is_superuser="on", groups=[str(hr_group.pk)])  # and not active
        post(is_active="on")
        post(is_active="on", groups=[])

        events = AccountEvent.objects.filter(subject=anne).order_by("pk")
        assert [(e.kind, e.detail) for e in events] == [
            (Kind.MADE_SUPERUSER, ""),
            (Kind.DEACTIVATED, ""),
            (Kind.ADDED_TO_GROUP, HR_GROUP),
            (Kind.ACTIVATED, ""),
            (Kind.REMOVED_FROM_GROUP, HR_GROUP),
        ]
        assert {(e.actor_id, e.address) for e in events} == {(superuser.pk, "203.0.113.9")}

    def test_hr_deactivating_a_login_is_recorded_as_hrs(self, client, hr_user, employee):
        from organisation.models import AccountEvent

        client.force_login(hr_user)
        data = form_data(client.get(change_url(employee.user)))
        del data["is_active"]

        assert client.post(change_url(employee.user), data).status_code == 302

        (event,) = AccountEvent.objects.filter(subject=employee.user)
        assert (event.kind, event.actor) == (AccountEvent.Kind.DEACTIVATED, hr_user)

    def test_the_record_is_read_only_for_the_superuser_too(self, client, superuser):
        from organisation.models import AccountEvent

        Client().post(reverse("login"), {"username": "root", "password": PASSWORD})
        event = AccountEvent.objects.get(kind=AccountEvent.Kind.SUPERUSER_LOGGED_IN)
        client.force_login(superuser)
        url = reverse("admin:organisation_accountevent_change", args=[event.pk])

        assert client.get(reverse("admin:organisation_accountevent_changelist")).status_code == 200
        page = client.get(url).content.decode()
        assert 'name="_save"' not in page and 'name="kind"' not in page
        assert client.post(url, {"kind": "activated"}).status_code == 403
        delete = reverse("admin:organisation_accountevent_delete", args=[event.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert client.get(reverse("admin:organisation_accountevent_add")).status_code == 403
        changelist = reverse("admin:organisation_accountevent_changelist")
        response = client.post(
            changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
        )
        assert AccountEvent.objects.filter(pk=event.pk, kind=event.kind).exists()
        assert response.status_code in (200, 302)

    def test_the_record_refuses_changes_in_code_and_in_the_database(self, superuser):
        from organisation.models import AccountEvent, AccountEventIsAppendOnlyError

        Client().post(reverse("login"), {"username": "root", "password": PASSWORD})
        event = AccountEvent.objects.get(kind=AccountEvent.Kind.SUPERUSER_LOGGED_IN)
        event.kind = AccountEvent.Kind.ACTIVATED
        for change in (
            event.save,
            event.delete,
            lambda: AccountEvent.objects.update(kind="activated"),
            lambda: AccountEvent.objects.all().delete(),
        ):
            with pytest.raises(AccountEventIsAppendOnlyError):
                change()
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {AccountEvent._meta.db_table} SET kind = 'activated'")
        stored = AccountEvent.objects.get(pk=event.pk)
        assert stored.kind == AccountEvent.Kind.SUPERUSER_LOGGED_IN

    def test_the_superuser_still_manages_an_hr_members_login_recorded(
        self, client, superuser, other_hr
    ):
        from organisation.models import AccountEvent

        client.force_login(superuser)
        data = form_data(client.get(change_url(other_hr)))
        joined = data.pop("date_joined")
        data["date_joined_0"], data["date_joined_1"] = joined[:10], joined[11:19]
        data.update(username="henrik.holm", email="henrik.holm@kommune.example.dk")

        response = client.post(change_url(other_hr), data)

        assert response.status_code == 302, response.context and response.context["errors"]
        other_hr.refresh_from_db()
        assert (other_hr.username, other_hr.email) == (
            "henrik.holm",
            "henrik.holm@kommune.example.dk",
        )
        # Who a login is found by and told at changed: recorded, without the values (a
        # removed person's anonymised login stays anonymous).
        events = AccountEvent.objects.filter(subject=other_hr, actor=superuser)
        assert sorted(events.values_list("kind", "detail")) == [
            (AccountEvent.Kind.EMAIL_CHANGED, ""),
            (AccountEvent.Kind.USERNAME_CHANGED, ""),
        ]


# The other people ----------------------------------------------------------------------


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

    def test_a_talk_handed_over_changes_no_more_and_he_follows_up_the_goals(
        self, client, review, employee, manager, other_manager, hr_user
    ):
        """Lars takes over a held talk: he cannot write in it, and neither can Anne, since
        the one she held it with has left it; she confirms it, he follows up the goal."""
        write_preparation(as_(client, employee), review, "Annes svar")
        share(client, review)
        hold_talk(client, employee, manager, review)
        move(client, hr_user, review, to=other_manager)
        for person, text in ((other_manager, "summary"), (employee, "talk_notes")):
            as_(client, person).post(url("talk_text", review), {"field": text, text: "Nyt"})
        stored = Review.objects.get(pk=review.pk)
        assert (stored.summary, stored.talk_notes) == ("Vi aftalte kursus", NOTES)
        talk = as_(client, employee).get(url("talk", review)).content.decode()
        assert "Dig og HR (personalesagen)." in talk  # who reads her disagreement now
        as_(client, employee).post(url("talk_confirm", review), {"disagreement": ""})
        assert Review.objects.get(pk=review.pk).state == State.CONCLUDED
        goal = Goal.objects.get(review=review)
        response = as_(client, other_manager).post(
            url("goal_status", review, goal.pk), {"status": Goal.Status.UNDER_WAY}
        )
        assert response["Location"] == url("review_detail", review)
        assert Goal.objects.get(pk=goal.pk).status == Goal.Status.UNDER_WAY


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

    def test_10_on_a_shared_pc_back_after_annes_logout_shows_nothing(
        self, client, concluded, employee
    ):
        """Hole 10: confidential pages and files went out without no-store, so after Anne
        logged out, Back showed them to whoever sat down next (in Chromium:
        tests/browser/test_back_after_logout.py)."""
        anne = as_(client, employee)
        for response in (
            anne.get(url("prepare", concluded)),
            anne.get(url("talk", concluded)),
            anne.get(url("reflection", concluded)),
            anne.get(url("review_pdf", concluded)),
            anne.get(reverse("personal_data_export")),
        ):
            assert response.status_code == 200
            assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
        anne.post(reverse("logout"))
        # Bo at the same PC: his browser asks again, and MUS asks for a login.
        assert client.get(url("talk", concluded))["Location"].startswith(reverse("login"))


class TestEmployee:
    def test_anne_cannot_write_the_managers_summary(self, client, review, employee, manager):
        start_talk(client, manager, review)
        response = as_(client, employee).post(
            url("talk_text", review), {"field": "summary", "summary": "Min version"}
        )
        assert response.status_code == 403
        assert Review.objects.get(pk=review.pk).summary == ""
        assert refusals(review, employee.user)[0].role == Role.EMPLOYEE

    def test_11_while_the_database_restarts_she_gets_a_calm_503_and_her_text_next(
        self, client, review, employee
    ):
        """Hole 11: during a PostgreSQL restart, requests answered 500 (an error in the
        session middleware); now a calm page says to try again, and then it works."""
        from tests.test_database_outage import assert_calm_503, unreachable

        anne = as_(client, employee)
        anne.raise_request_exception = False  # answered as a browser would see it
        field = f"answer-{first_question(review).pk}"
        typed = {"field": field, field: "Skrevet under genstarten", f"{field}-version": 0}
        with unreachable():
            response = anne.post(url("prepare_text", review), typed, HTTP_HX_REQUEST="true")
        assert_calm_503(response, "autosave during the restart")
        assert not Answer.objects.exists()
        assert (
            anne.post(url("prepare_text", review), typed, HTTP_HX_REQUEST="true").status_code == 200
        )
        assert Answer.objects.get().text == "Skrevet under genstarten"

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
