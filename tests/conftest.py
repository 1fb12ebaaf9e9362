"""Shared fixtures: the catalogues, the named personas, and Chromium for browser tests."""

import os
import shutil

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from mus.models import HR_GROUP, Department, Person, User
from mus.roles import sync_hr_group

PASSWORD = "correct horse battery staple"
CATALOGUE_FIXTURES = ["fixtures/kl_2015.json", "fixtures/general.json"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogues(db):
    call_command("load_catalogue", *CATALOGUE_FIXTURES, verbosity=0)


@pytest.fixture
def kl_catalogue(catalogues):
    from competencies.models import Catalogue

    return Catalogue.objects.get(name="KL MUS 2015", version=1)


@pytest.fixture
def kl_questions(catalogues):
    from competencies.models import QuestionSet

    return QuestionSet.objects.get(name="KL MUS 2015", version=1)


@pytest.fixture
def office(db):
    administration = Department.objects.create(name="Forvaltningen", kind="forvaltning")
    centre = Department.objects.create(name="Centret", kind="center", parent=administration)
    return Department.objects.create(name="Kontoret", kind="kontor", parent=centre)


def make_person(username, department, manager=None, first_name="", last_name=""):
    user = User.objects.create_user(
        username, password=PASSWORD, first_name=first_name or username.title(), last_name=last_name
    )
    number = str(User.objects.count())
    return Person.objects.create(
        user=user, employee_number=number, department=department, manager=manager
    )


@pytest.fixture
def manager(office):
    return make_person("mette", office, first_name="Mette", last_name="Madsen")


@pytest.fixture
def employee(office, manager):
    return make_person("anne", office, manager=manager, first_name="Anne", last_name="Andersen")


@pytest.fixture
def colleague(office, manager):
    """Another report of the same manager: a colleague, not a party to the employee's MUS."""
    return make_person("bo", office, manager=manager, first_name="Bo")


@pytest.fixture
def outsider(office):
    return make_person("olga", office, first_name="Olga")


@pytest.fixture
def hr_user(db):
    sync_hr_group()
    user = User.objects.create_user(
        "hr", password=PASSWORD, first_name="Hanne", last_name="Rasmussen", is_staff=True
    )
    user.groups.add(Group.objects.get(name=HR_GROUP))
    return user


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", password=PASSWORD)


# Browser tests: Debian's Chromium (Playwright cannot download its own browsers here).


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Browser tests need Chromium: apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_orm_beside_playwright():
    # Playwright's sync API runs an event loop in the test thread; the ORM calls the
    # tests make to set up data are still synchronous and safe there.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
