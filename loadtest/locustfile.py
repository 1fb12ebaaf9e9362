"""The deadline week's people, for Locust: employees preparing (autosaving answers through
the htmx endpoint, marking competences) and managers comparing (dashboard, the talk).

``make loadtest`` runs it headless in a process of its own (loadtest/run.py starts it);
it is not meant to be started by hand. Its phases, on one clock that starts once every
user has logged in (logins are the users arriving, not the load):

1. **The deadline week** (LOADTEST_WEEK seconds): everyone works with pauses as people
   do; run.py kills a gunicorn worker and restarts PostgreSQL meanwhile.
2. **The bare view at saturation** (LOADTEST_SATURATION seconds): the same users ask for
   the bench's bare view (bench/urls.py) with no pause, through the same gunicorn.
3. **The pages at saturation** (as long): their own requests again, with no pause.

The requests per second of 2 and 3 give the app's cost as a ratio at saturation.

Every request (what, when, how long, the answer) and every save (what the server
acknowledged, with its version) is written to LOADTEST_DIR/journal.json at the end, for
loadtest/check.py. LOADTEST_DIR/logins.json (from loadtest/seed.py) names the users;
LOADTEST_DIR/ready.json tells run.py when the clock started.
"""

import itertools
import json
import os
import random
import re
import time
import urllib.parse
from pathlib import Path

import gevent
from gevent.event import Event
from gevent.lock import BoundedSemaphore
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

from loadtest.seed import PASSWORD

FOLDER = Path(os.environ.get("LOADTEST_DIR", "."))
WEEK = float(os.environ.get("LOADTEST_WEEK", "60"))
SATURATION = float(os.environ.get("LOADTEST_SATURATION", "10"))
TIMEOUT = 15  # seconds before a request counts as failed
LOGINS = (
    json.loads((FOLDER / "logins.json").read_text()) if (FOLDER / "logins.json").exists() else {}
)
BARE = "bare view"
# Phases by their end on the clock.
PHASES = [("week", WEEK), ("bare", WEEK + SATURATION), ("pages", WEEK + 2 * SATURATION)]
END = PHASES[-1][1]


class Clock:
    """Starts when the last user has logged in; says which phase it is."""

    def __init__(self, users: int):
        self.users, self.arrived, self.start = users, 0, 0.0
        self.started, self.working = Event(), 0

    def arrive(self) -> None:
        self.arrived += 1
        self.working += 1
        if self.arrived == self.users:
            self.start = time.time()
            # Written whole, then renamed: run.py never reads half of it.
            (FOLDER / "ready.part").write_text(json.dumps({"start": self.start}))
            os.replace(FOLDER / "ready.part", FOLDER / "ready.json")
            self.started.set()
        self.started.wait()

    def now(self) -> float:
        return time.time() - self.start

    def phase(self) -> str:
        at = self.now()
        return next((name for name, end in PHASES if at < end), "over")


arriving = BoundedSemaphore(int(os.environ.get("LOADTEST_SERVERS", "3")))
clock = Clock(len(LOGINS.get("employees", [])) + len(LOGINS.get("managers", [])))
journal: dict = {"requests": [], "saves": [], "refusals": [], "problem": ""}


@events.request.add_listener
def _record(name, response, start_time, response_time, **kwargs):
    status = response.status_code if response is not None else 0
    journal["requests"].append([name, start_time, response_time / 1000, status])
    if 400 <= status < 500:
        said = " ".join((response.text or "").split())[:150]
        journal["refusals"].append([name, status, said])


def _control(environment) -> None:
    """Wait for the logins, let the phases run, let every user finish its request, stop."""
    if not clock.started.wait(timeout=180):
        journal["problem"] = f"only {clock.arrived} of {clock.users} users logged in"
        environment.runner.quit()
        return
    gevent.sleep(END)
    deadline = time.monotonic() + TIMEOUT + 10
    while clock.working and time.monotonic() < deadline:
        gevent.sleep(0.1)
    environment.runner.quit()


@events.test_start.add_listener
def _started(environment, **kwargs):
    gevent.spawn(_control, environment)


@events.quitting.add_listener
def _write(environment, **kwargs):
    journal["start"] = clock.start
    (FOLDER / "journal.json").write_text(json.dumps(journal))


