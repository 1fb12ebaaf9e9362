"""The catalogue fixtures carry the seed documents' Danish text verbatim.

This is an independent check, not a copy of the fixtures: it parses the seed text
files itself (by their headings and bullet markers), builds the expected lists of
bullets and questions, and compares them item by item, in order, with what the
fixtures hold, both as raw JSON and after ``loaddata`` through the models.

Seeds (in ``docs/sources/``, see its README): ``002_…`` is KL's booklet "MUS 2015 -
Inspiration til samtalen" (authoritative for ``kl_2015.json``), ``000_…`` is the article
with the general version (authoritative for ``general.json``).
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from competencies.models import (
    Catalogue,
    CatalogueText,
    Competence,
    Question,
    QuestionSet,
    Statement,
    Theme,
)

KL_SEED = "002_87c538ba1300eb50.txt"
GENERAL_SEED = "000_9bc39be6371c194e.txt"
FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
KL_FIXTURE = FIXTURES_DIR / "kl_2015.json"
GENERAL_FIXTURE = FIXTURES_DIR / "general.json"

KL_NAME = "KL MUS 2015"
GENERAL_NAME = "Generel"

EN_DASH = "\u2013"
BULLET = re.compile(r"^[ \t]*\u2022", re.MULTILINE)
NUMBERED = re.compile(r"^[ \t]*(\d+)\.[ \t]", re.MULTILINE)
COMPETENCE_HEADING = re.compile(r"^([A-ZÆØÅ]+) betyder, at ?\.\.\.[ \t]*$", re.MULTILINE)
TEXT_KINDS = [kind for kind, _label in CatalogueText.Kind.choices]
STATEMENT_KINDS = [kind for kind, _label in Statement.Kind.choices]


# --- Reading and normalising the seeds ---------------------------------------------------


def read_seed(filename: str) -> str:
    """The seed's text. The seeds travel with the repository (docs/sources/), so a missing
    one is a failure, never a skip: the check must not fall silent on a fresh clone."""
    seeds_dir = Path(settings.SEEDS_DIR)
    path = seeds_dir / filename
    if not path.is_file():
        pytest.fail(f"seed document {path} not found (settings.SEEDS_DIR = {seeds_dir})")
    # The article uses no-break spaces here and there; they are ordinary spaces in the text.
    return path.read_text(encoding="utf-8").replace("\u00a0", " ")


def unwrap(block: str) -> str:
    """One item or paragraph as printed, with the PDF's line breaks undone.

    A word broken with a hyphen at the end of a line ("opgaveløs-" / "ningen") is joined
    without the hyphen, even across the blank lines the text layer sometimes inserts;
    "kontor/" / "enhed/organisation" is joined as is; any other line break is a space.
    """
    text = re.sub(r"(\w)-[ \t]*\n\s*", r"\1", block)
    text = re.sub(r"/[ \t]*\n\s*", "/", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def paragraphs(block: str) -> str:
    """A run of paragraphs (separated by blank lines), unwrapped and joined by a blank line."""
    return "\n\n".join(unwrap(p) for p in re.split(r"\n[ \t]*\n", block) if p.strip())


def section(text: str, start: str, end: str | None = None, *, keep_start=False) -> str:
    """The text after the first ``start`` up to the next ``end`` (or the end of the text)."""
    assert start in text, f"seed heading/anchor not found: {start!r}"
    begin = text.index(start) + (0 if keep_start else len(start))
    if end is None:
        return text[begin:]
    assert end in text[begin:], f"seed anchor {end!r} not found after {start!r}"
    return text[begin : text.index(end, begin)]


def split_items(block: str, marker: re.Pattern) -> list[str]:
    """The bullets (or numbered questions) of a block, without their markers.

    Everything up to the next marker belongs to the item: the text layer breaks long
    bullets over several lines, sometimes with blank lines in between.
    """
    before, *items = marker.split(block)
    assert not before.strip(), f"unexpected text before the first item: {before!r}"
    if marker.groups:  # numbered: split() also returns the numbers, check they run 1, 2, …
        numbers, items = items[0::2], items[1::2]
        assert [int(n) for n in numbers] == list(range(1, len(numbers) + 1)), numbers
    return [unwrap(item) for item in items]


def bullets(block: str) -> list[str]:
    return split_items(block, BULLET)


def themes_in(block: str) -> list[tuple[str, list[str]]]:
    """(heading, questions) for each theme: a heading is the line just before a "1." line."""
    lines = block.splitlines()
    numbered = [bool(NUMBERED.match(line)) for line in lines]
    headings = []
    for i, line in enumerate(lines):
        following = [j for j in range(i + 1, len(lines)) if lines[j].strip()]
        if (
            line.strip()
            and not numbered[i]
            and following
            and lines[following[0]].lstrip()[:2] == "1."
        ):
            headings.append(i)
    themes = []
    for n, i in enumerate(headings):
        stop = headings[n + 1] if n + 1 < len(headings) else len(lines)
        questions = "\n".join(lines[i + 1 : stop])
        themes.append((lines[i].strip(), split_items(questions, NUMBERED)))
    return themes


def competences_in(text: str, stop_at: tuple[str, ...]) -> list[tuple[str, dict[str, list]]]:
    """(NAME, {kind: bullets}) for each "NAME betyder, at ..." heading, in the seed's order.

    A competence runs to the next competence heading; ``stop_at`` are the headings of
    boxes (KL's mission, the reflections, the article's footer) that end one earlier.
    """
    headings = list(COMPETENCE_HEADING.finditer(text))
    result = []
    for n, heading in enumerate(headings):
        stop = headings[n + 1].start() if n + 1 < len(headings) else len(text)
        body = text[heading.end() : stop]
        for marker in stop_at:
            body = body.split(marker, 1)[0]
        meaning, _, indicators = body.partition("Positive indikatorer:")
        positive, _, negative = indicators.partition("Negative indikatorer:")
        result.append(
            (
                heading.group(1),
                {
                    "meaning": bullets(meaning),
                    "positive": bullets(positive),
                    "negative": bullets(negative),
                },
            )
        )
    return result


def repair_kl_columns(text: str) -> tuple[str, str]:
    """Undo the one column interleave of the KL text layer; returns (text, HR-strategy box).

    The wheel paragraph breaks off at "medbring det udfyldte kompeten-"; the text layer
    then prints the "KL'S HR-STRATEGI" box and a stray "Kompetencehjulet" heading before
    the paragraph goes on with "cehjul til MUS'en." Cut the box out so the word rejoins.
    """
    head, rest = text.split("KL'S HR-STRATEGI", 1)
    box, tail = rest.split("\nKompetencehjulet\n", 1)
    assert head.rstrip().endswith("kompeten-"), "the KL column interleave has moved"
    return head.rstrip() + "\n" + tail, box


# --- What the seeds say --------------------------------------------------------------------


@dataclass
class CatalogueContent:
    """A catalogue and its question set, in the same shape from seed, JSON and database."""

    introduction: str = ""
    wheel_introduction: str = ""
    competences_introduction: str = ""
    texts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # kind → (title, text)
    competences: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    question_introduction: str = ""
    themes: list[tuple[str, list[str]]] = field(default_factory=list)


def untitled(items: list[str]) -> list[tuple[str, str]]:
    return [("", item) for item in items]


def kl_from_seed(raw: str) -> CatalogueContent:
    text, hr_box = repair_kl_columns(raw)
    # "Inspirationsspørgsmålene nedenfor … chef." and "Men brug også gerne …" are one text
    # that the "MUS er en velforberedt samtale" box (the MUS topics) cuts in two.
    question_intro = " ".join(
        [
            unwrap(
                section(text, "Inspirationsspørgsmålene nedenfor", "MUS er en", keep_start=True)
            ),
            unwrap(section(text, "Men brug også gerne", "Kompetencehjulet skal", keep_start=True)),
        ]
    )
    overtime = "Overvejelser på lidt længere sigt"
    keep = "Pointer til fastholdelse"
    return CatalogueContent(
        # Only the opening sentence: the contents list after it describes the booklet's pages.
        introduction=unwrap(section(text, "MUS 2015\n", "Følgende indgår i materialet:")),
        wheel_introduction=paragraphs(
            section(
                text, "Kompetencehjulet skal understøtte", "KL's otte kompetencer", keep_start=True
            )
        ),
        competences_introduction=paragraphs(
            # "\n": the contents list at the top names the section too, after a bullet.
            section(text, "\nKL's otte kompetencer", "FAGLIGHED betyder")
        ),
        texts={
            "purpose": untitled(bullets(section(text, "FORMÅL", f"Samtalen {EN_DASH}"))),
            "topic": untitled(bullets(section(text, "peger fremad, om:", "Men brug også gerne"))),
            "reflection": [
                (keep, unwrap(section(text, f"\n{keep}\n", f"\n{overtime}\n"))),
                (overtime, unwrap(section(text, f"\n{overtime}\n"))),
            ],
            "hr_strategy": untitled(bullets(hr_box)),
            "mission": [("", unwrap(section(text, "KL'S MISSION", "KL'S GRUNDLÆGGENDE VISION")))],
            "vision": [("", unwrap(section(text, "KL'S GRUNDLÆGGENDE VISION", "3 GRUNDLÆGGENDE")))],
            "value": untitled(bullets(section(text, "ORGANISATIONSVÆRDIER", "HELHED betyder"))),
        },
        competences=competences_in(text, stop_at=("KL'S MISSION", "Refleksioner efter MUS")),
        question_introduction=question_intro,
        themes=themes_in(
            section(text, f"Samtalen {EN_DASH} Inspirationsspørgsmål", "Inspirationsspørgsmålene")
        ),
    )


def general_from_seed(text: str) -> CatalogueContent:
    intro = next(p for p in re.split(r"\n\s*\n", text) if p.startswith("KL har udviklet"))
    return CatalogueContent(
        introduction=unwrap(intro),
        wheel_introduction=paragraphs(
            section(
                text,
                "Kompetencehjulet skal understøtte",
                "Hvad kompetencerne betyder",
                keep_start=True,
            )
        ),
        competences_introduction="",
        texts={},
        competences=competences_in(text, stop_at=("Artiklen er skrevet",)),
        question_introduction=unwrap(
            section(text, "Inspirationsspørgsmål til medarbejderen:", "Tilbageblik og feedback")
        ),
        themes=themes_in(
            section(text, "Inspirationsspørgsmål til medarbejderen:", "\nKompetencehjulet\n")
        ),
    )


# --- What the fixtures say -----------------------------------------------------------------


def by_position(rows: list[dict], what: str) -> list[dict]:
    """Rows sorted by position, after checking the positions run 1, 2, 3, … without gaps."""
    rows = sorted(rows, key=lambda r: r["position"])
    assert [r["position"] for r in rows] == list(range(1, len(rows) + 1)), f"positions of {what}"
    return rows


def content_from_json(path: Path, name: str) -> CatalogueContent:
    objects = json.loads(path.read_text(encoding="utf-8"))

    def rows(model, **match):
        return [
            o["fields"]
            for o in objects
            if o["model"] == f"competencies.{model}"
            and all(o["fields"][k] == v for k, v in match.items())
        ]

    key = [name, 1]
    (catalogue,) = rows("catalogue", name=name, version=1)
    (question_set,) = rows("questionset", name=name, version=1)
    competences = []
    for c in by_position(rows("competence", catalogue=key), "competences"):
        statements = {
            kind: [
                s["text"]
                for s in by_position(
                    rows("statement", competence=[*key, c["position"]], kind=kind), c["name"]
                )
            ]
            for kind in STATEMENT_KINDS
        }
        competences.append((c["name"], statements))
    themes = [
        (
            t["title"],
            [
                q["text"]
                for q in by_position(rows("question", theme=[*key, t["position"]]), t["title"])
            ],
        )
        for t in by_position(rows("theme", question_set=key), "themes")
    ]
    texts = {
        kind: [
            (t["title"], t["text"])
            for t in by_position(rows("cataloguetext", catalogue=key, kind=kind), kind)
        ]
        for kind in TEXT_KINDS
    }
    return CatalogueContent(
        introduction=catalogue["introduction"],
        wheel_introduction=catalogue["wheel_introduction"],
        competences_introduction=catalogue["competences_introduction"],
        texts={kind: items for kind, items in texts.items() if items},
        competences=competences,
        question_introduction=question_set["introduction"],
        themes=themes,
    )


def content_from_db(name: str) -> CatalogueContent:
    catalogue = Catalogue.objects.get_by_natural_key(name, 1)
    question_set = QuestionSet.objects.get_by_natural_key(name, 1)

    def listed(queryset, what):
        rows = list(queryset.order_by("position"))
        assert [r.position for r in rows] == list(range(1, len(rows) + 1)), f"positions of {what}"
        return rows

    texts = {
        kind: [(t.title, t.text) for t in listed(catalogue.texts.filter(kind=kind), kind)]
        for kind in TEXT_KINDS
    }
    return CatalogueContent(
        introduction=catalogue.introduction,
        wheel_introduction=catalogue.wheel_introduction,
        competences_introduction=catalogue.competences_introduction,
        texts={kind: items for kind, items in texts.items() if items},
        competences=[
            (
                c.name,
                {
                    kind: [s.text for s in listed(c.statements.filter(kind=kind), c.name)]
                    for kind in STATEMENT_KINDS
                },
            )
            for c in listed(catalogue.competences.all(), "competences")
        ],
        question_introduction=question_set.introduction,
        themes=[
            (t.title, [q.text for q in listed(t.questions.all(), t.title)])
            for t in listed(question_set.themes.all(), "themes")
        ],
    )


# --- Comparing ----------------------------------------------------------------------------


def assert_same_items(actual: list, expected: list, where: str):
    """Item by item, so a failure names the first missing, extra, moved or altered item."""
    for i, (a, e) in enumerate(zip(actual, expected, strict=False), start=1):
        assert a == e, f"{where}, item {i} differs from the seed:\n fixture: {a!r}\n seed:    {e!r}"
    assert len(actual) == len(expected), (
        f"{where}: fixture has {len(actual)} items, seed has {len(expected)}; "
        f"extra in fixture: {actual[len(expected) :]!r}, missing: {expected[len(actual) :]!r}"
    )


def assert_matches_seed(actual: CatalogueContent, expected: CatalogueContent):
    assert actual.introduction == expected.introduction
    assert actual.wheel_introduction == expected.wheel_introduction
    assert actual.competences_introduction == expected.competences_introduction
    assert actual.question_introduction == expected.question_introduction

    assert sorted(actual.texts) == sorted(expected.texts), "kinds of catalogue texts"
    for kind, items in expected.texts.items():
        assert_same_items(actual.texts[kind], items, f"catalogue texts {kind!r}")

    # The seeds print competence and theme names in capitals; the fixtures in sentence case.
    assert_same_items(
        [name.casefold() for name, _ in actual.competences],
        [name.casefold() for name, _ in expected.competences],
        "competences",
    )
    for (name, statements), (_, seed_statements) in zip(
        actual.competences, expected.competences, strict=True
    ):
        assert name == name.capitalize(), f"competence name {name!r} is not in sentence case"
        for kind in STATEMENT_KINDS:
            assert_same_items(statements[kind], seed_statements[kind], f"{name}: {kind}")

    assert_same_items(
        [title.casefold() for title, _ in actual.themes],
        [title.casefold() for title, _ in expected.themes],
        "themes",
    )
    for (title, questions), (_, seed_questions) in zip(actual.themes, expected.themes, strict=True):
        assert title == title.capitalize(), f"theme title {title!r} is not in sentence case"
        assert_same_items(questions, seed_questions, f"theme {title!r}")


def all_texts(content: CatalogueContent) -> list[str]:
    """Every stored text, paragraph by paragraph, except the question set's introduction."""
    texts = [content.introduction, content.wheel_introduction, content.competences_introduction]
    texts += [t for items in content.texts.values() for pair in items for t in pair]
    texts += [
        s for _, statements in content.competences for items in statements.values() for s in items
    ]
    texts += [q for _, questions in content.themes for q in questions]
    return [p for t in texts for p in t.split("\n\n") if p]


# --- Fixtures -----------------------------------------------------------------------------

CATALOGUES = {
    "kl": (KL_SEED, KL_FIXTURE, KL_NAME, kl_from_seed),
    "general": (GENERAL_SEED, GENERAL_FIXTURE, GENERAL_NAME, general_from_seed),
}


@pytest.fixture(params=sorted(CATALOGUES))
def catalogue(request):
    """(key, seed text, expected content, fixture path, name) for each catalogue."""
    seed, path, name, parse = CATALOGUES[request.param]
    raw = read_seed(seed)
    return request.param, raw, parse(raw), path, name


@pytest.fixture(params=["json", "db"])
def stored(request, catalogue):
    """The fixture's content read straight from the JSON, or loaded and read via the models."""
    _key, _raw, expected, path, name = catalogue
    if request.param == "json":
        return expected, content_from_json(path, name)
    request.getfixturevalue("db")
    call_command("loaddata", str(path), verbosity=0)
    return expected, content_from_db(name)


# --- Tests --------------------------------------------------------------------------------


def test_seed_parses_to_expected_counts():
    """Guards the parser itself: if a heading moved, the counts would no longer add up."""
    kl = kl_from_seed(read_seed(KL_SEED))
    assert len(kl.competences) == 8
    assert [len(q) for _, q in kl.themes] == [5, 4, 2]
    assert len(kl.texts["topic"]) == 6
    assert len(kl.texts["reflection"]) == 2
    assert len(kl.texts["purpose"]) == 2
    assert len(kl.texts["hr_strategy"]) == 4
    assert len(kl.texts["value"]) == 3
    assert all(
        statements["positive"] and statements["negative"] for _, statements in kl.competences
    )

    general = general_from_seed(read_seed(GENERAL_SEED))
    assert len(general.competences) == 8
    assert [len(q) for _, q in general.themes] == [4, 4, 3]
    assert not any(s["positive"] or s["negative"] for _, s in general.competences)


