"""The measurements, inside one database: ``python -m bench.measure OUT.json [--profile PAGE]``.

Run by ``bench.run`` with DJANGO_SETTINGS_MODULE=bench.settings and the database's
DATABASE_URL, after seed_scale has built it. Requests go through Django's test Client,
in this process (no network, no gunicorn): the same middleware, views and database as
production, warm (after warm-up requests), one after the other.
"""

import argparse
import json
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import django

PROFILES = Path(__file__).resolve().parent / "profiles"
WARM_UP = 3


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--profile", default="", help="page keys, by commas: their profiles")
    parser.add_argument("--runs", type=int, default=100, help="rounds of requests")
    parser.add_argument("--pdfs", type=int, default=1000)
    args = parser.parse_args()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    import mus.wsgi  # noqa: F401 - a server process's start, its frozen objects included
    from competencies.wheel import tooth_markup
    from hr.management.commands import export_round
    from organisation.models import Person, User
    from reviews.models import Review, Round, State
    from reviews.templatetags.reviews import rendered_partial

    current = Round.objects.get(status=Round.Status.OPEN)
    preparing = (
        Review.objects.filter(round=current, state=State.PREPARING)
        .select_related("employee__user")
        .order_by("pk")
        .first()
    )
    in_talk = (
        Review.objects.filter(round=current, state=State.TALK_STARTED)
        .select_related("manager__user")
        .order_by("pk")
        .first()
    )
    concluded = (
        Review.objects.filter(round=current, state=State.CONCLUDED)
        .select_related("employee__user")
        .order_by("pk")
        .first()
    )
    manager = Person.objects.annotate(n=Count("reports")).filter(n=25).select_related("user")[0]
    hr = User.objects.get(username="hr")
    competence = current.catalogue.competences.order_by("position").first()
    marks = iter(["strong", "fine", "focus"] * 1000)

    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    employee_client = client_for(preparing.employee.user)
    clients = {
        "employee": employee_client,
        "manager": client_for(manager.user),
        "hr": client_for(hr),
        "talk": client_for(in_talk.manager.user),
        "pdf": client_for(concluded.employee.user),
    }

    def get(who: str, url: str, **headers) -> Callable:
        return lambda: clients[who].get(url, headers=headers)

    prepare_url = reverse("prepare", args=[preparing.public_id])

    def forget_kept_markup():
        # As a process shows the page the first time: none of its fields or teeth kept yet
        # (reviews.templatetags.reviews.kept_partial, competencies.wheel.tooth_markup).
        rendered_partial.cache_clear()
        tooth_markup.cache_clear()

    def first_view():
        forget_kept_markup()
        return employee_client.get(prepare_url)

    def mark():
        return employee_client.post(
            reverse("prepare_level", args=[preparing.public_id]),
            {"key": f"c{competence.pk}", "level": next(marks)},
            headers={"HX-Request": "true"},
        )

    # (key, label, request, every how many rounds it is timed)
    pages = [
        ("bare", "bare view (reference)", get("employee", "/bench/bare/"), 1),
        ("employee_dashboard", "employee dashboard", get("employee", "/"), 1),
        ("manager_dashboard", "manager dashboard, 25 reports", get("manager", "/"), 1),
        (
            "progress",
            f"HR progress, {current.reviews.count():,} reviews",
            get("hr", reverse("round_progress", args=[current.pk])),
            1,
        ),
        ("prepare", "preparation page", get("employee", prepare_url), 1),
        ("prepare_first", "preparation page, first view", first_view, 1),
        ("mark", "marking a competence (htmx POST)", mark, 1),
        (
            "talk",
            "comparison (talk) page",
            get("talk", reverse("talk", args=[in_talk.public_id])),
            1,
        ),
        (
            "pdf",
            "one review PDF",
            get("pdf", reverse("review_pdf", args=[concluded.public_id])),
            3,
        ),
    ]

    counts = {}
    for key, _label, request, _every in pages:
        for _ in range(WARM_UP):
            response = request()
            assert response.status_code == 200, (key, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            request()
        counts[key] = len(queries)  # now: the next request empties the connection's log
    # In rounds, one request of each page per round: whatever else the machine does
    # meanwhile falls on all pages alike, the bare view included, and not on one alone.
    # The first view apart, after them: it empties caches that other pages use too.
    samples = {key: [] for key, *_rest in pages}
    for round_number in range(args.runs):
        for key, _label, request, every in pages:
            if round_number % every == 0 and key != "prepare_first":
                started = time.perf_counter()
                request()
                samples[key].append((time.perf_counter() - started) * 1000)
    for _ in range(args.runs):
        forget_kept_markup()
        started = time.perf_counter()
        employee_client.get(prepare_url)
        samples["prepare_first"].append((time.perf_counter() - started) * 1000)
    results = []
    for key, label, request, _every in pages:
        if key in args.profile.split(","):
            profile(key, request, connection.vendor)
        results.append(
            {
                "key": key,
                "page": label,
                "runs": len(samples[key]),
                "p50_ms": round(statistics.median(samples[key]), 1),
                "p95_ms": round(percentile(samples[key], 0.95), 1),
                "queries": counts[key],
            }
        )
        print(f"  {label}: p95 {results[-1]['p95_ms']} ms", flush=True)

    # export_round for the first 1,000 concluded reviews of the current round.
    limited = export_round.concluded_reviews

    def first_reviews(round_):
        return limited(round_).filter(
            pk__in=list(limited(round_).values_list("pk", flat=True)[: args.pdfs])
        )

    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.object(export_round, "concluded_reviews", first_reviews),
    ):
        started = time.perf_counter()
        call_command("export_round", current.name, folder, verbosity=0)
        seconds = time.perf_counter() - started
        written = len(list(Path(folder).glob("*.pdf")))
    results.append(
        {
            "key": "export_round",
            "page": f"export_round, {written:,} PDFs",
            "runs": 1,
            "seconds": round(seconds, 1),
            "pdfs": written,
        }
    )
    print(f"  export_round: {written} PDFs in {seconds:.1f} s", flush=True)

    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    args.out.write_text(
        json.dumps(
            {
                "vendor": connection.vendor,
                "results": results,
                "cpu_seconds": round(own.ru_utime + own.ru_stime, 1),
                "cpu_seconds_pdf_workers": round(children.ru_utime + children.ru_stime, 1),
                "peak_rss_mb": round(own.ru_maxrss / 1024),
                "peak_rss_mb_pdf_worker": round(children.ru_maxrss / 1024),
            }
        )
    )


def profile(key: str, request: Callable, vendor: str) -> None:
    from pyinstrument import Profiler

    PROFILES.mkdir(exist_ok=True)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(5):
            request()
    path = PROFILES / f"{vendor}-{key}.html"
    path.write_text(profiler.output_html())
    (PROFILES / f"{vendor}-{key}.txt").write_text(profiler.output_text(unicode=True))
    print(f"  profile of {key}: {path}", flush=True)


if __name__ == "__main__":
    main()
