"""Fields for what people write: the rules every such text obeys, wherever it is saved.

A person types letters, digits, punctuation, line breaks and tabs. Other control
characters (NUL above all, which PostgreSQL cannot store in text) only arrive by
accident or on purpose, so they are refused with a message, never stored. A text's
``max_length`` is a rule of the model, not only of the form: a ``TextField`` alone
would let any length through a write that does not go through a form.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# On one line, line breaks and tabs are out of place too.
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")

MESSAGE = _(
    "The text contains control characters that cannot be saved (they sometimes come "
    "along when text is pasted). Remove them and try again."
)


def own_field(model: type[models.Model] | models.Model, name: str) -> models.Field:
    """A field of the model's own row by name (a column, or a foreign key), never a relation
    seen from the other side: what has a verbose name, a column and a ``clean()``."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is not a field of {model._meta.object_name}'s own")
    return field


def no_control_characters(value: str) -> None:
    if _CONTROL_IN_TEXT.search(value):
        raise ValidationError(MESSAGE, code="control_characters")


def no_control_characters_in_line(value: str) -> None:
    if _CONTROL_IN_LINE.search(value):
        raise ValidationError(MESSAGE, code="control_characters")


class WrittenText(models.TextField):
    """Text a person writes, over several lines; its ``max_length`` is enforced."""

    default_validators = [no_control_characters]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


class WrittenLine(models.CharField):
    """One line a person writes: a name, a title."""

    default_validators = [no_control_characters_in_line]
