"""What the type checker (make typecheck) found wrong, pinned by tests that run without it."""

import importlib
import pkgutil

import pytest
from django.core.exceptions import PermissionDenied

from competencies.models import Competence
from reviews import talk
from reviews.access import ReviewAccess
from reviews.models import Reflection

APPS = [
    "mus",
    "hr",
    "privacy",
    "notifications",
    "reviews",
    "trail",
    "competencies",
    "organisation",
    "common",
]


def _modules() -> list[str]:
    names = []
    for app in APPS:
        package = importlib.import_module(app)
        names.append(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_every_module_imports(name):
    """A name renamed in one module and not in another that imports it (hr.insight.heatmap
    still imported reports.Row after it became ReportRow) breaks every page at start."""
    importlib.import_module(name)


def test_a_part_of_the_catalogue_saves_with_djangos_own_arguments(kl_catalogue):
    """Model.save_base takes ``raw`` first; the freeze's override took it as a keyword only,
    so a positional ``raw`` was passed twice (TypeError)."""
    faglighed = kl_catalogue.competences.get(position=1)
    faglighed.name = "Fagligheden"
    faglighed.save_base(False)
    assert Competence.objects.get(pk=faglighed.pk).name == "Fagligheden"


def test_someone_who_is_no_person_is_refused_a_reflection_not_given_one(review, hr_user):
    """A reflection is authored by a person: an access without one (HR, an administrator)
    is refused, instead of reaching the database with no author."""
    with pytest.raises(PermissionDenied):
        talk.own_reflection(ReviewAccess(review=review, person=None, user=hr_user))
    assert not Reflection.objects.exists()
