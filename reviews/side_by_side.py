"""The talk compares two views: each party's answers beside the other's, question by
question, and each party's own wheel beside the combined one. Only for whom
``ReviewAccess.can_see_comparison`` allows: the two, once the talk has begun."""

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from competencies.models import Question, Theme
from competencies.wheel import render_wheel, wheel_summary
from reviews.access import ReviewAccess
from reviews.comparison import ComparedRow, compare, symbols
from reviews.preparation import sheet_for


@dataclass(frozen=True)
class AnswerPair:
    question: Question
    employee: str
    manager: str


@dataclass(frozen=True)
class Views:
    """The two preparations laid side by side, read once for the whole page."""

    rows: list[ComparedRow]
    answers: list[tuple[Theme, list[AnswerPair]]]
    wheels: list[tuple[str, SafeString]]  # (whose, the wheel)


def views(access: ReviewAccess) -> Views:
    review, preparations = access.review, access.preparations
    employee = sheet_for(review, preparations.get("employee"))
    manager = sheet_for(review, preparations.get("manager"))
    manager_answers = {
        question.pk: answer.text if answer else ""
        for _theme, questions in manager.themes
        for question, answer in questions
    }
    answers = [
        (
            theme,
            [
                AnswerPair(
                    question, answer.text if answer else "", manager_answers.get(question.pk, "")
                )
                for question, answer in questions
            ],
        )
        for theme, questions in employee.themes
    ]
    letters = symbols()
    wheels = [
        (
            _("The employee’s wheel"),
            render_wheel(
                employee.teeth(letters["employee"], "employee"),
                title=_("The employee’s wheel: %(marks)s")
                % {"marks": wheel_summary(employee.rows)},
                title_id="wheel-employee-title",
            ),
        ),
        (
            _("The manager’s wheel"),
            render_wheel(
                manager.teeth(letters["manager"], "manager"),
                title=_("The manager’s wheel: %(marks)s") % {"marks": wheel_summary(manager.rows)},
                title_id="wheel-manager-title",
            ),
        ),
    ]
    return Views(compare(review, employee, manager), answers, wheels)
