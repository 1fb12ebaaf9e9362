"""Demo organisation and logins (password ``mus-demo``). Safe to run again: it updates in place.

Rows are made by the apps' factories, as the tests make theirs.
"""

import datetime
from typing import Any, cast

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from factory.django import DjangoModelFactory

from competencies.models import Catalogue, QuestionSet
from organisation.factories import DepartmentFactory, PersonFactory, UserFactory
from organisation.models import HR_GROUP, Department, Person
from organisation.roles import sync_hr_group
from reviews.factories import FocusAreaFactory, GoalFactory, ReviewFactory, RoundFactory
from reviews.models import Goal, Review, Round
from reviews.services import open_round

DEMO_PASSWORD = "mus-demo"

# (name, kind, parent name)
DEPARTMENTS = [
    ("Borgerservice og Administration", "forvaltning", None),
    ("Center for Digitalisering", "center", "Borgerservice og Administration"),
    ("Kontor for Selvbetjening", "kontor", "Center for Digitalisering"),
    ("Kontor for Data og Drift", "kontor", "Center for Digitalisering"),
    ("Center for HR og Personale", "center", "Borgerservice og Administration"),
]

# username, first, last, employee number, job title, department, manager username
PEOPLE = [
    ("karen", "Karen", "Kristensen", "1000", "Centerchef", "Center for Digitalisering", None),
    ("hr", "Hanne", "Rasmussen", "1001", "HR-konsulent", "Center for HR og Personale", "karen"),
    ("mette", "Mette", "Madsen", "1002", "Kontorchef", "Kontor for Selvbetjening", "karen"),
    ("lars", "Lars", "Lund", "1003", "Kontorchef", "Kontor for Data og Drift", "karen"),
    ("anne", "Anne", "Andersen", "1004", "Fuldmægtig", "Kontor for Selvbetjening", "mette"),
    ("bo", "Bo", "Bækgaard", "1005", "Specialkonsulent", "Kontor for Selvbetjening", "mette"),
    ("carl", "Carl", "Christiansen", "1006", "Konsulent", "Kontor for Selvbetjening", "mette"),
    ("dorte", "Dorte", "Dahl", "1007", "Systemadministrator", "Kontor for Data og Drift", "lars"),
    ("erik", "Erik", "Ærø", "1008", "Dataanalytiker", "Kontor for Data og Drift", "lars"),
]


ROUND_2027 = {
    "name": "MUS 2027",
    "mode": Round.Mode.BOTH,
    "preparation_deadline": datetime.date(2027, 2, 1),
    "talks_start": datetime.date(2027, 2, 8),
    "talks_end": datetime.date(2027, 3, 31),
}


DEMO_GOALS_2026 = [
    {
        "title": "Blive skarpere til at formidle til politikere",
        "actions": "Deltage i et kursus i politisk kommunikation og skrive to dagsordenspunkter "
        "til udvalget med sparring undervejs.",
        "responsible": "Anne tilmelder sig kurset og skriver punkterne; Mette giver sparring.",
        "due": datetime.date(2026, 10, 1),
        "status": Goal.Status.UNDER_WAY,
    },
    {
        "title": "Kende de vigtigste politiske dagsordener på digitaliseringsområdet",
        "actions": "Følge udvalgsmøderne og holde et kort oplæg for kontoret.",
        "responsible": "Anne",
        "due": datetime.date(2026, 6, 1),
        "status": Goal.Status.DONE,
    },
]


# Last year's talks with the others: (focus areas, goal, goal status); None: no talk held.
# Small groups on the focus map show as "færre end 5"; the whole organisation shows more.
DEMO_TALKS_2026 = {
    "mette": (["Kommunikation", "Relationer"], "Lede forandringer i kontoret", Goal.Status.DONE),
    "lars": (["Udvikling", "Relationer"], "Styrke sparringen i teamet", Goal.Status.UNDER_WAY),
    "bo": (["Kommunikation", "Udvikling"], "Holde oplæg for borgerne", Goal.Status.UNDER_WAY),
    "carl": None,
    "dorte": (["Kommunikation", "Resultater"], "Dokumentere driften", Goal.Status.DONE),
    "erik": (["Kommunikation", "Udvikling"], "Lære statistik i R", Goal.Status.NOT_STARTED),
    "hr": (["Faglighed"], "Uddannelse i arbejdsret", Goal.Status.UNDER_WAY),
}


def update_or_make[M: models.Model](
    factory_class: type[DjangoModelFactory[M]], lookup: dict[str, Any], **fields: Any
) -> M:
    """The row ``lookup`` finds, brought back to ``fields``; made by the factory if none is.

    Running the command again thus restores what someone changed in the demo."""
    found = factory_class._meta.model.objects.filter(**lookup).first()
    if found is None:
        return cast(M, factory_class(**fields | lookup))
    for name, value in fields.items():
        setattr(found, name, value)
    found.save(update_fields=list(fields))
    return cast(M, found)


def get_or_make[M: models.Model](
    factory_class: type[DjangoModelFactory[M]], lookup: dict[str, Any], **fields: Any
) -> tuple[M, bool]:
    """(the row ``lookup`` finds, or one the factory makes; whether it was made)."""
    found = factory_class._meta.model.objects.filter(**lookup).first()
    if found is None:
        return cast(M, factory_class(**fields | lookup)), True
    return cast(M, found), False


