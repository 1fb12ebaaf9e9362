"""Personal data: the employee downloads all of theirs; removing a person leaves nothing
by which to find them, while the MUS of the employees they managed stay."""

import io
import json
import zipfile

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from organisation.models import Person, User
from privacy.personal_data import remove_person
from reviews.access import access_to
from reviews.models import LockedError, Review, Round
from reviews.services import move_to_manager
from tests.conftest import PASSWORD
from tests.pdf import Pdf
from tests.test_review_pdf import (
    EMPLOYEE_NOTE,
    EMPLOYEE_REFLECTION,
    GOAL,
    MANAGER_NOTE,
    MANAGER_REFLECTION,
    RESPONSIBLE,
    SUMMARY,
    TALK_NOTE,
    conclude,
)
from trail.models import Action, ReviewEvent, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def concluded(client, review, employee, manager):
    return conclude(client, review, employee, manager)


def download(client, user) -> tuple[dict, zipfile.ZipFile]:
    client.force_login(user)
    response = client.get(reverse("personal_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("data.json")), archive


class TestExport:
    def test_the_employee_gets_everything_they_may_see_and_their_pdfs(
        self, client, concluded, employee, tmp_path
    ):
        data, archive = download(client, employee.user)
        assert data["account"]["username"] == "anne"
        assert data["person"]["employee_number"] == employee.employee_number
        [mus] = data["reviews"]
        assert (mus["round"], mus["manager"], mus["status"]) == (
            "MUS 2027",
            "Mette Madsen",
            "concluded",
        )
        text = json.dumps(data, ensure_ascii=False)
        for written in (EMPLOYEE_NOTE, MANAGER_NOTE, TALK_NOTE, SUMMARY, GOAL, EMPLOYEE_REFLECTION):
            assert written in text, written
        # The manager kept their reflection to themselves: not the employee's to download.
        assert MANAGER_REFLECTION not in text
        assert {entry["what"] for entry in mus["trail"]} >= {"delte sine refleksioner"}
        [pdf_name] = [name for name in archive.namelist() if name.startswith("pdf/")]
        assert pdf_name == "pdf/mus-2027-anne-andersen.pdf"
        pdf = Pdf(tmp_path / "record.pdf", archive.read(pdf_name))
        assert EMPLOYEE_REFLECTION in pdf and MANAGER_REFLECTION not in pdf
        assert "LÆSMIG.txt" in archive.namelist()

    def test_a_manager_gets_only_their_own_writing_from_the_mus_they_lead(
        self, client, concluded, manager
    ):
        data, archive = download(client, manager.user)
        assert data["reviews"] == []  # Mette has no MUS of her own in this round
        assert [led["employee"] for led in data["reviews_you_lead"]] == ["Anne Andersen", "Bo"]
        text = json.dumps(data, ensure_ascii=False)
        assert MANAGER_NOTE in text and MANAGER_REFLECTION in text
        for theirs in (EMPLOYEE_NOTE, EMPLOYEE_REFLECTION, TALK_NOTE):
            assert theirs not in text, theirs
        assert not [name for name in archive.namelist() if name.startswith("pdf/")]

    def test_nothing_of_a_colleague_is_in_it(self, client, concluded, employee, colleague):
        bo_review = concluded.round.reviews.get(employee=colleague)
        data, _archive = download(client, employee.user)
        assert str(bo_review.public_id) not in json.dumps(data)
        assert [mus["employee"] for mus in data["reviews"]] == ["Anne Andersen"]

    def test_the_download_is_on_the_trail_of_every_review_in_it(
        self, client, concluded, employee, manager
    ):
        download(client, manager.user)
        entry = ReviewEvent.objects.filter(review=concluded).last()
        assert (entry.actor, entry.role, entry.action) == (
            manager.user,
            Role.MANAGER,
            Action.EXPORTED_PERSONAL_DATA,
        )

    def test_a_login_without_a_person_gets_its_account(self, client, hr_user):
        data, _archive = download(client, hr_user)
        assert data["account"]["username"] == "hr"
        assert data["person"] is None and data["reviews"] == []

    def test_the_privacy_page_offers_the_download_and_the_trails(self, client, review, employee):
        client.force_login(employee.user)
        page = client.get(reverse("privacy")).content.decode()
        assert reverse("personal_data_export") in page
        assert reverse("review_trail", args=[review.public_id]) in page
        assert "5 år efter" in page


def dump() -> str:
    """Everything in the database, as Django would back it up."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


@pytest.fixture
def mette_everywhere(concluded, manager, hr_user, client):
    """Mette, known by name, e-mail, number and login, in every place MUS could keep her."""
    Person.objects.filter(pk=manager.pk).update(employee_number="EMP-4711")
    User.objects.filter(pk=manager.user_id).update(email="mette.madsen@example.dk")
    AccessAttempt.objects.create(
        username="mette", ip_address="10.0.0.1", user_agent="", failures_since_start=1
    )
    LogEntry.objects.create(
        user=hr_user,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(manager.pk),
        object_repr="Mette Madsen",
        action_flag=CHANGE,
    )
    manager.refresh_from_db()
    return manager


IDENTIFIERS = ["Mette", "Madsen", '"mette"', "EMP-4711", "mette.madsen@example.dk"]


class TestRemoval:
    def test_someone_managing_a_review_under_way_is_refused(self, mette_everywhere):
        # Bo's MUS 2027, with Mette as manager, is not concluded and its round is open.
        with pytest.raises(LockedError, match="giv den til en anden leder først"):
            remove_person(mette_everywhere)
        assert Person.objects.filter(employee_number="EMP-4711").exists()

    def test_nothing_is_left_to_find_her_by(
        self, mette_everywhere, concluded, colleague, other_manager, hr_user, employee
    ):
        mette = mette_everywhere
        move_to_manager(
            access_to(hr_user, concluded.round.reviews.get(employee=colleague)), other_manager, ""
        )
        mette_browser = Client()
        assert (
            mette_browser.post(
                reverse("login"), {"username": "mette", "password": PASSWORD}
            ).status_code
            == 302
        )
        assert all(word in dump() for word in IDENTIFIERS)

        remove_person(mette)

        # Free text in the MUS of others that names her is theirs and stays (README):
        # the goal's "who does what" says "Mette frigør tid". Nothing else may.
        everything = dump().replace(RESPONSIBLE, "")
        for word in IDENTIFIERS:
            at = everything.find(word)
            assert at < 0, everything[max(0, at - 300) : at + 100]
        # She can no longer log in, and her open session has ended.
        assert mette_browser.get(reverse("dashboard")).status_code == 302
        assert (
            Client().post(reverse("login"), {"username": "mette", "password": PASSWORD}).status_code
            == 200
        )
        # Anne's MUS stays: it is Anne's record, with what her manager wrote in it...
        anne_mus = Review.objects.get(pk=concluded.pk)
        assert anne_mus.manager.name == "Fjernet person"
        assert MANAGER_NOTE in everything
        # ...and its trail, which now says a removed person did what Mette did.
        client = Client()
        client.force_login(employee.user)
        trail = client.get(reverse("review_trail", args=[concluded.public_id])).content.decode()
        assert "Fjernet person" in trail and "Mette" not in trail
        # Her reports have no manager until HR gives them one.
        assert Person.objects.get(pk=employee.pk).manager is None

    def test_her_own_mus_go_with_everything_in_them(self, concluded, employee, manager):
        own = list(Review.objects.filter(employee=employee).values_list("pk", flat=True))
        remove_person(employee)
        assert not Review.objects.filter(pk__in=own).exists()
        assert not ReviewEvent.objects.filter(review_id__in=own).exists()
        assert EMPLOYEE_NOTE not in dump() and "Andersen" not in dump()
        assert not Round.people.through.objects.filter(person_id=employee.pk).exists()


class TestAdmin:
    def changelist(self, client, user, data=None):
        client.force_login(user)
        url = reverse("admin:organisation_person_changelist")
        return client.post(url, data) if data else client.get(url)

    def test_hr_reads_what_removal_does_then_confirms(self, client, hr_user, concluded, colleague):
        bo = colleague
        data = {"action": "remove_people", "_selected_action": [bo.pk]}
        confirm = self.changelist(client, hr_user, data)
        assert confirm.status_code == 200
        page = confirm.content.decode()
        assert "Bo" in page and "1 egen samtale slettes" in page
        assert Person.objects.get(pk=bo.pk).user.removed_at is None  # nothing happened yet
        done = self.changelist(client, hr_user, {**data, "confirm": "yes"})
        assert done.status_code == 302
        assert Person.objects.get(pk=bo.pk).user.removed_at is not None
        assert not Review.objects.filter(employee=bo).exists()

    def test_a_refused_removal_says_why_and_changes_nothing(self, client, hr_user, manager, review):
        data = {"action": "remove_people", "_selected_action": [manager.pk], "confirm": "yes"}
        response = self.changelist(client, hr_user, data)
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "til en anden leder først" in page
        assert Person.objects.get(pk=manager.pk).user.removed_at is None

    def test_plain_deleting_is_not_offered(self, client, hr_user, employee):
        page = self.changelist(client, hr_user).content.decode()
        assert 'value="delete_selected"' not in page and 'value="remove_people"' in page
        delete = reverse("admin:organisation_person_delete", args=[employee.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert Person.objects.filter(pk=employee.pk).exists()

    def test_staff_without_the_right_cannot_remove(self, client, employee, colleague):
        staff = colleague.user
        User.objects.filter(pk=staff.pk).update(is_staff=True)
        data = {"action": "remove_people", "_selected_action": [employee.pk], "confirm": "yes"}
        assert self.changelist(client, staff, data).status_code == 403
        assert Person.objects.get(pk=employee.pk).user.removed_at is None
