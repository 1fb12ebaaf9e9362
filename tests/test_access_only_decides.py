"""reviews/access.py is the one place that says who may see or do what; it only decides.

Grepped, so that a rule cannot creep back elsewhere unseen: no view, service, lookup or
template compares a person's place in a review ("party") or their rights itself, and the
access module neither writes to the database nor records in the trail.
"""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["reviews", "hr", "privacy", "notifications", "mus", "trail"]
# Where a party is a fact of the data, not a permission: models derive an author from
# the place written in, and e-mails choose their words by whom they address.
DATA = {"reviews/access.py", "reviews/models.py", "notifications/letters.py"}

PARTY_RULE = re.compile(r"\bparty\s*[!=]=|[!=]=\s*Party\.|\.party\s+(not\s+)?in\b")
RIGHTS_RULE = re.compile(r"\.is_superuser\b|\bis_staff\b|holds_hr_right|has_perm\(")


def code(folder: str):
    for path in sorted((ROOT / folder).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" not in relative and relative not in DATA:
            yield relative, path.read_text()


def test_no_view_service_or_lookup_compares_a_party_itself():
    found = [
        f"{name}:{number}: {line.strip()}"
        for folder in APPS
        for name, text in code(folder)
        for number, line in enumerate(text.splitlines(), start=1)
        if PARTY_RULE.search(line)
    ]
    assert found == []


def test_no_template_compares_a_party_itself():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in re.finditer(r"{%\s*(el)?if [^%]*\bparty\s*[!=]=[^%]*%}", path.read_text())
    ]
    assert found == []


def test_rights_are_asked_of_access_and_the_hr_role_only():
    """Whether someone is HR or a superuser is read in organisation.roles (and, for the
    admin's own pages, in the admins); reviews' code asks reviews.access."""
    found = [
        f"{name}: {match.group(0)}"
        for folder in ["reviews", "hr", "notifications", "trail"]
        for name, text in code(folder)
        for match in RIGHTS_RULE.finditer(text)
        if name != "reviews/admin.py"
    ]
    assert found == []


def test_access_writes_nothing_and_records_nothing():
    text = (ROOT / "reviews/access.py").read_text()
    writes = r"\.objects\b[^\n]*\.(create|update|delete|bulk_create|get_or_create)\(|\.save\("
    assert not re.search(writes, text)
    assert not re.search(r"^from trail import recording|^from trail\.recording", text, re.M)
    assert not re.search(r"^from reviews(\.| import )(lookups|refusals)", text, re.M)
