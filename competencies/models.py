"""The catalogue: KL's competence wheel and inspiration questions, as HR edits them.

Catalogues and question sets are versioned. Once a round uses one, it is frozen,
so that nothing an employee marked or answered is ever reworded afterwards; HR
changes it by copying it as a new version.

Every model has a natural key, so the fixtures in ``fixtures/`` carry no database
ids and loading them again updates the same rows instead of adding new ones.
"""

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.db.models.base import ModelBase
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class FrozenError(ValidationError):
    """Raised when something tries to change a catalogue or question set in use."""


class FrozenWhenInUse(models.Model):
    """Refuses every change once the owning catalogue or question set is in use.

    Fixture loading saves with ``raw=True`` and passes: re-loading the shipped text
    into a catalogue in use writes the very same words again.
    """

    class Meta:
        abstract = True

    def frozen_owner(self) -> "Versioned":
        """The catalogue or question set this belongs to, which is or is not in use."""
        raise NotImplementedError

    def save_base(
        self,
        raw: bool = False,
        force_insert: bool | tuple[ModelBase, ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        if not raw:
            self.frozen_owner().check_not_in_use()
        super().save_base(raw, force_insert, force_update, using, update_fields)

    def delete(self, *args, **kwargs):
        self.frozen_owner().check_not_in_use()
        return super().delete(*args, **kwargs)


class Versioned(FrozenWhenInUse):
    """A name with numbered versions; frozen once a round uses it."""

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where the text comes from.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The rounds that use this version: reviews.Round's relation, on each concrete model.
    rounds: "RelatedManager[Any]"

    class Meta:
        abstract = True
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="%(app_label)s_%(class)s_name_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def natural_key(self):
        return (self.name, self.version)

    def frozen_owner(self) -> "Versioned":
        return self

    @property
    def is_in_use(self) -> bool:
        """True once any round uses this version (rounds live in the reviews app)."""
        return self.pk is not None and self.rounds.exists()

    def check_not_in_use(self):
        if self.is_in_use:
            raise FrozenError(
                _(
                    "“%(obj)s” is used by a round and can no longer be changed. "
                    "Copy it as a new version instead."
                ),
                code="frozen",
                params={"obj": self},
            )

    def next_version_number(self) -> int:
        latest = type(self)._default_manager.filter(name=self.name).aggregate(v=Max("version"))["v"]
        return (latest or 0) + 1


class VersionedManager(models.Manager):
    def get_by_natural_key(self, name, version):
        return self.get(name=name, version=version)


class Catalogue(Versioned):
    """A competence wheel with its texts: KL's 2015 booklet, or a general version."""

    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("What the material is and what it contains.")
    )
    wheel_introduction = models.TextField(
        _("about the wheel"), blank=True, help_text=_("How the competence wheel is used.")
    )
    competences_introduction = models.TextField(_("about the competences"), blank=True)
    custom_slots = models.PositiveSmallIntegerField(
        _("empty slots on the wheel"),
        default=2,
        help_text=_("How many competences of their own the employee and manager may add."),
    )

    objects = VersionedManager()

    class Meta(Versioned.Meta):
        verbose_name = _("catalogue")
        verbose_name_plural = _("catalogues")

    @transaction.atomic
    def copy_as_new_version(self) -> "Catalogue":
        """A full, editable copy of this catalogue under the next version number."""
        competences = list(self.competences.prefetch_related("statements"))
        texts = list(self.texts.all())
        copy = Catalogue.objects.create(
            name=self.name,
            version=self.next_version_number(),
            previous_version=self,
            source=self.source,
            introduction=self.introduction,
            wheel_introduction=self.wheel_introduction,
            competences_introduction=self.competences_introduction,
            custom_slots=self.custom_slots,
        )
        CatalogueText.objects.bulk_create(
            CatalogueText(
                catalogue=copy, kind=t.kind, position=t.position, title=t.title, text=t.text
            )
            for t in texts
        )
        for competence in competences:
            new = Competence.objects.create(
                catalogue=copy, position=competence.position, name=competence.name
            )
            Statement.objects.bulk_create(
                Statement(competence=new, kind=s.kind, position=s.position, text=s.text)
                for s in competence.statements.all()
            )
        return copy


class CatalogueTextManager(models.Manager):
    def get_by_natural_key(self, name, version, kind, position):
        return self.get(
            catalogue__name=name, catalogue__version=version, kind=kind, position=position
        )


class TextKind(models.TextChoices):
    PURPOSE = "purpose", _("Purpose (Formål)")
    TOPIC = "topic", _("MUS topic")
    HR_STRATEGY = "hr_strategy", _("HR strategy")
    MISSION = "mission", _("Mission")
    VISION = "vision", _("Vision")
    VALUE = "value", _("Organisational value")
    REFLECTION = "reflection", _("Reflection after MUS")


BOOKLET_ORDER = list(TextKind.values)


class CatalogueText(FrozenWhenInUse):
    """One item of the booklet's texts around the wheel, in the booklet's order."""

    Kind = TextKind

    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.CASCADE, related_name="texts", verbose_name=_("catalogue")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"))

    objects = CatalogueTextManager()

    class Meta:
        verbose_name = _("catalogue text")
        verbose_name_plural = _("catalogue texts")
        # In the booklet's order: purpose and topics first, reflections last.
        ordering = [
            "catalogue",
            models.Case(
                *(models.When(kind=kind, then=rank) for rank, kind in enumerate(BOOKLET_ORDER))
            ),
            "position",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "kind", "position"], name="catalogue_text_position_unique"
            )
        ]

    def __str__(self):
        return self.title or self.text[:60]

    def natural_key(self):
        return (*self.catalogue.natural_key(), self.kind, self.position)

    # Django reads the dependencies off the method; mypy knows no attributes of a function.
    natural_key.dependencies = ["competencies.catalogue"]  # type: ignore[attr-defined]

    def frozen_owner(self):
        return self.catalogue