class Person(FastHttpUser):
    """One person's browser: cookies, the CSRF token, one request at a time."""

    abstract = True
    wait_time = constant(0)  # the pauses are the person's own (``think``)
    network_timeout = connection_timeout = TIMEOUT
    concurrency = 1
    logins: "itertools.count[int]"
    role = ""

    def on_start(self) -> None:
        self.username = LOGINS[self.role][next(self.logins)]
        # A few at a time, as people arrive: fifty password checks at once would queue
        # past the timeout behind three server processes.
        with arriving:
            self.send("login page", "/login/")
            form = {"username": self.username, "password": PASSWORD}
            form["csrfmiddlewaretoken"] = self.csrf()
            status, _headers, body = self.send("log in", "/login/", form)
        if status != 302:
            journal["problem"] = f"{self.username} could not log in ({status}: {body[:200]})"
            self.environment.runner.quit()
            raise StopUser()
        clock.arrive()

    def csrf(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def send(self, kind: str, path: str, data: dict | None = None, htmx: bool = False):
        """(status, headers, body); status 0 when the connection failed. Redirects are
        answers in their own right (302 after a login)."""
        headers = {"HX-Request": "true"} if htmx else {}
        if data is None:
            response = self.client.get(path, name=kind, headers=headers, allow_redirects=False)
        else:
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.csrf(),
                "Referer": self.client.base_url + path,
            }
            body = urllib.parse.urlencode(data)
            response = self.client.post(
                path, name=kind, data=body, headers=headers, allow_redirects=False
            )
        return response.status_code, response.headers or {}, response.text or ""

    def think(self, low: float, high: float) -> None:
        """A person's pause in the deadline week; none at saturation."""
        if clock.phase() == "week":
            gevent.sleep(max(0.0, min(random.uniform(low, high), WEEK - clock.now())))

    def save(self, page: str, field: str, value: str, version: int | None, ok: bool) -> None:
        journal["saves"].append([self.username, page, field, value, version, ok])

    @task
    def work(self) -> None:
        try:
            while (phase := clock.phase()) != "over":
                if phase == "bare":
                    self.send(BARE, "/bench/bare/")
                else:
                    self.step()
        finally:
            clock.working -= 1
        raise StopUser()

    def step(self) -> None:
        raise NotImplementedError


class Employee(Person):
    """Opens the preparation, autosaves answers as one types, marks competences."""

    role = "employees"
    fixed_count = len(LOGINS.get("employees", []))
    logins = itertools.count()

    def on_start(self) -> None:
        super().on_start()
        self.prepare, self.questions, self.keys = "", [], []
        self.versions: dict[str, int] = {}
        self.typed = 0

    def step(self) -> None:
        if not self.prepare:
            self.open_preparation()
            return
        roll = random.random()
        if roll < 0.65:
            name = random.choice(self.questions)
            self.typed += 1
            text = f"{self.username} skriver, gemning {self.typed}: æ ø å"
            self.versions[name] = self.autosave(name, text, self.versions[name])
        elif roll < 0.9:
            key, level = random.choice(self.keys), random.choice(["strong", "fine", "focus"])
            status, _h, _b = self.send(
                "mark a competence", self.prepare + "level/", {"key": key, "level": level}, True
            )
            self.save(self.prepare, f"level-{key}", level, None, status == 200)
        else:
            self.send("preparation page", self.prepare)
        self.think(0.5, 2.0)

    def open_preparation(self) -> None:
        _status, _headers, dashboard = self.send("dashboard", "/")
        found = re.search(r'href="(/reviews/[0-9a-f-]{36}/prepare/)"', dashboard)
        if not found:
            self.think(0.5, 2.0)
            return
        _status, _headers, page = self.send("preparation page", found.group(1))
        questions = re.findall(r'name="(answer-\d+)"', page)
        if questions:
            self.prepare, self.questions = found.group(1), questions
            self.keys = sorted(set(re.findall(r'name="level-(c\d+)"', page)))
            self.versions = dict.fromkeys(questions, 0)

    def autosave(self, name: str, text: str, version: int) -> int:
        """One autosave, and "keep my text" after a conflict; the version known after."""
        data = {"field": name, name: text, f"{name}-version": str(version)}
        for _attempt in range(2):
            status, headers, body = self.send(
                "autosave an answer", self.prepare + "text/", data, True
            )
            if status != 200:
                self.save(self.prepare, name, text, None, False)
                return version  # unknown whether it landed: the next save tells
            if headers.get("HX-Retarget", "").startswith("#conflict-"):
                # A save whose answer was lost did land: keep my text, on the version shown.
                current = re.search(r'"base_version": "(\d+)"', body)
                base = current.group(1) if current else "0"
                data = {"field": name, name: text, "base_version": base}
                continue
            saved = re.search(rf'name="{re.escape(name)}-version" value="(\d+)"', body)
            acknowledged = int(saved.group(1)) if saved else None
            self.save(self.prepare, name, text, acknowledged, saved is not None)
            return acknowledged if acknowledged is not None else version
        self.save(self.prepare, name, text, None, False)
        return version


class Manager(Person):
    """Looks over the dashboard and compares: the talk page with both wheels side by side."""

    role = "managers"
    fixed_count = len(LOGINS.get("managers", []))
    logins = itertools.count()

    def on_start(self) -> None:
        super().on_start()
        self.next = "dashboard"
        self.reviews: list[str] = []
        self.talk = ""

    def step(self) -> None:
        if self.next == "dashboard" or not self.reviews:
            _status, _headers, dashboard = self.send("dashboard", "/")
            self.reviews = re.findall(r'href="(/reviews/[0-9a-f-]{36}/)"', dashboard)
            self.next = "review"
            self.think(0.5, 2.0)
        elif self.next == "review":
            _status, _headers, review = self.send("review page", random.choice(self.reviews))
            talk = re.search(r'href="(/reviews/[0-9a-f-]{36}/talk/)"', review)
            self.talk, self.next = (talk.group(1), "talk") if talk else ("", "dashboard")
            self.think(0.5, 2.0)
        else:
            self.send("talk comparison", self.talk)
            self.next = "dashboard"
            self.think(1.0, 3.0)
