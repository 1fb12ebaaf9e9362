"""`make loadtest`: the deadline week over real HTTP, one worker killed and PostgreSQL
restarted, then the app's cost at saturation against a bare view.

1. A throwaway PostgreSQL cluster (initdb in a temporary folder, as the postgres OS user,
   on port 5471: never the shared server on 5432), migrated, the catalogues loaded, the
   load test's people seeded (loadtest/seed.py).
2. gunicorn on 127.0.0.1:8751 with 3 workers, production settings (DEBUG off) plus the
   bench's bare view (bench.settings: the app's URLs and /bench/bare/).
3. Locust, headless, in a process of its own (loadtest/locustfile.py): 50 users log in,
   then 60 s of the deadline week: 40 employees preparing (autosaving answers through the
   htmx endpoint, marking competences), 10 managers comparing (dashboard, the talk), with
   pauses as people make them. Logins happen before the clock starts: they are the users
   arriving, not the load.
4. At 20 s one gunicorn worker is killed (SIGKILL; the master starts another); at 35 s
   PostgreSQL is restarted (pg_ctl restart -m fast).
5. Then 10 s of the bare view and 10 s of the same pages, both with no pauses: the
   requests per second of each at saturation, through the same gunicorn, and their ratio.
6. The figures: requests, 500s, 503s and no answers, p50/p95/p99 and requests per second
   per kind; then every save the server acknowledged is looked up in the database. The
   run fails on a lost save, on any 500, and on a 503 outside the database restart
   (during it, MUS answers 503 with Retry-After by design).
7. Everything is stopped and the folder removed, whatever happened.

Run as root (initdb runs as postgres through runuser). Loopback only; it stops by itself.
"""

import json
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg

from bench.jobs import cpu_times
from loadtest.check import (
    DATABASE_RESTART,
    Request,
    Save,
    lost_saves,
    saturation,
    summary,
    unexpected,
)

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = 5471
APP = "127.0.0.1:8751"
WORKERS = 3
DURATION = 60.0
SATURATION = 10.0
KILL_WORKER_AT = 20.0
RESTART_DATABASE_AT = 35.0
DATABASE = "mus_load"
# How Django's log names a request that ended in a 500, and one that ended in a 503.
LOGGED = ("Internal Server Error:", "Service Unavailable:")


def log(message: str) -> None:
    print(f"[loadtest] {message}", flush=True)


def as_postgres(*command: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, **options)


