"""Shared fixtures: the catalogues, the named personas, and Chromium for browser tests."""

import os
import shutil

import pytest
from django.core.management import call_command
from django.utils import translation

from organisation.factories import (
    DepartmentFactory,
    HRUserFactory,
    PersonFactory,
    SuperuserFactory,
    UserFactory,
)
from organisation.models import User
from reviews.factories import MarkFactory, PreparationFactory, RoundFactory
from reviews.models import Preparation

PASSWORD = "correct horse battery staple"
CATALOGUE_FIXTURES = ["fixtures/kl_2015.json", "fixtures/general.json"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tasks_run_at_once(settings):
    """django.tasks without a worker: each task runs when it is enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _trail_removed_before_flush(request):
    """A review's trail refuses deletes (a database trigger). A test that commits has its
    database emptied afterwards: the trail goes first, through the one door that may."""
    marker = request.node.get_closest_marker("django_db")
    committing = (marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not committing:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so torn down after this
    yield
    from trail.models import ReviewEvent
    from trail.recording import removal

    with removal("test teardown"):
        ReviewEvent.objects.all().delete()


@pytest.fixture(autouse=True)
def _catalogue_cache_cleared():
    # A rolled-back test database may give the next test's catalogue the same id.
    from competencies import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_language_left_over():
    # A request activates its language in the test's thread; the next test starts clean.
    yield
    translation.deactivate()


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
    administration = DepartmentFactory(name="Forvaltningen", kind="forvaltning")
    centre = DepartmentFactory(name="Centret", kind="center", parent=administration)
    return DepartmentFactory(name="Kontoret", kind="kontor", parent=centre)


@pytest.fixture
def municipality(db):
    """For HR's insight: Kommunen → Center A (Kontor A1, Kontor A2) and Center B (Kontor B1),
    and a centre nobody works in (tests/insight_world.py makes the people)."""
    from tests.insight_world import tree

    return tree(
        ("Kommunen", "forvaltning", None),
        ("Center A", "center", "Kommunen"),
        ("Kontor A1", "kontor", "Center A"),
        ("Kontor A2", "kontor", "Center A"),
        ("Center B", "center", "Kommunen"),
        ("Kontor B1", "kontor", "Center B"),
        ("Tomt center", "center", "Kommunen"),
    )


def make_person(username, department, manager=None, first_name="", last_name=""):
    """A person who logs in with PASSWORD, numbered by how many logins there are."""
    user = UserFactory(
        username=username,
        password=PASSWORD,
        first_name=first_name or username.title(),
        last_name=last_name,
    )
    return PersonFactory(
        user=user,
        employee_number=str(User.objects.count()),
        department=department,
        manager=manager,
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
def other_manager(office):
    """A manager with a report of their own, who has nothing to do with the employee's MUS."""
    lars = make_person("lars", office, first_name="Lars", last_name="Lund")
    make_person("dorte", office, manager=lars, first_name="Dorte")
    return lars


@pytest.fixture
def senior_manager(office, manager):
    """The manager's own manager: not a party to the employee's MUS either."""
    karen = make_person("karen", office, first_name="Karen", last_name="Kristensen")
    manager.manager = karen
    manager.save()
    return karen


def make_round(catalogue, question_set, name="MUS 2027", **fields):
    """A draft round with the talks of spring 2027 (RoundFactory's dates) unless told."""
    return RoundFactory(name=name, catalogue=catalogue, question_set=question_set, **fields)


def make_mark(review, party, competence_name, level, note=""):
    """The party's mark on one of the catalogue's competences, in their preparation."""
    preparation = Preparation.objects.filter(
        review=review, party=party
    ).first() or PreparationFactory(review=review, party=party)
    competence = review.round.catalogue.competences.get(name=competence_name)
    return MarkFactory(preparation=preparation, competence=competence, level=level, note=note)


@pytest.fixture
def open_round(kl_catalogue, kl_questions, office, employee, colleague):
    """MUS 2027, opened for the office: the employee and the colleague each have a review."""
    from reviews.services import open_round as open_

    round_ = make_round(kl_catalogue, kl_questions)
    round_.departments.add(office)
    open_(round_)
    return round_


@pytest.fixture
def review(open_round, employee):
    return open_round.reviews.get(employee=employee)


@pytest.fixture
def hr_user(db):
    return HRUserFactory(
        username="hr", email="", password=PASSWORD, first_name="Hanne", last_name="Rasmussen"
    )


@pytest.fixture
def superuser(db):
    return SuperuserFactory(email="", password=PASSWORD, first_name="")


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
