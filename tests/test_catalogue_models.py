"""Domain rules of the catalogue: frozen once in use, copied as a new version."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from competencies.models import Competence, FrozenError, Question, Statement
from reviews.factories import RoundFactory


def use_in_round(catalogue, question_set):
    return RoundFactory(
        name="MUS 2027",
        catalogue=catalogue,
        question_set=question_set,
        preparation_deadline=datetime.date(2027, 2, 1),
        talks_start=datetime.date(2027, 2, 15),
        talks_end=datetime.date(2027, 3, 31),
    )


def test_an_unused_catalogue_can_be_edited(kl_catalogue):
    faglighed = kl_catalogue.competences.get(position=1)
    faglighed.name = "Fagligheden"
    faglighed.save()
    assert Competence.objects.get(pk=faglighed.pk).name == "Fagligheden"


def test_a_catalogue_in_use_refuses_every_change(kl_catalogue, kl_questions):
    use_in_round(kl_catalogue, kl_questions)
    competence = kl_catalogue.competences.get(position=1)
    statement = competence.statements.first()
    question = Question.objects.filter(theme__question_set=kl_questions).first()

    for change in [
        lambda: setattr(kl_catalogue, "custom_slots", 5) or kl_catalogue.save(),
        lambda: setattr(competence, "name", "Andet") or competence.save(),
        lambda: setattr(statement, "text", "omformuleret") or statement.save(),
        lambda: Statement.objects.create(
            competence=competence, kind="meaning", position=99, text="x"
        ),
        statement.delete,
        lambda: setattr(question, "text", "omformuleret") or question.save(),
    ]:
        with pytest.raises(FrozenError):
            change()

    competence.refresh_from_db()
    statement.refresh_from_db()
    assert competence.name == "Faglighed"
    assert statement.text != "omformuleret"
    assert not Statement.objects.filter(position=99).exists()


def test_copy_as_new_version_copies_every_text_and_is_editable(kl_catalogue, kl_questions):
    use_in_round(kl_catalogue, kl_questions)

    copy = kl_catalogue.copy_as_new_version()

    assert (copy.name, copy.version, copy.previous_version) == ("KL MUS 2015", 2, kl_catalogue)
    assert not copy.is_in_use

    def texts(catalogue):
        return [
            (c.position, c.name, [(s.kind, s.position, s.text) for s in c.statements.all()])
            for c in catalogue.competences.prefetch_related("statements")
        ]

    assert texts(copy) == texts(kl_catalogue)
    assert list(copy.texts.values_list("kind", "position", "title", "text")) == list(
        kl_catalogue.texts.values_list("kind", "position", "title", "text")
    )
    first = copy.competences.get(position=1)
    first.name = "Faglighed og viden"
    first.save()  # the copy is not frozen


def test_question_set_copy_keeps_themes_and_questions_in_order(kl_questions):
    copy = kl_questions.copy_as_new_version()
    assert copy.version == 2
    original = [(t.title, [q.text for q in t.questions.all()]) for t in kl_questions.themes.all()]
    copied = [(t.title, [q.text for q in t.questions.all()]) for t in copy.themes.all()]
    assert copied == original
    assert sum(len(questions) for _, questions in copied) == 11


def test_two_competences_cannot_share_a_wheel_position(kl_catalogue):
    with pytest.raises(IntegrityError), transaction.atomic():
        Competence.objects.create(catalogue=kl_catalogue, position=1, name="Dublet")
    assert kl_catalogue.competences.count() == 8


def test_competence_exposes_its_statements_by_kind_without_extra_queries(
    kl_catalogue, django_assert_num_queries
):
    competences = list(kl_catalogue.competences.prefetch_related("statements"))
    with django_assert_num_queries(0):
        kommuner = competences[2]
        assert kommuner.name == "Kommuner"
        assert len(kommuner.meaning) == 7
        assert len(kommuner.positive_indicators) == 3
        assert len(kommuner.negative_indicators) == 4
