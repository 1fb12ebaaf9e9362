"""Names in the reader's alphabetical order: in Danish æ, ø, å come after z, and "Aa" is å.

One way for every list: ``Localised("user__first_name")`` in an ``order_by`` or a model's
``Meta.ordering`` sorts in the database with the active language's collation. PostgreSQL
has them built in (ICU's ``da-x-icu`` and ``en-x-icu``); on SQLite the same two names are
registered on each connection with the Python keys below, which follow ICU's rules.
"""

import functools
import unicodedata
from collections.abc import Callable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F
from django.db.models.functions import Collate
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import get_language

COLLATIONS = {"da": "da-x-icu", "en": "en-x-icu"}

DANISH_ALPHABET = "abcdefghijklmnopqrstuvwxyzæøå"
# Letters Danish sorts as another letter (ICU's da rules): ä as æ, ö as ø, ü as y.
DANISH_AS = {"ä": "æ", "ö": "ø", "ü": "y", "ő": "ø", "ű": "y"}
ENGLISH_AS = {"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l"}


def collation_name() -> str:
    return COLLATIONS.get((get_language() or "da")[:2], COLLATIONS["da"])


class Localised(Collate):
    """A field sorted by the collation of the language active when the query runs."""

    def __init__(self, field: str):
        super().__init__(F(field), COLLATIONS["da"])

    @classmethod
    def each(cls, *fields: str) -> list["Localised"]:
        return [cls(field) for field in fields]

    # Collate.as_sql takes no function, template or arg_joiner, unlike Func's; django-stubs'
    # own Collate ignores the override too.
    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        extra_context["collation"] = connection.ops.quote_name(collation_name())
        return super().as_sql(compiler, connection, **extra_context)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _rank(char: str, alphabet: str) -> tuple[int, int]:
    # Spaces and punctuation before digits before letters, as ICU's default does.
    if char in alphabet:
        return (2, alphabet.index(char))
    if char.isdigit():
        return (1, int(char) if char.isascii() else 0)
    return (0, ord(char))


# SQLite compares through these in Python, each comparison two keys: a sort of a few
# hundred department names makes thousands. Names repeat; the keys are pure.
@functools.lru_cache(maxsize=16384)
def danish_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    folded = unicodedata.normalize("NFC", text.casefold()).replace("aa", "å")
    letters = "".join(DANISH_AS.get(c, c) for c in folded)
    letters = "".join(c if c in DANISH_ALPHABET else _strip_accents(c) for c in letters)
    primary = tuple(_rank(c, DANISH_ALPHABET) for c in letters)
    return primary, tuple(0 if c.isupper() else 1 for c in text)  # Danish: upper case first


@functools.lru_cache(maxsize=16384)
def english_key(
    text: str,
) -> tuple[tuple[tuple[int, int], ...], str, tuple[int, ...]]:
    folded = "".join(ENGLISH_AS.get(c, c) for c in text.casefold())
    primary = tuple(_rank(c, DANISH_ALPHABET[:26]) for c in _strip_accents(folded))
    return primary, _strip_accents(folded), tuple(0 if c.islower() else 1 for c in text)


# A key orders like the reader's alphabet: compared as tuples, never looked into.
type SortKey = tuple[Any, ...]

KEYS: dict[str, Callable[[str], SortKey]] = {"da-x-icu": danish_key, "en-x-icu": english_key}


def sort_key(text: str) -> SortKey:
    """The active language's order, for lists sorted in Python."""
    return KEYS[collation_name()](text)


def _comparison(key: Callable[[str], SortKey]) -> Callable[[str, str], int]:
    def compare(a: str, b: str) -> int:
        ka, kb = key(a), key(b)
        return (ka > kb) - (ka < kb)

    return compare


def register_sqlite_collations(
    sender: type[BaseDatabaseWrapper], connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    """connection_created: SQLite learns the collations PostgreSQL has from ICU."""
    if connection.vendor == "sqlite":
        for name, key in KEYS.items():
            connection.connection.create_collation(name, _comparison(key))
