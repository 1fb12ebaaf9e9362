"""The HR role: one permission group with exactly the rights HR needs.

HR owns the catalogue, the question sets, the organisation and the rounds. It is
given no permission on anything that holds what employees and managers wrote.
"""

from django.contrib.auth.models import Group, Permission

from mus.models import HR_GROUP

# (app label, model) pairs HR administers; every action on them.
HR_MODELS = [
    ("competencies", "catalogue"),
    ("competencies", "cataloguetext"),
    ("competencies", "competence"),
    ("competencies", "statement"),
    ("competencies", "questionset"),
    ("competencies", "theme"),
    ("competencies", "question"),
    ("mus", "department"),
    ("mus", "person"),
    ("mus", "user"),
    ("reviews", "round"),
]


def hr_permissions():
    query = Permission.objects.none()
    for app_label, model in HR_MODELS:
        query |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model
        )
    return query


def sync_hr_group(**kwargs):
    """Create the HR group, or set its permissions back to exactly HR_MODELS'."""
    group, _ = Group.objects.get_or_create(name=HR_GROUP)
    group.permissions.set(hr_permissions())
