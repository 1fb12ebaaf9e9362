"""The independent checkers the tests run over MUS's pages, beside axe-core.

- The W3C Nu Html Checker (vnu.jar, run with Java) validates HTML as served.
- pa11y with HTML_CodeSniffer at WCAG2AA checks the pages in Debian's Chromium.

Both come from the npm registry into tests/validators/node_modules (``npm ci`` there;
``make test`` and CI do it). A missing checker fails the test that needs it, saying how
to install it: these checks are never skipped for want of a tool (only by
MUS_VALIDATE_HTML=0, below).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent / "validators"
VNU = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PA11Y = HERE / "pa11y_check.js"
INSTALL = "cd tests/validators && npm ci (with node, npm and java on the machine)"
# CI runs the suite twice, on SQLite and on PostgreSQL. The HTML is the same on both, so
# its second run sets MUS_VALIDATE_HTML=0 and leaves the two checkers to the first (axe
# still runs on every page in both): it saves CI about five minutes.
CHECKERS_ON = os.environ.get("MUS_VALIDATE_HTML", "1") != "0"


def _require(path: Path, program: str) -> None:
    if not path.exists() or shutil.which(program) is None:
        raise AssertionError(f"{path.name} or {program} is missing: {INSTALL}")


def vnu(files: list[Path]) -> list[str]:
    """The Nu Html Checker's errors in the files, as "file:line: message"."""
    if not CHECKERS_ON:
        return []
    _require(VNU, "java")
    if not files:
        return []
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
    )
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


def pa11y(pages: list[tuple[str, str]]) -> dict[str, list[dict]]:
    """pa11y's issues per URL, for (url, cookie header) pairs; errors and warnings."""
    if not CHECKERS_ON:
        return {}
    _require(PA11Y.parent / "node_modules" / "pa11y", "node")
    payload = json.dumps([{"url": url, "cookie": cookie} for url, cookie in pages])
    done = subprocess.run(
        ["node", str(PA11Y)], input=payload, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise AssertionError(f"pa11y failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


WARNINGS = Path(__file__).resolve().parents[1] / "artifacts" / "pa11y-warnings.jsonl"


def note_warning(persona: str, url: str, issue: dict) -> None:
    """pa11y's warnings, kept to review (docs/accessibility.md lists those that stand)."""
    WARNINGS.parent.mkdir(parents=True, exist_ok=True)
    with WARNINGS.open("a") as out:
        out.write(json.dumps({"persona": persona, "url": url, **issue}) + "\n")
