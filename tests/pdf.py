"""A PDF read back in the tests, through poppler's pdftotext and pdfinfo: one way for all."""

import re
import subprocess
from functools import cached_property
from pathlib import Path


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


def _run(*command) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout
