"""seed_demo: the demo organisation and logins of the README, idempotent."""

import pytest
from django.core.management import call_command

from mus.management.commands.seed_demo import DEMO_PASSWORD
from mus.models import Department, Person, User

pytestmark = pytest.mark.django_db


def test_demo_people_managers_and_logins():
    call_command("seed_demo", verbosity=0)

    managers = {
        p.user.username: p.manager and p.manager.user.username for p in Person.objects.all()
    }
    assert managers["anne"] == managers["bo"] == managers["carl"] == "mette"
    assert managers["dorte"] == managers["erik"] == "lars"
    hr = User.objects.get(username="hr")
    assert hr.is_hr and hr.is_staff and not hr.is_superuser
    for username in ["hr", "mette", "lars", "anne", "bo", "carl", "dorte", "erik"]:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    kinds = set(Department.objects.values_list("kind", flat=True))
    assert kinds == {"forvaltning", "center", "kontor"}


def test_running_it_again_changes_nothing():
    call_command("seed_demo", verbosity=0)
    before = (User.objects.count(), Person.objects.count(), Department.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (User.objects.count(), Person.objects.count(), Department.objects.count()) == before