class Cluster:
    """A PostgreSQL of our own in a temporary folder."""

    def __init__(self, folder: Path):
        self.data = folder / "pgdata"
        self.log = folder / "postgresql.log"
        self.folder = folder

    def start(self):
        shutil.chown(self.folder, "postgres")
        as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            stdout=subprocess.DEVNULL,
        )
        self.pg_ctl(
            "start",
            "-l",
            str(self.log),
            "-o",
            f"-p {PG_PORT} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c max_connections=100 -c fsync=on",
        )
        with psycopg.connect(self.url("postgres"), autocommit=True) as server:
            server.execute(f"CREATE DATABASE {DATABASE}")

    def pg_ctl(self, action: str, *options: str):
        as_postgres(
            str(PG_BIN / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-w",
            "-t",
            "60",
            *options,
            stdout=subprocess.DEVNULL,
        )

    def url(self, name: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{PG_PORT}/{name}"

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "immediate")


def app_environment(cluster: Cluster) -> dict:
    return {
        **os.environ,
        "ENV_FILE": "",  # not a developer's .env
        "DATABASE_URL": cluster.url(),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: production's HTTPS-only settings are off here alone.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        # The app's own settings and URLs, plus the bare view to compare it with.
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }


def manage(environment: dict, *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def prepare_database(environment: dict) -> dict:
    log("migrating, loading the catalogues, seeding people and an open round")
    manage(environment, "migrate", "--noinput")
    manage(environment, "load_catalogue", "fixtures/kl_2015.json", "fixtures/general.json")
    manage(environment, "collectstatic", "--noinput")
    seeded = subprocess.run(
        [sys.executable, "-m", "loadtest.seed"],
        cwd=ROOT,
        check=True,
        env={**environment, "DJANGO_SETTINGS_MODULE": "mus.settings"},
        capture_output=True,
        text=True,
    )
    return json.loads(seeded.stdout.strip().splitlines()[-1])


def start_gunicorn(environment: dict, log_file) -> subprocess.Popen:
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "mus.wsgi",
            "--bind",
            APP,
            "--workers",
            str(WORKERS),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    for _ in range(60):
        try:
            with urllib.request.urlopen(f"http://{APP}/login/", timeout=2) as response:
                if response.status == 200:
                    return gunicorn
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer")


def workers_of(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def faults(gunicorn: subprocess.Popen, cluster: Cluster, started: float, windows: dict):
    """At their times: kill one worker, restart the database. Records when each happened."""
    time.sleep(max(0.0, started + KILL_WORKER_AT - time.monotonic()))
    victim = workers_of(gunicorn.pid)[0]
    at = time.monotonic() - started
    os.kill(victim, signal.SIGKILL)
    windows["the worker kill"] = (at, at)
    log(f"{at:5.1f} s: killed gunicorn worker {victim} (SIGKILL)")
    time.sleep(max(0.0, started + RESTART_DATABASE_AT - time.monotonic()))
    begin = time.monotonic() - started
    cluster.pg_ctl("restart", "-m", "fast")
    end = time.monotonic() - started
    windows[DATABASE_RESTART] = (begin, end)
    log(f"{begin:5.1f} s: PostgreSQL restarted (pg_ctl restart -m fast), up again at {end:.1f} s")


def run_locust(folder: Path, logins: dict, gunicorn: subprocess.Popen, cluster: Cluster):
    """Locust, headless, in a process of its own; the faults from here on its clock."""
    (folder / "logins.json").write_text(json.dumps(logins))
    users = len(logins["employees"]) + len(logins["managers"])
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOADTEST_DIR": str(folder),
        "LOADTEST_WEEK": str(DURATION),
        "LOADTEST_SATURATION": str(SATURATION),
        "LOADTEST_SERVERS": str(WORKERS),
    }
    command = [
        str(Path(sys.executable).parent / "locust"),
        "--locustfile", str(ROOT / "loadtest" / "locustfile.py"),
        "--headless", "--host", f"http://{APP}",
        "--users", str(users), "--spawn-rate", str(users),
        # A bound only: the locustfile stops itself once its phases are over.
        "--run-time", f"{int(DURATION + 2 * SATURATION + 300)}s",
        "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    log(f"{users} users log in (Locust, headless)")
    windows: dict = {}  # the faults, on the clock
    cores: dict = {}  # how busy the cores were at saturation; Locust's own CPU
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(folder / "locust.log", "w") as locust_log:
        locust = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=locust_log, stderr=subprocess.STDOUT
        )
        ready = folder / "ready.json"
        asked = time.monotonic()
        while not ready.exists() and locust.poll() is None:
            time.sleep(0.1)
        helpers = []
        if ready.exists():
            wall = json.loads(ready.read_text())["start"]
            started = time.monotonic() - (time.time() - wall)
            log(
                f"logins took {started - asked:.0f} s; driving them: {DURATION:.0f} s of the "
                f"deadline week, then {SATURATION:.0f} s each of the bare view and the pages "
                "with no pauses"
            )
            helpers = [
                threading.Thread(target=faults, args=(gunicorn, cluster, started, windows)),
                threading.Thread(target=sample_cores, args=(started, cores)),
            ]
            for helper in helpers:
                helper.daemon = True
                helper.start()
        locust.wait(timeout=DURATION + 2 * SATURATION + 400)
        for helper in helpers:
            helper.join(timeout=SATURATION)
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cores["locust"] = sum(
        getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("ru_utime", "ru_stime")
    )
    if not (folder / "journal.json").exists():
        print((folder / "locust.log").read_text()[-3000:])
        raise RuntimeError("Locust wrote no journal")
    return json.loads((folder / "journal.json").read_text()), windows, cores


def sample_cores(started: float, into: dict) -> None:
    """How busy the machine's cores were in each phase at saturation: whether the server
    (and Locust beside it) had them to itself, or shared them."""
    for name, end in (("bare", DURATION + SATURATION), ("pages", DURATION + 2 * SATURATION)):
        time.sleep(max(0.0, started + end - SATURATION - time.monotonic()))
        busy_before, ticks_before = cpu_times()
        time.sleep(max(0.0, started + end - time.monotonic()))
        busy, ticks = cpu_times()
        into[name] = round(100 * (busy - busy_before) / max(ticks - ticks_before, 1))


def stored_values(cluster: Cluster) -> dict:
    """(preparation page, field) -> (value, version) for every answer and mark stored."""
    stored = {}
    with psycopg.connect(cluster.url()) as database:
        for public_id, question, text, version in database.execute(
            "SELECT r.public_id, a.question_id, a.text, a.text_version FROM reviews_answer a "
            "JOIN reviews_preparation p ON p.id = a.preparation_id "
            "JOIN reviews_review r ON r.id = p.review_id WHERE p.party = 'employee'"
        ):
            stored[(f"/reviews/{public_id}/prepare/", f"answer-{question}")] = (text, version)
        for public_id, competence, level in database.execute(
            "SELECT r.public_id, m.competence_id, m.level FROM reviews_mark m "
            "JOIN reviews_preparation p ON p.id = m.preparation_id "
            "JOIN reviews_review r ON r.id = p.review_id "
            "WHERE p.party = 'employee' AND m.competence_id IS NOT NULL"
        ):
            stored[(f"/reviews/{public_id}/prepare/", f"level-c{competence}")] = (level, None)
    return stored


def main() -> int:
    if os.geteuid() != 0:
        print("make loadtest runs initdb as the postgres user: run it as root.")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="mus-loadtest-"))
    with open(folder / "app.log", "w") as app_log:
        return _run(folder, Cluster(folder), app_log)


