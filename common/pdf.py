"""PDFs from templates, through WeasyPrint: the blank guide and the records of reviews.

Every PDF shares ``static/css/pdf.css`` (A4, margins, fonts, the page number box) and
renders offline: WeasyPrint may read local files and ``data:`` URLs but never fetches
over the network, so a PDF cannot leak a request to anyone or stall on a slow host.
"""

import gc
import logging
import re
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import weasyprint
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STYLESHEET = "css/pdf.css"
OFFLINE_PROTOCOLS = ("data", "file")

# Every PDF is tagged for screen readers (PDF/UA-1: its structure, reading order, language
# and title). A copy for the personnel file is also archival (PDF/A-3u, fonts embedded)
# and, as WeasyPrint names one variant only, says in its XMP that it is PDF/UA-1 as well.
ACCESSIBLE = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}
ARCHIVAL = {
    "pdf_variant": "pdf/a-3u",
    "pdf_tags": True,
    "xmp_metadata": [str(Path(__file__).with_name("pdfua_identification.xml"))],
}

# WeasyPrint reports each step of every layout at INFO, which would flood the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@cache
def _stylesheet_path() -> str:
    path = finders.find(STYLESHEET)
    if path is None:
        raise FileNotFoundError(f"The PDF stylesheet {STYLESHEET} is not among the static files.")
    return path


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def page_numbers_content() -> str:
    """The CSS ``content`` value "Page X of Y", in the active language."""
    # Translators see one sentence; the counters go where its placeholders stand,
    # so the order of the words stays theirs.
    sentence = gettext("Page %(page)s of %(pages)s")
    parts = []
    for index, chunk in enumerate(re.split(r"%\((pages?)\)s", sentence)):
        if index % 2:  # the name of a placeholder, which re.split() keeps
            parts.append(f"counter({chunk})")
        elif chunk:
            parts.append(_css_string(chunk.replace("%%", "%")))
    return " ".join(parts)


def render_pdf(
    request: HttpRequest | None, template_name: str, context: dict, archival: bool = False
) -> bytes:
    """The template rendered as HTML, then laid out as a PDF with the shared stylesheet;
    ``archival``: a copy for the personnel file (PDF/A-3u).

    Without a request (a management command) the template gets no request context and
    relative links have no base; the PDFs link to nothing, so nothing is lost.
    """
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request else None
    return html_to_pdf(html, base_url=base_url, archival=archival)


# Per thread: WeasyPrint's objects are not known to be safe to share between threads.
_per_thread = threading.local()


def _fetcher() -> URLFetcher:
    """The offline URL fetcher. Making one loads the system's certificates (it could fetch
    over HTTPS), tens of milliseconds: one per thread, kept."""
    if not hasattr(_per_thread, "fetcher"):
        _per_thread.fetcher = URLFetcher(allowed_protocols=OFFLINE_PROTOCOLS)
    return _per_thread.fetcher


def _fonts() -> FontConfiguration:
    """The fonts WeasyPrint lays out with. Making one asks fontconfig for every font on
    the machine, tens of milliseconds, and Pango keeps its shaped glyphs in it: one per
    thread, kept, so that the next PDF starts warm."""
    if not hasattr(_per_thread, "fonts"):
        _per_thread.fonts = FontConfiguration()
    return _per_thread.fonts


def stylesheets() -> list[weasyprint.CSS]:
    """The shared stylesheet and the page numbers in the active language, parsed.

    Parsed once per thread and language and kept: the stylesheet is a static file, which
    changes only with a new release, that is with new processes.
    """
    parsed: dict[str, list[weasyprint.CSS]] = _per_thread.__dict__.setdefault("stylesheets", {})
    language = translation.get_language()
    if language not in parsed:
        # The page numbers' words come from the translations, which a static file cannot hold.
        numbers = weasyprint.CSS(
            string=f"@page {{ @bottom-right {{ content: {page_numbers_content()}; }} }}",
            url_fetcher=_fetcher(),
            font_config=_fonts(),
        )
        parsed[language] = [
            weasyprint.CSS(
                filename=_stylesheet_path(), url_fetcher=_fetcher(), font_config=_fonts()
            ),
            numbers,
        ]
    return parsed[language]


def html_to_pdf(
    html: str,
    base_url: str | None = None,
    parsed: list[weasyprint.CSS] | None = None,
    archival: bool = False,
) -> bytes:
    """Lay out HTML already rendered: the slow part, which may run in another process."""
    content: bytes = weasyprint.HTML(
        string=html, base_url=base_url, url_fetcher=_fetcher()
    ).write_pdf(
        stylesheets=parsed or stylesheets(),
        font_config=_fonts(),
        **(ARCHIVAL if archival else ACCESSIBLE),
    )
    if gc.get_freeze_count():
        # A layout leaves tens of thousands of objects in cycles. In a server process that
        # froze what it loaded at start (mus.wsgi), collecting them now takes a few
        # milliseconds; left to pile up, they cost a full collection of a tenth of a
        # second every few PDFs, in whichever request it falls on.
        gc.collect()
    return content


def write_pdfs(documents: Iterable[tuple[str, str]], language: str) -> int:
    """Lay out each (HTML, path) and write it there, archival (for the personnel file);
    the count written.

    Meant for worker processes: it reads no database, so a worker needs only Django's
    settings (for the stylesheet and the translations), never a connection of its own.
    """
    written = 0
    with translation.override(language):
        parsed = stylesheets()
        for html, path in documents:
            Path(path).write_bytes(html_to_pdf(html, parsed=parsed, archival=True))
            written += 1
    return written


def pdf_response(content: bytes, filename: str, inline: bool = True) -> HttpResponse:
    """The PDF as a response: shown in the browser (inline) or saved (attachment)."""
    response = HttpResponse(content, content_type="application/pdf")
    # Quotes and non-ASCII letters in the name are encoded as RFC 6266 asks.
    disposition = content_disposition_header(not inline, filename)
    if disposition:  # None only for an inline PDF without a name
        response["Content-Disposition"] = disposition
    return response
