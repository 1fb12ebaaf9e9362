"""A municipality at full scale, for measuring: ``make bench`` builds each database once with
``manage.py shell -c "from bench.seed_scale import Command; Command().run_from_argv(…)"``.

Departments forvaltning → center → kontor; one manager per twenty people (2,500 for
50,000), with about twenty reports each; three years of rounds: two closed with their
talks concluded, and the current one open with reviews in every state of the cycle,
preparations with marks and texts, focus areas and agreed goals.

People, rounds, reviews and preparations are built by the apps' factories
(``organisation.factories``, ``reviews.factories``), as the tests and the demo build them.
Fast on purpose: rows go in with ``bulk_create`` in batches, one transaction each, the
millions of marks and answers as plain INSERTs, and two side-effects of the real writes
are skipped deliberately. No
trail entries (``ReviewEvent``): nobody read or wrote anything, the data is invented.
No e-mail owed (the outbox): nobody is to be told of rounds that never opened. Only
for an empty database; never for production.
"""

import datetime
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import batched, cycle

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from common.factories import build_many
from competencies.models import Catalogue, QuestionSet
from competencies.wheel import Level
from organisation.factories import DepartmentFactory, PersonFactory, UserFactory
from organisation.models import HR_GROUP, Department, Person, User
from organisation.roles import sync_hr_group
from reviews.factories import PreparationFactory, ReviewFactory, RoundFactory
from reviews.models import Answer, FocusArea, Goal, Mark, Party, Preparation, Review, Round
from reviews.models import State as S

PASSWORD = "mus-scale"
BATCH = 2000
PEOPLE_PER_MANAGER = 20
MANAGERS_PER_OFFICE = 10
OFFICES_PER_CENTRE = 10
CENTRES_PER_ADMINISTRATION = 5
# The one manager the bench measures a dashboard with 25 reports for.
BENCH_MANAGER_REPORTS = 25

ADMINISTRATIONS = [
    "Børn og Unge",
    "Social og Sundhed",
    "Teknik og Miljø",
    "Kultur og Fritid",
    "Økonomi og Administration",
]
FIRST_NAMES = [
    "Anne",
    "Bo",
    "Carl",
    "Dorte",
    "Erik",
    "Freja",
    "Gitte",
    "Hans",
    "Ida",
    "Jens",
    "Karen",
    "Lars",
    "Mette",
    "Niels",
    "Ole",
    "Pia",
    "Rasmus",
    "Sofie",
    "Thomas",
    "Ulla",
    "Vibeke",
    "William",
    "Yrsa",
    "Åse",
    "Ærenlund",
    "Øjvind",
    "Aase",
    "Birgitte",
    "Camilla",
]
LAST_NAMES = [
    "Andersen",
    "Bækgaard",
    "Christiansen",
    "Dahl",
    "Eriksen",
    "Frederiksen",
    "Hansen",
    "Jensen",
    "Kristensen",
    "Larsen",
    "Madsen",
    "Nielsen",
    "Olsen",
    "Pedersen",
    "Rasmussen",
    "Sørensen",
    "Thomsen",
    "Ærø",
    "Østergaard",
    "Aagaard",
]
ANSWERS = [
    "Jeg er glad for opgaverne og samarbejdet i teamet, men vil gerne have mere tid til "
    "fordybelse i de større sager.",
    "Det seneste år har budt på mange omlægninger. Jeg har lært meget af at stå for "
    "overgangen til det nye system.",
    "Jeg ønsker at udvikle mig fagligt inden for mit område og tage et kursus i "
    "projektledelse i det kommende år.",
    "Vi kunne blive bedre til at dele viden på tværs af kontorerne, fx med faste "
    "faglige møder hver måned.",
]
NOTES = [
    "Her vil jeg gerne have sparring.",
    "Et eksempel: mødet med borgerne i foråret.",
    "Bør styrkes i det kommende år.",
]
GOALS = [
    ("Tage et kursus i projektledelse", "Finde et kursus og deltage i efteråret."),
    ("Holde oplæg for kontoret", "Forberede to oplæg om det nye system."),
    ("Styrke samarbejdet med borgerservice", "Deltage i fælles møder hver måned."),
]
SUMMARY = (
    "Vi talte om det forgangne år, om opgaverne og om samarbejdet. Vi aftalte to "
    "fokusområder og konkrete mål for det kommende år."
)

