"""A PDF read back in the tests, through poppler's pdftotext and pdfinfo (its text and
pages) and pikepdf (its structure: tags, language, metadata): one way for all."""

import re
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pikepdf


def squeeze(text: str) -> str:
    """Without whitespace and hyphens: where the PDF broke a line does not count.

    pdftotext joins a line broken after a hyphen ("KL-" / "løsninger") without the
    hyphen, so hyphens go on both sides; en dashes stay and are compared.
    """
    return "".join(text.split()).replace("-", "")


class Pdf:
    """A PDF's text and pages, each read once when first asked for.

    ``text`` keeps each page's lines as drawn (``pdftotext -layout``): good for headings,
    footers and tables, but it interleaves columns line by line. ``flow`` reads each
    column as a block (the default mode): good for running text verbatim.
    ``"words" in pdf`` looks in ``text``, ``pdf.flows("words")`` in ``flow``, both
    whatever the line breaks.
    """

    def __init__(self, path: Path, content: bytes | None = None):
        """The PDF in ``path``, written there first if its ``content`` is given."""
        if content is not None:
            path.write_bytes(content)
        self.path = path

    @cached_property
    def text(self) -> str:
        return _run("pdftotext", "-layout", self.path, "-")

    @cached_property
    def flow(self) -> str:
        return _run("pdftotext", self.path, "-")

    @cached_property
    def info(self) -> str:
        return _run("pdfinfo", self.path)

    def lines(self) -> str:
        """``text`` on one line, every run of whitespace a single space."""
        return " ".join(self.text.split())

    def __contains__(self, text: str) -> bool:
        return squeeze(text) in squeeze(self.text)

    def flows(self, text: str) -> bool:
        return squeeze(text) in squeeze(self.flow)

    @property
    def pages(self) -> int:
        return int(re.search(r"^Pages:\s+(\d+)", self.info, re.MULTILINE)[1])

    @property
    def page_size(self) -> tuple[float, float]:
        match = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", self.info, re.MULTILINE)
        return float(match[1]), float(match[2])

    @cached_property
    def catalog(self) -> dict:
        """The document catalogue's entries a reader and an archive look at."""
        with pikepdf.open(self.path) as pdf:
            root = pdf.Root
            return {
                "lang": str(root.get("/Lang", "")),
                "marked": bool(root.get("/MarkInfo", {}).get("/Marked", False)),
                "display_title": bool(
                    root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)
                ),
                "output_intents": len(root.get("/OutputIntents", [])),
                "xmp": root.Metadata.read_bytes().decode() if "/Metadata" in root else "",
                "title": str(pdf.docinfo.get("/Title", "")),
                "fonts_embedded": _fonts_embedded(pdf),
            }

    @cached_property
    def tags(self) -> "Tag":
        """The structure tree (what a screen reader reads), from its root element."""
        with pikepdf.open(self.path) as pdf:
            if "/StructTreeRoot" not in pdf.Root:
                return Tag("")
            return _tag(pdf.Root.StructTreeRoot, "")


@dataclass
class Tag:
    """One element of a PDF's structure tree: its type (H1, P, Table …), its
    alternative text, and the elements in it, in reading order."""

    kind: str
    alt: str = ""
    children: list["Tag"] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def kinds(self) -> list[str]:
        return [tag.kind for tag in self.walk()]


def _tag(element, kind: str) -> Tag:
    tag = Tag(kind, str(element.get("/Alt", "")))
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            tag.children.append(_tag(kid, str(kid.S)[1:]))
    return tag


def _fonts_embedded(pdf: pikepdf.Pdf) -> bool:
    """Whether every font the pages use carries its glyphs (PDF/A asks it)."""
    fonts = [
        font for page in pdf.pages for font in page.get("/Resources", {}).get("/Font", {}).values()
    ]
    descriptors = [
        descendant.get("/FontDescriptor")
        for font in fonts
        for descendant in (font.get("/DescendantFonts") or [font])
    ]
    return bool(descriptors) and all(
        d is not None and any(key in d for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        for d in descriptors
    )


def _run(*command) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout
