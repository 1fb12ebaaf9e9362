"""``make bench``'s bulk work: opening a round, sending its e-mails to a real SMTP server
on loopback, and exporting a round's PDFs, each with 1 and with 2 worker processes
(``manage.py worker``) sharing the task queue in PostgreSQL. In the 2-worker run one
worker is killed (SIGKILL) in the middle of the export and another started: the zip must
still hold each PDF exactly once. Prints the figures with the load average beside each
and writes bench/jobs_results.json.

    python -m bench.jobs [--employees 50000] [--workers 1 2] [--skip-export]

BENCH_JOBS_URL names the database (default postgres://postgres@127.0.0.1:5432/
mus_bench_tasks), built once with seed_scale as bench.run builds its own.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "jobs_results.json"
URL = os.environ.get("BENCH_JOBS_URL", "postgres://postgres@127.0.0.1:5432/mus_bench_tasks")
# The targets.
REQUEST_MS, OPEN_S, EMAILS_PER_WORKER_S, EXPORT_2_WORKERS_S = 200, 15, 100, 20 * 60


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_times() -> tuple[int, int]:
    """(busy, all) clock ticks of all the machine's cores so far (Linux's /proc/stat)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # less idle and iowait


def process_seconds(pid: int) -> float:
    """The CPU seconds (user and system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until(condition, timeout: float, what: str, poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(poll)


class Pool:
    def __init__(self, env: dict):
        self.env, self.processes = env, []

    def start(self) -> subprocess.Popen:
        command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"]
        command += ["--interval", "0.2", "--revive-every", "1", "--verbosity", "0"]
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()


def measure(workers: int, env: dict, sink, export: bool = True) -> dict:
    """One run with ``workers`` processes: the opening, its e-mails, the export."""
    from django.db.models import Q
    from django.test import Client
    from django.urls import reverse

    # Nothing left in the queue from an earlier run (this is the bench's own database).
    from django_tasks_db.models import DBTaskResult

    from hr import jobs
    from hr.models import JobPart, RoundJob
    from hr.views.rounds import SECOND_ROUND
    from notifications.models import Notice
    from organisation.models import Department, User
    from reviews.models import Review, Round, State

    DBTaskResult.objects.all().delete()
    RoundJob.objects.filter(status=RoundJob.Status.RUNNING).update(status=RoundJob.Status.FAILED)
    Notice.objects.filter(status__in=["pending", "sending"]).update(status="skipped")
    # A new round each run (a review's trail cannot be deleted, so neither can the round).
    current = Round.objects.filter(status=Round.Status.OPEN).first()
    closed = Round.objects.filter(status=Round.Status.CLOSED).order_by("-talks_start").first()
    round_ = Round.objects.create(
        name=f"Bench {workers} worker(s) {time.strftime('%Y-%m-%d %H:%M:%S')}",
        catalogue=current.catalogue,
        question_set=current.question_set,
        mode=current.mode,
        preparation_deadline=current.preparation_deadline,
        talks_start=current.talks_start,
        talks_end=current.talks_end,
    )
    round_.departments.add(*Department.objects.filter(parent=None))
    client = Client()
    client.force_login(User.objects.get(username="hr"))
    # Warm, as a server is: the first request of a process imports every view and URL.
    assert client.get(reverse("round_detail", args=[round_.pk])).status_code == 200
    result: dict = {"workers": workers}

    sink.inbox.received.clear()
    pool = Pool(env)
    try:
        started = time.monotonic()
        # Everyone had a MUS in the seeded round this year: HR says yes to a second one.
        response = client.post(reverse("round_open", args=[round_.pk]), {SECOND_ROUND: "yes"})
        result["request_ms"] = round((time.monotonic() - started) * 1000, 1)
        result["request_load"] = load()
        assert response.status_code == 302, response.status_code
        assert "#jobs" in response["Location"], response["Location"]
        for _ in range(workers):
            pool.start()
        job = RoundJob.objects.get(round=round_, kind=RoundJob.Kind.OPEN)
        wait_until(
            lambda: RoundJob.objects.get(pk=job.pk).status == RoundJob.Status.DONE, 3600, "open"
        )
        result["open_s"] = round(time.monotonic() - started, 1)
        result["open_load"] = load()
        result["reviews"] = Review.objects.filter(round=round_).count()

        unsettled = Notice.objects.filter(review__round=round_).filter(
            Q(status=Notice.Status.PENDING) | Q(status=Notice.Status.SENDING)
        )
        # What the sending costs: the workers' CPU, and how busy the cores were meanwhile
        # (the workers, the SMTP server in this process, PostgreSQL, and anything else).
        cpu_before = cpu_times()
        workers_before = sum(process_seconds(p.pid) for p in pool.processes)
        wait_until(lambda: not unsettled.exists(), 7200, "the e-mails", poll=0.5)
        (busy_after, ticks_after), (busy_before, ticks_before) = cpu_times(), cpu_before
        busy, ticks = busy_after - busy_before, ticks_after - ticks_before
        workers_cpu = sum(process_seconds(p.pid) for p in pool.processes) - workers_before
        received = sorted(r.at for r in sink.inbox.received)
        # The same e-mail twice: one recipient, one subject. (A manager with a MUS of their
        # own rightly gets two: theirs, and the list of the talks they lead.)
        per_email: dict[tuple[str, str], int] = {}
        for item in sink.inbox.received:
            message = item.message()  # parses as MIME
            assert message["To"].addresses[0].addr_spec == item.recipients[0]
            key = (item.recipients[0], str(message["Subject"]))
            per_email[key] = per_email.get(key, 0) + 1
        seconds = (received[-1] - received[0]) if len(received) > 1 else 0
        result |= {
            "emails": len(received),
            "emails_twice": sum(1 for n in per_email.values() if n > 1),
            "emails_failed": Notice.objects.filter(
                review__round=round_, status=Notice.Status.FAILED
            ).count(),
            "emails_s": round(seconds, 1),
            "emails_per_s": round(len(received) / seconds, 1) if seconds else None,
            "emails_load": load(),
            "emails_worker_cpu_ms": round(workers_cpu * 1000 / max(len(received), 1), 2),
            "emails_cores_busy": round(100 * busy / ticks) if ticks else None,
        }

        if not export:
            return result
        # The export of last year's round: every concluded review's PDF.
        expected = Review.objects.filter(round=closed, state=State.CONCLUDED).count()
        RoundJob.objects.filter(round=closed).delete()
        started = time.monotonic()
        export, _joined = jobs.start(closed, RoundJob.Kind.EXPORT)
        killed = False
        if workers > 1:
            # Kill one worker a third of the way through, and start another.
            parts = JobPart.objects.filter(job=export)
            wait_until(
                lambda: (
                    parts.exists()
                    and parts.filter(status=JobPart.Status.DONE).count() * 3 >= parts.count()
                ),
                7200,
                "a third of the export",
                poll=0.2,
            )
            pool.kill(pool.processes[0])
            pool.start()
            killed = True
        wait_until(
            lambda: RoundJob.objects.get(pk=export.pk).status == RoundJob.Status.DONE,
            7200,
            "the export",
            poll=0.5,
        )
        export.refresh_from_db()
        names = zipfile.ZipFile(jobs.archive_path(export)).namelist()
        result |= {
            "export_s": round(time.monotonic() - started, 1),
            "export_load": load(),
            "pdfs": len(names) - 1,
            "pdfs_expected": expected,
            "pdfs_twice": len(names) - len(set(names)),
            "export_worker_killed": killed,
            "export_failures": export.failures,
        }
    finally:
        pool.stop()
    return result


def run_measurements(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from bench.smtp_sink import SmtpSink

    results = []
    with SmtpSink() as sink:
        env = os.environ | {"EMAIL_URL": sink.url}
        for workers in args.workers:
            print(f"[jobs] {workers} worker(s)…", flush=True)
            result = measure(workers, env, sink, export=not args.skip_export)
            print(json.dumps(result), flush=True)
            results.append(result)
    Path(args.output).write_text(json.dumps(results))


def table(results: list[dict], employees: int) -> str:
    lines = [f"Bulk work at {employees:,} employees (PostgreSQL); load average 1/5/15 min"]
    for r in results:
        n = r["workers"]
        lines += [
            f"  {n} worker(s): HR's request {r['request_ms']} ms (target < {REQUEST_MS}) "
            f"[load {r['request_load']}]",
            f"    reviews created: {r['reviews']:,} in {r['open_s']} s (target < {OPEN_S}) "
            f"[load {r['open_load']}]",
            f"    e-mails: {r['emails']:,} in {r['emails_s']} s = {r['emails_per_s']}/s "
            f"(target ≥ {EMAILS_PER_WORKER_S * n}); twice: {r['emails_twice']}, "
            f"failed: {r['emails_failed']} [load {r['emails_load']}]",
            f"      the workers' CPU per e-mail: {r.get('emails_worker_cpu_ms')} ms; "
            f"the cores busy meanwhile: {r.get('emails_cores_busy')} %",
        ]
        if "export_s" not in r:
            continue
        lines += [
            f"    export: {r['pdfs']:,} of {r['pdfs_expected']:,} PDFs in {r['export_s']} s; "
            f"twice: {r['pdfs_twice']}; a worker killed midway: {r['export_worker_killed']} "
            f"[load {r['export_load']}]",
        ]
    by = {r["workers"]: r for r in results}
    if 1 in by and 2 in by and "export_s" in by[1]:
        ratio = by[2]["export_s"] / by[1]["export_s"]
        lines.append(
            f"  export 2 workers / 1 worker: {ratio:.2f} (target 0.50 ± 15 %); "
            f"e-mails {by[2]['emails_per_s']}/s vs {by[1]['emails_per_s']}/s"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=50000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--skip-export", action="store_true", help="only the opening and its e-mails"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        run_measurements(args)
        return

    from bench.run import build, environment

    build("postgres", URL, args.employees)
    with tempfile.TemporaryDirectory() as exports, tempfile.NamedTemporaryFile() as output:
        env = environment(URL) | {
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EXPORT_DIR": exports,
            "CONN_MAX_AGE": "0",
        }
        command = [sys.executable, "-m", "bench.jobs", "--measure", "--output", output.name]
        command += ["--workers", *map(str, args.workers)]
        command += ["--skip-export"] if args.skip_export else []
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        results = json.loads(Path(output.name).read_text())
    print(table(results, args.employees))
    RESULTS.write_text(
        json.dumps({"employees": args.employees, "runs": results, "at": time.ctime()}, indent=2)
    )


if __name__ == "__main__":
    main()