class CompetenceManager(models.Manager):
    def get_by_natural_key(self, name, version, position):
        return self.get(catalogue__name=name, catalogue__version=version, position=position)


class Competence(FrozenWhenInUse):
    """One tooth of the wheel: a competence with what it means and its indicators."""

    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.CASCADE, related_name="competences", verbose_name=_("catalogue")
    )
    position = models.PositiveSmallIntegerField(
        _("position on the wheel"), help_text=_("Clockwise from the top, starting at 1.")
    )
    name = models.CharField(_("name"), max_length=100)

    objects = CompetenceManager()

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["catalogue", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "position"],
                name="competence_wheel_position_unique",
                violation_error_message=_("Two competences cannot share a position on the wheel."),
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.catalogue.natural_key(), self.position)

    # Django reads the dependencies off the method; mypy knows no attributes of a function.
    natural_key.dependencies = ["competencies.catalogue"]  # type: ignore[attr-defined]

    def frozen_owner(self):
        return self.catalogue

    def statements_of(self, kind: str) -> list["Statement"]:
        # Filters in Python so that a prefetched ``statements`` costs no query.
        return [s for s in self.statements.all() if s.kind == kind]

    @property
    def meaning(self):
        return self.statements_of(Statement.Kind.MEANING)

    @property
    def positive_indicators(self):
        return self.statements_of(Statement.Kind.POSITIVE)

    @property
    def negative_indicators(self):
        return self.statements_of(Statement.Kind.NEGATIVE)


class StatementManager(models.Manager):
    def get_by_natural_key(self, name, version, competence_position, kind, position):
        return self.get(
            competence__catalogue__name=name,
            competence__catalogue__version=version,
            competence__position=competence_position,
            kind=kind,
            position=position,
        )


class Statement(FrozenWhenInUse):
    """A bullet of a competence: what it means ("betyder, at …") or an indicator."""

    class Kind(models.TextChoices):
        MEANING = "meaning", _("means that …")
        POSITIVE = "positive", _("positive indicator")
        NEGATIVE = "negative", _("negative indicator")

    competence = models.ForeignKey(
        Competence,
        on_delete=models.CASCADE,
        related_name="statements",
        verbose_name=_("competence"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))

    objects = StatementManager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["competence", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["competence", "kind", "position"], name="statement_position_unique"
            )
        ]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (*self.competence.natural_key(), self.kind, self.position)

    # Django reads the dependencies off the method; mypy knows no attributes of a function.
    natural_key.dependencies = ["competencies.competence"]  # type: ignore[attr-defined]

    def frozen_owner(self):
        return self.competence.catalogue


class QuestionSet(Versioned):
    """Inspiration questions for the talk, grouped in themes."""

    introduction = models.TextField(_("introduction"), blank=True)

    objects = VersionedManager()

    class Meta(Versioned.Meta):
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")

    @property
    def introduction_on_screen(self) -> str:
        """The introduction for a web page: the booklet points to its wheel "(næste side)",
        which a page does not have; the printed guide keeps the words as they are."""
        return re.sub(r"\s*\(næste side\)", "", self.introduction)

    @transaction.atomic
    def copy_as_new_version(self) -> "QuestionSet":
        themes = list(self.themes.prefetch_related("questions"))
        copy = QuestionSet.objects.create(
            name=self.name,
            version=self.next_version_number(),
            previous_version=self,
            source=self.source,
            introduction=self.introduction,
        )
        for theme in themes:
            new = Theme.objects.create(
                question_set=copy, position=theme.position, title=theme.title
            )
            Question.objects.bulk_create(
                Question(theme=new, position=q.position, text=q.text) for q in theme.questions.all()
            )
        return copy


class ThemeManager(models.Manager):
    def get_by_natural_key(self, name, version, position):
        return self.get(question_set__name=name, question_set__version=version, position=position)


class Theme(FrozenWhenInUse):
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.CASCADE, related_name="themes", verbose_name=_("question set")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)

    objects = ThemeManager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["question_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question_set", "position"], name="theme_position_unique"
            )
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.question_set.natural_key(), self.position)

    # Django reads the dependencies off the method; mypy knows no attributes of a function.
    natural_key.dependencies = ["competencies.questionset"]  # type: ignore[attr-defined]

    def frozen_owner(self):
        return self.question_set


class QuestionManager(models.Manager):
    def get_by_natural_key(self, name, version, theme_position, position):
        return self.get(
            theme__question_set__name=name,
            theme__question_set__version=version,
            theme__position=theme_position,
            position=position,
        )


class Question(FrozenWhenInUse):
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="questions", verbose_name=_("theme")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("question"))

    objects = QuestionManager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["theme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "position"], name="question_position_unique")
        ]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (*self.theme.natural_key(), self.position)

    # Django reads the dependencies off the method; mypy knows no attributes of a function.
    natural_key.dependencies = ["competencies.theme"]  # type: ignore[attr-defined]

    def frozen_owner(self):
        return self.theme.question_set
