"""The demo organisation with one review in each state of the cycle, for the page sweeps.

``seed_demo`` gives the people (karen → mette, lars → anne, bo, carl, dorte, erik), last
year's concluded MUS 2026 and the open MUS 2027; here each 2027 review is moved on to
another point of the cycle, so that every page is seen in every state a person meets it:

    anne   employee has prepared and shared; the manager has started preparing
    bo     the talk is under way: focus area, one goal not yet agreed by both
    carl   the talk was held; the employee has still to confirm it
    dorte  concluded, with reflections written and shared
    erik   not started
"""

import datetime

from django.core.management import call_command

from competencies.wheel import Level
from mus.management.commands.seed_demo import DEMO_PASSWORD
from organisation.factories import SuperuserFactory
from organisation.models import User
from reviews import access, preparation, talk
from reviews.models import Goal, Review, Round
from tests.conftest import CATALOGUE_FIXTURES, make_round

PERSONAS = {
    # persona: (login, what they are)
    "employee": "anne",
    "employee_not_started": "erik",
    "employee_in_talk": "bo",
    "employee_after_talk": "carl",
    "employee_concluded": "dorte",
    "manager": "mette",
    "other_manager": "lars",
    "senior_manager": "karen",
    "hr": "hr",
    "superuser": "root",
}


def _access(username, review):
    return access.access_to(User.objects.get(username=username), review)


def _prepare(username, review, answer="", levels=()):
    party_access = _access(username, review)
    if answer:
        question = review.round.question_set.themes.first().questions.first()
        preparation.save_answer(party_access, question, answer, 0)
    for competence, level in zip(review.round.catalogue.competences.all(), levels, strict=False):
        preparation.save_level(party_access, f"c{competence.pk}", level)
    return _access(username, review)


def build_world() -> dict:
    call_command("load_catalogue", *CATALOGUE_FIXTURES, verbosity=0)
    call_command("seed_demo", verbosity=0)
    SuperuserFactory(email="", password=DEMO_PASSWORD, first_name="Rasmus")
    mus_2027 = Round.objects.get(name="MUS 2027")
    reviews = {r.employee.user.username: r for r in mus_2027.reviews.select_related("employee")}
    S, F, X = Level.STRONG, Level.FINE, Level.FOCUS

    anne = reviews["anne"]
    preparation.share(
        _prepare("anne", anne, "Jeg har ført det nye sagssystem i mål.", [S, F, X, S, F])
    )
    _prepare("mette", anne, "Anne har løftet kontorets digitale selvbetjening.", [S, S, F])

    bo = reviews["bo"]
    _prepare("bo", bo, "Jeg har holdt styr på driften.", [F, S, X, F, F, S, X, F])
    _prepare("mette", bo, levels=[S, F, X, S, F, F, F, X])
    talk.start_talk(_access("mette", bo))
    manager_in_talk = _access("mette", bo)
    politik = bo.round.catalogue.competences.get(name="Politik")
    talk.set_focus_areas(manager_in_talk, [(politik.pk, "")])
    talk.add_goal(
        manager_in_talk,
        Goal(
            title="Blive skarpere til politisk formidling",
            actions="Kursus i politisk kommunikation",
            responsible="Bo tilmelder sig; Mette giver sparring",
            due=datetime.date(2027, 11, 25),
        ),
    )

    carl = reviews["carl"]
    talk.start_talk(_access("mette", carl))
    talk.end_talk(_access("mette", carl))

    dorte = reviews["dorte"]
    _prepare("dorte", dorte, "Driften kører stabilt.", [S, S, F, F, X, S, F, F])
    talk.start_talk(_access("lars", dorte))
    talk.end_talk(_access("lars", dorte))
    dorte_access = _access("dorte", dorte)
    talk.save_reflection(dorte_access, {"role": ("Mere ansvar for driften.", 0)})
    talk.share_reflection(dorte_access)
    talk.confirm(_access("dorte", dorte), "Jeg vurderer min helhedsforståelse højere.")

    draft = make_round(
        mus_2027.catalogue,
        mus_2027.question_set,
        name="MUS 2028",
        preparation_deadline=datetime.date(2028, 2, 1),
        talks_start=datetime.date(2028, 2, 7),
        talks_end=datetime.date(2028, 3, 31),
    )
    return {
        "reviews": {name: Review.objects.get(pk=r.pk) for name, r in reviews.items()},
        "rounds": {
            "open": mus_2027,
            "closed": Round.objects.get(name="MUS 2026"),
            "draft": draft,
        },
        "last_year": Review.objects.get(round__name="MUS 2026", employee__user__username="anne"),
    }
