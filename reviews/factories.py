"""Rounds, reviews and what is written in them, for the tests, the demo and the seeds.

The catalogues are not made here: they come from the fixtures (``load_catalogue``), and
a round takes KL's unless given another. Rows made this way skip the cycle's services
(no trail, no e-mail owed): they are data laid down, not actions taken. A review in a
talk's state gets its ``talk_manager``, which the database requires.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from competencies.models import Catalogue, QuestionSet
from organisation.factories import PersonFactory
from reviews.models import (
    TALK_STATES,
    Answer,
    Authored,
    FocusArea,
    Goal,
    Mark,
    Party,
    Preparation,
    Reflection,
    Review,
    Round,
)

KL = {"name": "KL MUS 2015", "version": 1}


class RoundFactory(DjangoModelFactory[Round]):
    """A draft round on KL's catalogue with the talks of spring 2027."""

    class Meta:
        model = Round

    name = factory.Sequence(lambda n: f"MUS runde {n + 1}")
    catalogue = factory.LazyFunction(lambda: Catalogue.objects.get(**KL))
    question_set = factory.LazyFunction(lambda: QuestionSet.objects.get(**KL))
    preparation_deadline = datetime.date(2027, 2, 1)
    talks_start = datetime.date(2027, 2, 8)
    talks_end = datetime.date(2027, 3, 31)


class ReviewFactory(DjangoModelFactory[Review]):
    """An employee's review with their manager; ``state`` as given, nothing written."""

    class Meta:
        model = Review

    round = factory.SubFactory(RoundFactory)
    employee = factory.SubFactory(PersonFactory, manager=factory.SubFactory(PersonFactory))
    manager = factory.SelfAttribute("employee.manager")
    state = Review.State.INVITED
    # A talk under way or held names whose it is (a check constraint): bulk_create does
    # not call Review.save, which would fill it in.
    talk_manager = factory.LazyAttribute(
        lambda review: review.manager if review.state in TALK_STATES else None
    )


def _author_id(written):
    """Whoever holds the party's place, as ``Authored.save`` has it (bulk_create skips it)."""
    return Authored.holder_id(written.review, written.party)


class PreparationFactory(DjangoModelFactory[Preparation]):
    class Meta:
        model = Preparation

    review = factory.SubFactory(ReviewFactory)
    party = Party.EMPLOYEE
    author_id = factory.LazyAttribute(_author_id)


class AnswerFactory(DjangoModelFactory[Answer]):
    class Meta:
        model = Answer

    preparation = factory.SubFactory(PreparationFactory)
    question = factory.LazyAttribute(
        lambda answer: answer.preparation.review.round.question_set.themes.first().questions.first()
    )
    text = ""


class MarkFactory(DjangoModelFactory[Mark]):
    """A mark on a catalogue competence (give ``competence``), or on one's own competence
    in an empty slot (give ``slot`` and ``name``)."""

    class Meta:
        model = Mark

    preparation = factory.SubFactory(PreparationFactory)
    competence = None
    slot = None
    level = "strong"


class FocusAreaFactory(DjangoModelFactory[FocusArea]):
    """Give a ``competence``, or the ``name`` of one's own."""

    class Meta:
        model = FocusArea

    review = factory.SubFactory(ReviewFactory)
    competence = None
    name = ""


class GoalFactory(DjangoModelFactory[Goal]):
    """A goal as first worded, accepted by neither (give ``accepted_by_…=1`` for agreed)."""

    class Meta:
        model = Goal

    review = factory.SubFactory(ReviewFactory)
    title = "Et udviklingsmål"
    wording = 1


class ReflectionFactory(DjangoModelFactory[Reflection]):
    class Meta:
        model = Reflection

    review = factory.SubFactory(ReviewFactory)
    party = Party.EMPLOYEE
    author_id = factory.LazyAttribute(_author_id)
