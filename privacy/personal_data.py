"""A person's data: all of it to download (GDPR art. 15 and 20), and removing a person.

The export holds what the person may see as a party to each review, decided by
reviews.access as everywhere else, and the PDFs of their concluded reviews rendered by
reviews.record with their own access. Downloading it is on the trail of every review
it includes.

Removing a person (GDPR art. 17, or someone leaving) is one transaction:

* their own reviews go, with everything in them and their trail (privacy.retention);
* their login and person are kept as an anonymous "Removed person": no name, username,
  e-mail or employee number, login disabled, every session ended. The reviews of others
  they managed keep pointing at it, and so do the trails of those reviews, which
  reference people rather than copy their names: what they wrote there stays, being
  those employees' record of their talk, but no longer says who they were;
* their reports lose them as manager, rounds forget having chosen them, and the admin's
  history of changes to them and the record of their failed logins are deleted.

Someone who still manages a review under way is refused: HR gives those reviews to
another manager first.
"""

import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.collation import Localised
from organisation.models import Person, User
from privacy import retention
from reviews import history, preparation, record
from reviews.access import ReviewAccess, access_to
from reviews.models import LockedError, Party, Preparation, Reflection, Review, Round, State
from trail import recording
from trail.models import Action, Role


def _sheet(review: Review, prep: Preparation) -> dict[str, Any]:
    sheet = preparation.sheet_for(review, prep)
    return {
        "shared_at": prep.shared_at,
        "answers": [
            {"theme": theme.title, "question": question.text, "answer": answer.text}
            for theme, questions in sheet.themes
            for question, answer in questions
            if answer and answer.text
        ],
        "competences": [
            {"competence": row.name, "level": row.level, "note": row.mark.note}
            for row in sheet.rows
            if row.mark and (row.level or row.mark.note or row.mark.name)
        ],
    }


def _reflection(reflection: Reflection) -> dict[str, Any]:
    return {
        "by": reflection.party,
        "shared_at": reflection.shared_at,
        **{name: getattr(reflection, name) for name in Reflection.FIELDS},
    }


def _trail(review: Review) -> list[dict[str, Any]]:
    return [
        {"at": line.first, "who": line.who, "role": str(line.role), "what": str(line.what)}
        | ({"reason": line.note} if line.note else {})
        for line in history.lines(history.events_of(review), fold=False)
    ]


def _review(review: Review, access: ReviewAccess) -> dict[str, Any]:
    """One review as this party may see it."""
    data: dict[str, Any] = {
        "round": review.round.name,
        "employee": review.employee.name,
        "manager": review.manager.name,
        "your_role": access.party,
        "status": review.state,
        "preparation_deadline": review.round.preparation_deadline,
        "talks": [review.round.talks_start, review.round.talks_end],
        "preparations": _preparations(review, access),
        "reflections": [
            _reflection(r) for r in review.reflections.all() if access.can_see_reflection(r)
        ],
    }
    if access.can_see_agreement:
        data["focus_areas"] = [str(area) for area in review.focus_areas.all()]
        data["goals"] = [
            {
                "goal": goal.title,
                "actions": goal.actions,
                "who_does_what": goal.responsible,
                "by_when": goal.due,
                "status": goal.status,
                "agreed": goal.is_agreed,
            }
            for goal in review.goals.all()
        ]
    if access.can_see_talk_notes:
        data["talk_notes"] = review.talk_notes
    if access.can_see_summary:
        data["summary"] = review.summary
    if access.can_see_confirmation:
        data["confirmed_at"] = review.confirmed_at
        data["disagreement"] = review.disagreement
    if access.can_see_trail:
        data["trail"] = _trail(review)
    return data


def _preparations(review: Review, access: ReviewAccess) -> dict[str, Any]:
    """One's own preparation and, where one may see it, the other's; showing the other's
    here counts as seeing it, as on the page (``preparation.other_preparation_shown``)."""
    shown: dict[str, Any] = {}
    if (own := access.own_preparation) is not None and access.party:
        shown[access.party] = _sheet(review, own)
    if (theirs := preparation.other_preparation_shown(access)) and access.other_party:
        shown[access.other_party] = _sheet(review, theirs)
    return shown


def _own_part(review: Review, person: Person, role: str) -> dict[str, Any]:
    """A review one leads, or led: the employee's record, of which only one's own writing
    is here (``Preparation.author``, ``Reflection.author``)."""
    mine = Preparation.objects.filter(review=review, author=person).first()
    return {
        "round": review.round.name,
        "employee": review.employee.name,
        "your_role": role,
        "status": review.state,
        "your_preparation": _sheet(review, mine) if mine else None,
        "your_reflections": [
            _reflection(r) for r in review.reflections.all() if r.author_id == person.pk
        ],
    }