class Command(BaseCommand):
    help = "Create or update the demo organisation and its logins (password: mus-demo)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        departments: dict[str, Department] = {}
        for name, kind, parent in DEPARTMENTS:
            departments[name] = update_or_make(
                DepartmentFactory,
                {"name": name, "parent": departments.get(parent) if parent else None},
                kind=kind,
            )

        people: dict[str, Person] = {}
        for username, first, last, number, title, department, manager in PEOPLE:
            user = update_or_make(
                UserFactory,
                {"username": username},
                first_name=first,
                last_name=last,
                email=f"{username}@example.dk",
                is_staff=username == "hr",
            )
            # Hashed once, here: made new, a factory's login has no usable password.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            people[username] = update_or_make(
                PersonFactory,
                {"employee_number": number},
                user=user,
                job_title=title,
                department=departments[department],
                manager=people.get(manager) if manager else None,
            )

        sync_hr_group()
        people["hr"].user.groups.add(Group.objects.get(name=HR_GROUP))
        catalogue, questions = self.kl_catalogue()
        last_year = self.concluded_round_2026(catalogue, questions, people["anne"], people["mette"])
        self.other_talks_2026(last_year, catalogue, people)
        self.open_round_2027(departments["Borgerservice og Administration"], catalogue, questions)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(people)} people in {len(departments)} departments. "
                f"Log in as hr, karen, mette, lars, anne, bo, carl, dorte or erik "
                f"with the password {DEMO_PASSWORD}."
            )
        )

    def kl_catalogue(self) -> tuple[Catalogue, QuestionSet]:
        try:
            return (
                Catalogue.objects.get(name="KL MUS 2015", version=1),
                QuestionSet.objects.get(name="KL MUS 2015", version=1),
            )
        except (Catalogue.DoesNotExist, QuestionSet.DoesNotExist):
            raise CommandError(
                "Load the catalogues first: python manage.py load_catalogue "
                "fixtures/kl_2015.json fixtures/general.json"
            ) from None

    def concluded_round_2026(
        self, catalogue: Catalogue, questions: QuestionSet, anne: Person, mette: Person
    ) -> Round:
        """Last year's talk with Anne, concluded, so that MUS 2027 has goals to follow up."""
        round_, _ = get_or_make(
            RoundFactory,
            {"name": "MUS 2026"},
            catalogue=catalogue,
            question_set=questions,
            status=Round.Status.CLOSED,
            preparation_deadline=datetime.date(2026, 2, 2),
            talks_start=datetime.date(2026, 2, 9),
            talks_end=datetime.date(2026, 3, 31),
        )
        round_.people.add(anne)
        review, created = get_or_make(
            ReviewFactory,
            {"round": round_, "employee": anne},
            manager=mette,
            state=Review.State.CONCLUDED,
            summary="Anne er stærk fagligt og i samarbejdet med kollegerne. I det kommende "
            "år arbejder hun med formidlingen til politikerne og med kendskabet til de "
            "politiske dagsordener på digitaliseringsområdet.",
            confirmed_at=datetime.datetime(2026, 3, 12, 10, 0, tzinfo=datetime.UTC),
        )
        if not created:
            return round_
        for position, name in enumerate(["Kommunikation", "Politik"], start=1):
            FocusAreaFactory(
                review=review, competence=catalogue.competences.get(name=name), position=position
            )
        for position, goal in enumerate(DEMO_GOALS_2026, start=1):
            GoalFactory(
                review=review,
                position=position,
                accepted_by_employee=1,
                accepted_by_manager=1,
                **goal,
            )
        return round_

    def other_talks_2026(
        self, round_: Round, catalogue: Catalogue, people: dict[str, Person]
    ) -> None:
        """Everyone else's MUS 2026, for HR's progress, MED report and focus map."""
        for username, talk in DEMO_TALKS_2026.items():
            person = people[username]
            round_.people.add(person)
            review, created = get_or_make(
                ReviewFactory,
                {"round": round_, "employee": person},
                state=Review.State.CONCLUDED if talk else Review.State.INVITED,
                confirmed_at=(
                    datetime.datetime(2026, 3, 20, 10, 0, tzinfo=datetime.UTC) if talk else None
                ),
            )
            if not created or talk is None:
                continue
            areas, goal, status = talk
            for position, name in enumerate(areas, start=1):
                competence = catalogue.competences.get(name=name)
                FocusAreaFactory(review=review, competence=competence, position=position)
            GoalFactory(
                review=review,
                title=goal,
                due=datetime.date(2026, 12, 1),
                status=status,
                accepted_by_employee=1,
                accepted_by_manager=1,
            )

    def open_round_2027(
        self, whole_organisation: Department, catalogue: Catalogue, questions: QuestionSet
    ) -> None:
        """The open round on KL's catalogue that every demo person takes part in."""
        round_, created = get_or_make(
            RoundFactory,
            {"name": ROUND_2027["name"]},
            **ROUND_2027,
            catalogue=catalogue,
            question_set=questions,
        )
        if created:
            round_.departments.add(whole_organisation)
        if round_.status != Round.Status.CLOSED:
            open_round(round_)