# The current round, in progress: how many of every twenty reviews are in each state.
CURRENT_MIX = (
    [S.INVITED] * 3
    + [S.PREPARING] * 5
    + [S.SHARED] * 4
    + [S.TALK_STARTED] * 2
    + [S.TALK_HELD] * 2
    + [S.CONCLUDED] * 4
)
PREPARED = {S.SHARED, S.TALK_STARTED, S.TALK_HELD, S.CONCLUDED}
HELD = {S.TALK_HELD, S.CONCLUDED}


@dataclass
class Catalogues:
    catalogue: Catalogue
    questions: QuestionSet
    competence_ids: list[int]
    question_ids: list[int]


class Command(BaseCommand):
    help = (
        "Build a municipality at scale in an empty database, for measuring (bench/): "
        "departments, people and managers, three years of rounds with their content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, default=50000, help="people in all")
        parser.add_argument("--seed", type=int, default=8, help="for the random names and texts")

    def handle(self, *args, employees: int, seed: int, **options) -> None:
        if employees < 100:
            raise CommandError("--employees must be at least 100.")
        if Person.objects.exists() or Round.objects.exists():
            raise CommandError("seed_scale builds on an empty database; this one has data.")
        started, cpu = time.perf_counter(), time.process_time()
        self.random = random.Random(seed)
        self.now = timezone.now()
        self.password = make_password(PASSWORD)  # hashed once: every login checks it in full
        if connection.vendor == "sqlite":
            # Seeding only: a crash halfway leaves a database to throw away anyway.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
        cat = self.catalogues()
        people = self.organisation(employees)
        rounds = self.rounds(cat)
        counts = self.reviews(rounds, people, cat)
        # Fresh statistics, as autovacuum would gather them later: without them the
        # planner takes each table for a few rows and picks plans for a few rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {employees:,} people ({counts['managers']:,} managers) in "
                f"{counts['departments']:,} departments, {len(rounds)} rounds with "
                f"{counts['reviews']:,} reviews and {counts['rows']:,} rows of content "
                f"in {seconds:.1f} s (CPU {time.process_time() - cpu:.1f} s, "
                f"{connection.vendor})."
            )
        )
        self.seconds = seconds

    def catalogues(self) -> Catalogues:
        if not Catalogue.objects.filter(name="KL MUS 2015", version=1).exists():
            call_command("load_catalogue", "fixtures/kl_2015.json", verbosity=0)
        catalogue = Catalogue.objects.get(name="KL MUS 2015", version=1)
        questions = QuestionSet.objects.get(name="KL MUS 2015", version=1)
        return Catalogues(
            catalogue,
            questions,
            list(catalogue.competences.order_by("position").values_list("pk", flat=True)),
            list(
                questions.themes.values_list("questions__pk", flat=True).order_by(
                    "position", "questions__position"
                )
            ),
        )

    # The organisation --------------------------------------------------------------

    def organisation(self, employees: int) -> list[Person]:
        """Departments and people; returns everyone who has a manager."""
        managers = max(1, employees // PEOPLE_PER_MANAGER)
        offices = max(1, managers // MANAGERS_PER_OFFICE)
        centres = max(1, offices // OFFICES_PER_CENTRE)
        administrations = max(1, min(len(ADMINISTRATIONS), centres // CENTRES_PER_ADMINISTRATION))
        with transaction.atomic():
            top = Department.objects.bulk_create(
                DepartmentFactory.build(
                    name=ADMINISTRATIONS[i], kind=Department.Kind.ADMINISTRATION
                )
                for i in range(administrations)
            )
            mid = Department.objects.bulk_create(
                DepartmentFactory.build(
                    name=f"Center {i + 1} for {top[i % administrations].name}",
                    kind=Department.Kind.CENTRE,
                    parent=top[i % administrations],
                )
                for i in range(centres)
            )
            low = Department.objects.bulk_create(
                DepartmentFactory.build(
                    name=f"Kontor {i + 1}", kind=Department.Kind.OFFICE, parent=mid[i % centres]
                )
                for i in range(offices)
            )
        self.departments = administrations + centres + offices
        self.number, self.department_of = 0, {}

        # Managers level by level, each level's manager known before it is created.
        directors = self.people([(d, None, "Direktør") for d in top])
        chiefs = self.people(
            [(d, directors[top.index(d.parent)], "Centerchef") for d in mid],
        )
        mid_index = {d.pk: i for i, d in enumerate(mid)}
        heads = self.people(
            [(d, chiefs[mid_index[d.parent_id]], "Kontorchef") for d in low],
        )
        leaders_wanted = max(0, managers - len(directors) - len(chiefs) - len(heads))
        leaders = self.people(
            [(low[i % offices], heads[i % offices], "Teamleder") for i in range(leaders_wanted)]
        )
        leading = leaders or heads
        staff = employees - len(directors) - len(chiefs) - len(heads) - len(leaders)
        # The first team leader leads exactly 25, the bench's "manager with 25 reports";
        # the rest are dealt round the others.
        first = min(BENCH_MANAGER_REPORTS, staff)
        assigned = [leading[0]] * first + [
            leading[1 + i % (len(leading) - 1)] if len(leading) > 1 else leading[0]
            for i in range(staff - first)
        ]
        employees_ = self.people([(self.department_of[m.pk], m, "Konsulent") for m in assigned])
        self.make_hr(employees_[-1])
        self.manager_count = len(directors) + len(chiefs) + len(heads) + len(leaders)
        return chiefs + heads + leaders + employees_

    def people(self, specs: list[tuple[Department, Person | None, str]]) -> list[Person]:
        created = []
        for chunk in batched(specs, BATCH):
            with transaction.atomic():
                users = User.objects.bulk_create(
                    build_many(
                        UserFactory,
                        (self.user() for _ in chunk),
                        password=factory.Transformer.Force(self.password),
                    )
                )
                persons = Person.objects.bulk_create(
                    build_many(
                        PersonFactory,
                        (
                            {
                                "user": user,
                                "employee_number": user.username.removeprefix("u"),
                                "job_title": title,
                                "department": department,
                                "manager": manager,
                            }
                            for user, (department, manager, title) in zip(users, chunk, strict=True)
                        ),
                    )
                )
            for person, (department, _manager, _title) in zip(persons, chunk, strict=True):
                self.department_of[person.pk] = department
            created += persons
        return created

    def user(self) -> dict:
        self.number += 1
        first, last = self.random.choice(FIRST_NAMES), self.random.choice(LAST_NAMES)
        return {"username": f"u{self.number:06d}", "first_name": first, "last_name": last}

    def make_hr(self, person: Person) -> None:
        sync_hr_group()
        User.objects.filter(pk=person.user_id).update(username="hr", is_staff=True)
        person.user.groups.add(Group.objects.get(name=HR_GROUP))

    # Rounds and reviews ---------------------------------------------------------------

    def rounds(self, cat: Catalogues) -> list[Round]:
        """Two closed rounds, in the springs of the last two years, and the current one,
        whose preparation deadline has just passed and whose talks are under way."""
        today = timezone.localdate()
        rounds = []
        for years_ago in (2, 1):
            year = today.year - years_ago
            rounds.append(
                RoundFactory.build(
                    name=f"MUS {year}",
                    status=Round.Status.CLOSED,
                    preparation_deadline=datetime.date(year, 2, 1),
                    talks_start=datetime.date(year, 2, 8),
                    talks_end=datetime.date(year, 3, 31),
                    opened_at=self.now - datetime.timedelta(days=365 * years_ago + 30),
                    closed_at=self.now - datetime.timedelta(days=365 * years_ago - 60),
                )
            )
        rounds.append(
            RoundFactory.build(
                name=f"MUS {today.year}",
                status=Round.Status.OPEN,
                preparation_deadline=today - datetime.timedelta(days=7),
                talks_start=today - datetime.timedelta(days=3),
                talks_end=today + datetime.timedelta(days=60),
                opened_at=self.now - datetime.timedelta(days=30),
            )
        )
        for round_ in rounds:
            round_.catalogue, round_.question_set = cat.catalogue, cat.questions
        rounds = Round.objects.bulk_create(rounds)
        top = list(Department.objects.filter(parent=None))
        for round_ in rounds:
            round_.departments.add(*top)
        return rounds

    def reviews(self, rounds: list[Round], people: list[Person], cat: Catalogues) -> dict:
        counts = {"reviews": 0, "rows": 0}
        *closed, current = rounds
        for round_ in closed:
            # A few talks of a closed round were never held.
            states = cycle([S.CONCLUDED] * 19 + [S.INVITED])
            self.review_batches(round_, people, states, cat, counts)
        self.review_batches(current, people, cycle(CURRENT_MIX), cat, counts)
        counts["managers"] = self.manager_count
        counts["departments"] = self.departments
        return counts

    def review_batches(self, round_, people, states: Iterator[str], cat, counts) -> None:
        for chunk in batched(people, BATCH):
            with transaction.atomic():
                # The factory takes the manager from the person, and the talk's manager
                # from the state.
                reviews = Review.objects.bulk_create(
                    build_many(
                        ReviewFactory,
                        (
                            {
                                "employee": person,
                                "state": state,
                                "summary": SUMMARY if state in HELD else "",
                                "talk_notes": NOTES[0] if state in HELD else "",
                                "confirmed_at": self.now if state == S.CONCLUDED else None,
                            }
                            for person, state in zip(chunk, states, strict=False)
                        ),
                        round=round_,
                        state_changed_at=self.now,
                    )
                )
                counts["reviews"] += len(reviews)
                counts["rows"] += self.content(reviews, cat)

    def content(self, reviews: list[Review], cat: Catalogues) -> int:
        """Preparations with marks and answers by each review's state; focus areas and
        goals where the talk was held."""
        rows = []
        for review in reviews:
            # The factory makes the party's author: the employee, or the manager.
            if review.state == S.PREPARING:
                rows.append({"review": review, "party": Party.EMPLOYEE})
            elif review.state in PREPARED:
                seen = self.now if review.state != S.SHARED else None
                for party in (Party.EMPLOYEE, Party.MANAGER):
                    rows.append(
                        {
                            "review": review,
                            "party": party,
                            "shared_at": self.now,
                            "seen_at": seen,
                            "saw_other_at": seen,
                        }
                    )
        preparations = Preparation.objects.bulk_create(
            build_many(PreparationFactory, rows), batch_size=BATCH
        )
        marks, answers = [], []
        levels, now = Level.values, connection.ops.adapt_datetimefield_value(self.now)
        for preparation in preparations:
            done = preparation.shared_at is not None
            # One still preparing has marked five of the eight and answered one question.
            competences = cat.competence_ids if done else cat.competence_ids[:5]
            for i, competence in enumerate(competences):
                note = NOTES[i % len(NOTES)] if i == 0 else ""
                marks.append(
                    (preparation.pk, competence, self.random.choice(levels), note, int(bool(note)))
                )
            for question in cat.question_ids[: 3 if done else 1]:
                answers.append((preparation.pk, question, self.random.choice(ANSWERS)))
        insert(
            Mark,
            ["preparation", "competence", "level", "note", "note_version"],
            ["name", "name_version", "updated_at"],
            ("", 0, now),
            marks,
        )
        insert(
            Answer,
            ["preparation", "question", "text"],
            ["text_version", "updated_at"],
            (1, now),
            answers,
        )
        focus, goals = [], []
        for review in reviews:
            if review.state not in HELD:
                continue
            picked = self.random.sample(cat.competence_ids, 2)
            focus += [(review.pk, c, p) for p, c in enumerate(picked, start=1)]
            due = review.round.talks_end + datetime.timedelta(days=180)
            for position, (title, actions) in enumerate(self.random.sample(GOALS, 2), start=1):
                goals.append(
                    (
                        review.pk,
                        title,
                        actions,
                        due,
                        self.random.choice(Goal.Status.values),
                        position,
                    )
                )
        insert(FocusArea, ["review", "competence", "position"], ["name"], ("",), focus)
        insert(
            Goal,
            ["review", "title", "actions", "due", "status", "position"],
            ["responsible", "wording", "accepted_by_employee", "accepted_by_manager"],
            ("Medarbejderen, med sparring fra lederen.", 1, 1, 1),
            goals,
        )
        return len(preparations) + len(marks) + len(answers) + len(focus) + len(goals)


def insert(model, columns: list[str], fixed: list[str], values: tuple, rows: list[tuple]) -> None:
    """Many rows of one leaf table (nothing refers to them), as plain tuples.

    ``bulk_create`` builds a model instance and prepares every value of every row, about
    a tenth of a millisecond each: minutes for the millions of marks and answers. Here
    a row is a tuple of ready values, ``columns`` from it and ``fixed`` the same for all.
    """
    fields = [model._meta.get_field(name) for name in [*columns, *fixed]]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for chunk in batched(rows, BATCH):
            cursor.executemany(sql, [(*row, *values) for row in chunk])
