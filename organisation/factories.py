"""Departments, logins and people for the tests, the demo and the seeds (factory_boy).

Every place that makes people makes them here: ``tests/`` one at a time, ``seed_demo``
by name, the bench and the load test by the thousand (``common.factories.build_many``,
then ``bulk_create``). A factory-made login has no usable
password unless it is given one: ``UserFactory(password="…")`` hashes it, and
``password=factory.Transformer.Force(hashed)`` takes a hash made once for many.
"""

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory, Password

from organisation.models import HR_GROUP, Department, Person, User
from organisation.roles import sync_hr_group


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Kontor {n + 1}")
    kind = Department.Kind.OFFICE
    parent = None


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User

    username: object = factory.Sequence(lambda n: f"user{n + 1}")  # a subclass may fix it
    first_name = factory.LazyAttribute(lambda user: user.username.title())
    last_name = ""
    email = factory.LazyAttribute(lambda user: f"{user.username}@kommune.example.dk")
    # None: an unusable password, made without the slow hash.
    password = Password(None)


def _into_hr_group(user: User, create: bool, extracted: object, **kwargs: object) -> None:
    if create:
        sync_hr_group()
        user.groups.add(Group.objects.get(name=HR_GROUP))


class HRUserFactory(UserFactory):
    """HR: let into Django admin, and in the HR group, which holds exactly HR's rights."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True
    hr_group = factory.PostGeneration(_into_hr_group)


class SuperuserFactory(UserFactory):
    username = "root"
    is_staff = True
    is_superuser = True


class PersonFactory(DjangoModelFactory[Person]):
    """A person with a login of their own; ``manager`` is None unless given."""

    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    employee_number = factory.Sequence(lambda n: f"{n + 1:05d}")
    job_title = ""
    department = factory.SubFactory(DepartmentFactory)
    manager = None