def _run(folder, cluster, app_log) -> int:
    gunicorn = None
    try:
        cluster.start()
        log(f"PostgreSQL of our own on 127.0.0.1:{PG_PORT} in {folder}")
        environment = app_environment(cluster)
        logins = prepare_database(environment)
        gunicorn = start_gunicorn(environment, app_log)
        log(f"gunicorn on http://{APP} with {WORKERS} workers")
        journal, windows, cores = run_locust(folder, logins, gunicorn, cluster)
        load = "/".join(f"{x:.2f}" for x in os.getloadavg())
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        if journal["problem"]:
            print(f"Locust stopped: {journal['problem']}")
            return 1
        requests, saves, refusals = from_journal(journal)
        week = [r for r in requests if 0 <= r.at < DURATION]
        bare = [r for r in requests if DURATION <= r.at < DURATION + SATURATION]
        pages = [r for r in requests if r.at >= DURATION + SATURATION]
        print()
        print(
            f"The deadline week: {len(logins['employees'])} employees preparing and "
            f"{len(logins['managers'])} managers comparing, with pauses, {DURATION:.0f} s "
            f"(Locust, headless; {WORKERS} gunicorn workers; load average 1/5/15 min at the "
            f"end {load})"
        )
        print(summary(week, windows, DURATION))
        print(
            f"\nAt saturation, the same {len(logins['employees']) + len(logins['managers'])} "
            f"users with no pauses, {SATURATION:.0f} s each, through the same gunicorn:"
        )
        print(summary(bare + pages, {}, SATURATION))
        print(saturation(bare, pages, SATURATION))
        print(
            f"the cores busy (all processes on the machine): {cores.get('bare', '?')} % in the "
            f"bare view's phase, {cores.get('pages', '?')} % in the pages'; Locust's own CPU: "
            f"{cores['locust']:.1f} s for the whole run, logins included"
        )
        for kind, status, body in refusals[:5]:
            print(f"  refused: {kind} {status}: {body}")
        server_log = (folder / "app.log").read_text().splitlines()
        logged = Counter(line.split(":")[0] for line in server_log if line.startswith(LOGGED))
        errors = sorted({line for line in server_log if "Error:" in line})
        print(
            f"server log: {logged['Internal Server Error']} × Internal Server Error, "
            f"{logged['Service Unavailable']} × Service Unavailable; e.g. {errors[:3]}"
        )
        wrong = unexpected(requests, windows)
        print(f"unexpected answers (any 500, a 503 outside the database restart): {len(wrong)}")
        for request in wrong[:10]:
            print(f"  {request.status} {request.kind} at {request.at:.1f} s")
        acknowledged = [s for s in saves if s.acknowledged]
        lost = lost_saves(saves, stored_values(cluster))
        print(
            f"saves: {len(saves)} attempted, {len(acknowledged)} acknowledged; "
            f"acknowledged but not in the database: {len(lost)}"
        )
        for save, value, version in lost[:10]:
            print(
                f"  LOST {save.user} {save.field} v{save.version}: {save.value!r} "
                f"(database: {value!r} v{version})"
            )
        return 1 if lost or wrong else 0
    finally:
        if gunicorn and gunicorn.poll() is None:
            gunicorn.kill()
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
        log("cluster stopped and removed")


def from_journal(journal: dict) -> tuple[list[Request], list[Save], list]:
    """The locustfile's record, on the clock that starts once everyone has logged in."""
    start = journal["start"]
    requests = [
        Request(kind, at - start, seconds, status)
        for kind, at, seconds, status in journal["requests"]
        if at >= start  # the logins before it are the users arriving, not the load
    ]
    saves = [Save(*save) for save in journal["saves"]]
    return requests, saves, journal["refusals"]


if __name__ == "__main__":
    sys.exit(main())
