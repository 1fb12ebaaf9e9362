"""The load test's organisation: managers, each with employees preparing and one in the talk.

Run inside the load test's own database (``python -m loadtest.seed``); prints the logins
as JSON for the simulated users.
"""

import datetime
import json

PASSWORD = "load-test-only"
MANAGERS = 10
PREPARING_PER_MANAGER = 4  # simulated employees, preparing
# Each manager also has one employee whose talk has begun: the comparison they look at.


def seed() -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from competencies.models import Catalogue, QuestionSet
    from organisation.models import Department, Person, User
    from reviews.models import Answer, Mark, Preparation, Review, Round, State
    from reviews.services import open_round

    password = make_password(PASSWORD)  # hashed once: the login still checks it in full
    catalogue = Catalogue.objects.get(name="KL MUS 2015")
    questions = QuestionSet.objects.get(name="KL MUS 2015")
    logins = {"employees": [], "managers": []}
    with transaction.atomic():
        office = Department.objects.create(name="Belastningskontoret", kind="kontor")

        def person(username, manager=None):
            user = User.objects.create(username=username, password=password, first_name=username)
            number = f"L{User.objects.count():05d}"
            return Person.objects.create(
                user=user, employee_number=number, department=office, manager=manager
            )

        in_talk = []
        for m in range(MANAGERS):
            manager = person(f"leder{m:02d}")
            logins["managers"].append(manager.user.username)
            for e in range(PREPARING_PER_MANAGER):
                logins["employees"].append(person(f"medarbejder{m:02d}{e}", manager).user.username)
            in_talk.append(person(f"samtale{m:02d}", manager))
        round_ = Round.objects.create(
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
                preparation = Preparation.objects.create(
                    review=review, party=party, shared_at=timezone.now()
                )
                Answer.objects.create(
                    preparation=preparation, question=first_question, text=f"Forberedt ({party})"
                )
                Mark.objects.bulk_create(
                    Mark(preparation=preparation, competence=c, level=levels[(j + i) % 3])
                    for j, c in enumerate(competences)
                )
            Review.objects.filter(pk=review.pk).update(
                state=State.TALK_STARTED, talk_manager=F("manager")
            )
    return logins


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(seed()))
