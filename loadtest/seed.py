"""The load test's organisation: managers, each with employees preparing and one in the talk.

Run inside the load test's own database (``python -m loadtest.seed``); prints the logins
as JSON for the simulated users. Rows are made by the apps' factories.
"""

import datetime
import json

PASSWORD = "load-test-only"
MANAGERS = 10
PREPARING_PER_MANAGER = 4  # simulated employees, preparing
# Each manager also has one employee whose talk has begun: the comparison they look at.


def seed() -> dict:
    import factory
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from common.factories import build_many
    from competencies.models import Catalogue, QuestionSet
    from organisation.factories import DepartmentFactory, PersonFactory, UserFactory
    from organisation.models import User
    from reviews.factories import AnswerFactory, MarkFactory, PreparationFactory, RoundFactory
    from reviews.models import Mark, Review, State
    from reviews.services import open_round

    # Hashed once: the login still checks it in full.
    password = factory.Transformer.Force(make_password(PASSWORD))
    catalogue = Catalogue.objects.get(name="KL MUS 2015")
    questions = QuestionSet.objects.get(name="KL MUS 2015")
    logins = {"employees": [], "managers": []}
    with transaction.atomic():
        office = DepartmentFactory(name="Belastningskontoret", kind="kontor")

        def person(username, manager=None):
            # No address: what the load test measures is the pages, not the mail server.
            user = UserFactory(username=username, password=password, first_name=username, email="")
            number = f"L{User.objects.count():05d}"
            return PersonFactory(
                user=user, employee_number=number, department=office, manager=manager
            )

        in_talk = []
        for m in range(MANAGERS):
            manager = person(f"leder{m:02d}")
            logins["managers"].append(manager.user.username)
            for e in range(PREPARING_PER_MANAGER):
                logins["employees"].append(person(f"medarbejder{m:02d}{e}", manager).user.username)
            in_talk.append(person(f"samtale{m:02d}", manager))
        round_ = RoundFactory(
            name="MUS belastningstest",
            catalogue=catalogue,
            question_set=questions,
            preparation_deadline=datetime.date(2027, 2, 1),
            talks_start=datetime.date(2027, 2, 8),
            talks_end=datetime.date(2027, 3, 31),
        )
        round_.departments.add(office)
        open_round(round_)
        competences = list(catalogue.competences.all())
        first_question = questions.themes.first().questions.first()
        levels = ["strong", "fine", "focus"]
        for employee in in_talk:
            review = Review.objects.get(round=round_, employee=employee)
            for i, party in enumerate(("employee", "manager")):
                preparation = PreparationFactory(
                    review=review, party=party, shared_at=timezone.now()
                )
                AnswerFactory(
                    preparation=preparation, question=first_question, text=f"Forberedt ({party})"
                )
                Mark.objects.bulk_create(
                    build_many(
                        MarkFactory,
                        (
                            {"competence": c, "level": levels[(j + i) % 3]}
                            for j, c in enumerate(competences)
                        ),
                        preparation=preparation,
                    )
                )
            Review.objects.filter(pk=review.pk).update(
                state=State.TALK_STARTED, talk_manager=F("manager")
            )
    return logins


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(seed()))
