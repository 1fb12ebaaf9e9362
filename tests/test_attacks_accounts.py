"""Attacks on logins and on opened rounds, made as each actor would make them.

PRODUCT.md: "HR runs rounds and the organisation but holds no power over people's
accounts: it cannot set passwords, sign in as anyone, or give a review to itself." An
outside review, acting as HR, set an employee's password in Django admin and logged in
as her; her review's trail then named her, not HR. Each test here goes through the
admin's real URLs and forms with the test client, as a browser would (forged POSTs of
read-only fields included), and checks the refusal and that the database is unchanged.

Sections, by actor: HR, the superuser (break-glass: what it does is recorded), and any
code that saves a round.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from competencies.models import Catalogue, QuestionSet
from mus.models import HR_GROUP, Person, User
from reviews.models import Round
from reviews.services import close_round
from tests.conftest import PASSWORD, make_person
from tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

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
def hr_person(hr_user, office):
    """HR's own person: HR works in the organisation it keeps."""
    return Person.objects.create(user=hr_user, employee_number="hr-1", department=office)


@pytest.fixture
def root_person(superuser, office):
    return Person.objects.create(user=superuser, employee_number="root-1", department=office)


@pytest.fixture
def general(catalogues):
    return Catalogue.objects.get(name="Generel"), QuestionSet.objects.get(name="Generel")


# HR ------------------------------------------------------------------------------------


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
        url = reverse(f"admin:mus_{admin_of}_changelist")

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
        url = reverse("admin:mus_user_add")
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
            reverse("admin:mus_user_add"),
            {"username": "anne2", "first_name": "Anne", "email": "ANNE@kommune.example.dk"},
        )

        assert response.status_code == 200
        assert EMAIL_TAKEN in response.content.decode()
        assert not User.objects.filter(username="anne2").exists()

    @pytest.mark.parametrize("actor", ["hr_user", "superuser"])
    def test_no_one_relinks_a_person_to_another_login(
        self, client, actor, hr_user, superuser, employee, request
    ):
        spare = User.objects.create_user("ledig", email="ledig@kommune.example.dk")
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
        spare = User.objects.create_user("ledig", email="ledig@kommune.example.dk")
        response = client.post(
            reverse("admin:mus_person_add"),
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
        assert client.get("/admin/mus/accountevent/").status_code == 403
        assert client.get("/admin/mus/accountevent/1/change/").status_code == 403


class TestHRCannotRewriteAnOpenedRound:
    def test_mode_catalogue_question_set_and_participants_stay(
        self, client, hr_user, open_round, general, outsider, municipality
    ):
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
        draft = Round.objects.create(
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


# The superuser: break-glass, full account management, and all of it recorded -----------


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
        from mus.models import AccountEvent

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
        from mus.models import AccountEvent

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
        from mus.models import AccountEvent

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
        from mus.models import AccountEvent

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
        from mus.models import AccountEvent

        client.force_login(hr_user)
        data = form_data(client.get(change_url(employee.user)))
        del data["is_active"]

        assert client.post(change_url(employee.user), data).status_code == 302

        (event,) = AccountEvent.objects.filter(subject=employee.user)
        assert (event.kind, event.actor) == (AccountEvent.Kind.DEACTIVATED, hr_user)

    def test_the_record_is_read_only_for_the_superuser_too(self, client, superuser):
        from mus.models import AccountEvent

        Client().post(reverse("login"), {"username": "root", "password": PASSWORD})
        event = AccountEvent.objects.get(kind=AccountEvent.Kind.SUPERUSER_LOGGED_IN)
        client.force_login(superuser)
        url = reverse("admin:mus_accountevent_change", args=[event.pk])

        assert client.get(reverse("admin:mus_accountevent_changelist")).status_code == 200
        page = client.get(url).content.decode()
        assert 'name="_save"' not in page and 'name="kind"' not in page
        assert client.post(url, {"kind": "activated"}).status_code == 403
        delete = reverse("admin:mus_accountevent_delete", args=[event.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert client.get(reverse("admin:mus_accountevent_add")).status_code == 403
        changelist = reverse("admin:mus_accountevent_changelist")
        response = client.post(
            changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
        )
        assert AccountEvent.objects.filter(pk=event.pk, kind=event.kind).exists()
        assert response.status_code in (200, 302)

    def test_the_record_refuses_changes_in_code_and_in_the_database(self, superuser):
        from mus.models import AccountEvent, AccountEventIsAppendOnlyError

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
        from mus.models import AccountEvent

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


# Any code that saves a round ------------------------------------------------------------


class TestTheRoundModel:
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
