"""What the type checker (make typecheck) found wrong, pinned by tests that run without it."""

import importlib
import pkgutil

import pytest

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
