"""Rounds and reviews. A round is HR's yearly MUS cycle over a set of participants."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.models import Catalogue, QuestionSet


class Round(models.Model):
    class Mode(models.TextChoices):
        BOTH = "both", _("Both prepare")
        EMPLOYEE_ONLY = "employee", _("Only the employee prepares")
        NONE = "none", _("Nobody fills in; the wheel is inspiration only")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200, unique=True)
    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("catalogue"), on_delete=models.PROTECT, related_name="rounds"
    )
    question_set = models.ForeignKey(
        QuestionSet, verbose_name=_("question set"), on_delete=models.PROTECT, related_name="rounds"
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.BOTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    preparation_deadline = models.DateField(_("preparation deadline"))
    talks_start = models.DateField(_("talks from"))
    talks_end = models.DateField(_("talks until"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-talks_start", "name"]

    def __str__(self):
        return self.name