def export(user: User, request: HttpRequest | None = None) -> bytes:
    """All of a user's data as a zip: data.json, and their concluded reviews as PDFs."""
    person = Person.objects.select_related("department", "manager__user").filter(user=user).first()
    reviews = Review.objects.select_related(
        "round__catalogue", "round__question_set", "employee__user", "manager__user"
    ).prefetch_related(*record.RECORD_PREFETCH)
    # By round, and within a round by the employee's name, as the pages list them.
    names = Localised.each("employee__user__first_name", "employee__user__last_name")
    by_round: list[str | Localised] = ["round__talks_start", *names]
    own = list(reviews.filter(employee=person).order_by(*by_round)) if person else []
    led = list(reviews.filter(manager=person).order_by(*by_round)) if person else []
    # Reviews given to another manager, in which one's own writing stayed one's own.
    wrote = Q(preparations__author=person) | Q(reflections__author=person)
    left = (
        list(reviews.filter(wrote).exclude(employee=person).exclude(manager=person).distinct())
        if person
        else []
    )
    left.sort(key=lambda review: (review.round.talks_start, review.employee.name))
    accesses = {review.pk: access_to(user, review) for review in own + led + left}
    data = {
        "exported_at": timezone.now(),
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "joined": user.date_joined,
            "last_login": user.last_login,
        },
        "person": person
        and {
            "employee_number": person.employee_number,
            "job_title": person.job_title,
            "department": person.department.name,
            "manager": person.manager.name if person.manager else None,
        },
        "reviews": [_review(review, accesses[review.pk]) for review in own],
        # Both empty for a login that is no one's.
        "reviews_you_lead": [_own_part(r, person, Party.MANAGER) for r in led] if person else [],
        "reviews_you_no_longer_lead": (
            [_own_part(r, person, Role.OUTSIDER) for r in left] if person else []
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
        for review in own:
            if review.is_concluded:
                pdf = record.review_pdf(review, accesses[review.pk], request)
                archive.writestr(f"pdf/{record.filename(review)}", pdf)
        archive.writestr("LÆSMIG.txt", _readme())
    recording.read_many(
        ((pk, access.role) for pk, access in accesses.items()),
        Action.EXPORTED_PERSONAL_DATA,
        actor=user,
    )
    return buffer.getvalue()


def _readme() -> str:
    return _(
        "Your data from MUS.\n\n"
        "data.json holds your account, your place in the organisation, and every MUS of "
        "yours as you can see it: the preparations, the focus areas and goals, the summary, "
        "the talk notes, the reflections and who has opened it (“trail”). Under "
        "“reviews_you_lead” is what you wrote yourself in the MUS of the employees you lead, "
        "and under “reviews_you_no_longer_lead” what you wrote in MUS that were given to "
        "another manager, which stays yours alone.\n\n"
        "The folder pdf holds each of your concluded MUS as a PDF.\n"
    )


def export_filename(user: User) -> str:
    return f"mus-data-{user.get_username()}-{timezone.localdate():%Y-%m-%d}.zip"


@dataclass
class Consequences:
    """What removing a person does, for HR to read before confirming."""

    person: Person
    own_reviews: int
    led_reviews: int  # concluded reviews of others, kept with an anonymous manager
    blocking: int  # reviews under way that they manage

    @property
    def allowed(self) -> bool:
        return not self.blocking

    def describe(self) -> str:
        if self.blocking:
            return ngettext(
                "Manages %(count)d review under way: give it to another manager first.",
                "Manages %(count)d reviews under way: give them to another manager first.",
                self.blocking,
            ) % {"count": self.blocking}
        own = ngettext(
            "%(count)d own review is deleted with everything in it.",
            "%(count)d own reviews are deleted with everything in them.",
            self.own_reviews,
        ) % {"count": self.own_reviews}
        if not self.led_reviews:
            return own
        led = ngettext(
            "%(count)d review of an employee keeps “Removed person” as its manager.",
            "%(count)d reviews of employees keep “Removed person” as their manager.",
            self.led_reviews,
        ) % {"count": self.led_reviews}
        return f"{own} {led}"


def under_way(person: Person) -> QuerySet[Review]:
    """The reviews they manage that have not ended (see privacy.retention)."""
    return (
        Review.objects.filter(manager=person)
        .exclude(state=State.CONCLUDED)
        .exclude(round__status=Round.Status.CLOSED)
    )


def consequences(person: Person) -> Consequences:
    return Consequences(
        person=person,
        own_reviews=Review.objects.filter(employee=person).count(),
        led_reviews=Review.objects.filter(manager=person).count() - under_way(person).count(),
        blocking=under_way(person).count(),
    )


@transaction.atomic
def remove_person(person: Person) -> retention.Removal:
    """Remove a person from MUS: see this module's description."""
    person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
    if under_way(person).exists():
        raise LockedError(consequences(person).describe())
    removal = retention.delete_reviews(
        Review.objects.filter(employee=person), f"A person removed (person #{person.pk})"
    )
    Round.people.through.objects.filter(person_id=person.pk).delete()
    Person.objects.filter(manager=person).update(manager=None)
    for model in (Preparation, Reflection):
        model.objects.filter(author=person).of_former_managers().delete()
    Person.objects.filter(pk=person.pk).update(
        employee_number=f"removed-{person.pk}", job_title="", manager=None
    )
    _forget_admin_history(Person, person.pk)
    _anonymise(person.user)
    return removal


@transaction.atomic
def remove_user(user: User) -> None:
    """Remove a login; a login with a person removes the person (remove_person)."""
    person = Person.objects.filter(user=user).first()
    if person is not None:
        remove_person(person)
    else:
        _anonymise(user)


def _anonymise(user: User) -> None:
    username = user.get_username()
    user.username = f"removed-{uuid.uuid4().hex[:12]}"
    user.first_name = user.last_name = user.email = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.removed_at = timezone.now()
    user.session_generation += 1  # every session ends, wherever it is
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    AccessAttempt.objects.filter(username=username).delete()
    _forget_admin_history(User, user.pk)


def _forget_admin_history(model: type[Person | User], pk: int) -> None:
    """The admin's log of changes names the object as it was ("Anne Andersen")."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
    ).delete()
