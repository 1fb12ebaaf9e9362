"""Helpers for Playwright journeys: log in as a persona, check axe, keep screenshots."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WIDTHS = {"phone": 360, "tablet": 820, "laptop": 1366, "projector": 1920}

_axe = Axe()

# A loaded two-core CI machine runs the app, Chromium and the other tests at once.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def assert_accessible(page):
    """Zero axe-core violations (WCAG 2.1 A and AA rules) on the page as it is now."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    assert results.violations_count == 0, results.generate_report()


def screenshot(page, name: str):
    """Save a full-page screenshot under artifacts/ (kept out of git) to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def log_in(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()


WEIGHTS = Path(__file__).resolve().parents[2] / "artifacts" / "page-weight"
_asset_sizes: dict[str, int] = {}


def page_weight(page) -> dict[str, int]:
    """The bytes of the page's HTML and of the stylesheets and scripts it loads (uncompressed)."""
    html = page.evaluate("performance.getEntriesByType('navigation')[0].decodedBodySize")
    sizes = {"html": html, "css": 0, "js": 0}
    assets = page.evaluate(
        """() => [
          ...[...document.querySelectorAll('link[rel=stylesheet]')].map(l => ['css', l.href]),
          ...[...document.querySelectorAll('script[src]')].map(s => ['js', s.src]),
        ]"""
    )
    for kind, url in assets:
        if url not in _asset_sizes:
            _asset_sizes[url] = len(page.request.get(url).body())
        sizes[kind] += _asset_sizes[url]
    return sizes


def write_weights(name: str, rows: list[tuple[str, dict[str, int]]]):
    """One table per sweep in artifacts/page-weight/ (out of git); `make pageweight` shows them."""
    WEIGHTS.mkdir(parents=True, exist_ok=True)
    lines = [f"{s['html']}\t{s['css']}\t{s['js']}\t{sum(s.values())}\t{label}" for label, s in rows]
    (WEIGHTS / f"{name}.tsv").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Danish municipality's browser: date pickers show dd.mm.åååå.
    return {**browser_context_args, "locale": "da-DK"}