def test_fixture_matches_seed(stored):
    expected, actual = stored
    assert_matches_seed(actual, expected)


def test_counts(stored):
    _, actual = stored
    assert len(actual.competences) == 8
    assert len(actual.themes) == 3
    assert sum(len(questions) for _, questions in actual.themes) == 11
    if actual.texts:  # the KL booklet; the general article has no texts around the wheel
        assert len(actual.texts["topic"]) == 6
        assert len(actual.texts["reflection"]) == 2


def test_every_text_is_verbatim_in_seed(catalogue):
    """A second, coarser net: each stored paragraph occurs word for word in the seed."""
    key, raw, _, path, name = catalogue
    if key == "kl":
        text, hr_box = repair_kl_columns(raw)
        seed_text = f"{text}\n\n{hr_box}"
    else:
        seed_text = raw
    # Undo line breaks and markers on the whole seed, so any stored text is a substring.
    flat = unwrap(BULLET.sub(" ", seed_text))
    for text in all_texts(content_from_json(path, name)):
        assert text in flat, f"not found verbatim in the seed: {text!r}"


def test_question_introduction_is_verbatim_in_seed(catalogue):
    key, raw, _, path, name = catalogue
    flat = unwrap(raw)
    intro = content_from_json(path, name).question_introduction
    # KL's text is interrupted by the MUS-topics box (see kl_from_seed): check each half.
    halves = re.split(r"(?<=\.) (?=Men brug)", intro) if key == "kl" else [intro]
    assert all(half in flat for half in halves), intro


def test_fixtures_use_natural_keys_only():
    for path in (KL_FIXTURE, GENERAL_FIXTURE):
        for obj in json.loads(path.read_text(encoding="utf-8")):
            assert "pk" not in obj, f"{path.name}: {obj['model']} has a pk"
            for field_name in ("catalogue", "competence", "question_set", "theme"):
                if field_name in obj["fields"]:
                    assert isinstance(obj["fields"][field_name], list), (path.name, obj)
            if obj["model"] in ("competencies.catalogue", "competencies.questionset"):
                assert obj["fields"]["previous_version"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("path", [KL_FIXTURE, GENERAL_FIXTURE], ids=lambda p: p.stem)
def test_loading_twice_adds_nothing(path):
    """Natural keys make loaddata update the same rows instead of adding new ones."""
    models = [Catalogue, CatalogueText, Competence, Statement, QuestionSet, Theme, Question]
    in_file = json.loads(path.read_text(encoding="utf-8"))

    call_command("loaddata", str(path), verbosity=0)
    once = {m: m.objects.count() for m in models}
    call_command("loaddata", str(path), verbosity=0)
    twice = {m: m.objects.count() for m in models}

    assert once == twice
    assert sum(once.values()) == len(in_file)
