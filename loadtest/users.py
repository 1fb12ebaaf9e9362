"""Simulated people: employees preparing (autosaving answers, marking competences) and
managers comparing (dashboard, the talk's comparison). Plain threads over loopback.

Every request is recorded (what, when, how long, the outcome); every save the server
acknowledged with its new version, and every save attempted, is recorded for the check
afterwards.
"""

import http.cookiejar
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from loadtest.check import Request, Save

TIMEOUT = 15  # seconds before a request counts as failed


@dataclass
class Journal:
    """What all users did, shared between their threads."""

    requests: list[Request] = field(default_factory=list)
    saves: list[Save] = field(default_factory=list)
    refusals: list[tuple[str, int, str]] = field(default_factory=list)  # 4xx: what was said
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, entry: Request):
        with self.lock:
            self.requests.append(entry)

    def save(self, entry: Save):
        with self.lock:
            self.saves.append(entry)


class Browser:
    """One person's browser: cookies, the CSRF token, and a stopwatch on every request."""

    def __init__(self, base: str, journal: Journal, started: float):
        self.base, self.journal, self.started = base, journal, started
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def send(self, kind: str, path: str, data: dict | None = None, htmx: bool = False):
        """(status, headers, body); status 0 when the connection failed."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            request.add_header("X-CSRFToken", self.csrf())
            request.add_header("Referer", self.base + path)
        if htmx:
            request.add_header("HX-Request", "true")
        start = time.monotonic()
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                status, headers, text = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, text = error.code, error.headers, error.read()
        except OSError as error:  # refused, reset, timed out
            status, headers, text = 0, {}, str(error).encode()
        end = time.monotonic()
        self.journal.request(Request(kind, start - self.started, end - start, status))
        if 400 <= status < 500:
            said = " ".join(text.decode(errors="replace").split())[:150]
            self.journal.refusals.append((kind, status, said))
        return status, headers, text.decode(errors="replace")

    def log_in(self, username: str, password: str) -> bool:
        self.send("login page", "/login/")
        status, _headers, _body = self.send(
            "log in",
            "/login/",
            {"csrfmiddlewaretoken": self.csrf(), "username": username, "password": password},
        )
        return status == 302


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer in its own right (302 after a save)


def _think(low: float, high: float, deadline: float):
    time.sleep(max(0.0, min(random.uniform(low, high), deadline - time.monotonic())))


def employee(browser: Browser, username: str, deadline: float):
    """Open the preparation, autosave answers as one types, mark competences."""
    _status, _headers, dashboard = browser.send("dashboard", "/")
    found = re.search(r'href="(/reviews/[0-9a-f-]{36}/prepare/)"', dashboard)
    if not found:
        return
    prepare = found.group(1)
    _status, _headers, page = browser.send("preparation page", prepare)
    questions = re.findall(r'name="(answer-\d+)"', page)
    keys = sorted(set(re.findall(r'name="level-(c\d+)"', page)))
    versions = dict.fromkeys(questions, 0)
    typed = 0
    while time.monotonic() < deadline and questions:
        roll = random.random()
        if roll < 0.65:
            name = random.choice(questions)
            typed += 1
            text = f"{username} skriver, gemning {typed}: æ ø å"
            versions[name] = _autosave(browser, prepare, username, name, text, versions[name])
        elif roll < 0.9:
            key, level = random.choice(keys), random.choice(["strong", "fine", "focus"])
            status, _h, _b = browser.send(
                "mark a competence", prepare + "level/", {"key": key, "level": level}, htmx=True
            )
            browser.journal.save(
                Save(username, prepare, f"level-{key}", level, None, status == 200)
            )
        else:
            browser.send("preparation page", prepare)
        _think(0.5, 2.0, deadline)


def _autosave(browser, prepare, username, name, text, version) -> int:
    """One autosave, and the choice "keep my text" after a conflict; the version known after."""
    data = {"field": name, name: text, f"{name}-version": str(version)}
    for _attempt in range(2):
        status, headers, body = browser.send("autosave an answer", prepare + "text/", data, True)
        if status != 200:
            browser.journal.save(Save(username, prepare, name, text, None, False))
            return version  # unknown whether it landed: the next save tells
        if headers.get("HX-Retarget", "").startswith("#conflict-"):
            # A save whose answer was lost did land: keep my text, on the version shown.
            current = re.search(r'"base_version": "(\d+)"', body)
            data = {"field": name, name: text, "base_version": current.group(1) if current else "0"}
            continue
        saved = re.search(rf'name="{re.escape(name)}-version" value="(\d+)"', body)
        acknowledged = int(saved.group(1)) if saved else None
        browser.journal.save(Save(username, prepare, name, text, acknowledged, saved is not None))
        return acknowledged if acknowledged is not None else version
    browser.journal.save(Save(username, prepare, name, text, None, False))
    return version


def manager(browser: Browser, username: str, deadline: float):
    """Look over the dashboard and compare: the talk page with both wheels side by side."""
    while time.monotonic() < deadline:
        _status, _headers, dashboard = browser.send("dashboard", "/")
        reviews = re.findall(r'href="(/reviews/[0-9a-f-]{36}/)"', dashboard)
        _think(0.5, 2.0, deadline)
        if not reviews:
            continue
        _status, _headers, review = browser.send("review page", random.choice(reviews))
        _think(0.5, 2.0, deadline)
        talk = re.search(r'href="(/reviews/[0-9a-f-]{36}/talk/)"', review)
        if talk:
            browser.send("talk comparison", talk.group(1))
            _think(1.0, 3.0, deadline)
