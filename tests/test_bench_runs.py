"""``make bench`` still runs: a small database seeded and measured the way the bench does.

The bench imports the app inside its commands, so a module moved or renamed breaks it
without breaking any page; this runs it end to end at 120 employees, once through.
"""

import json
import os
import subprocess
import sys

import pytest

from bench import run


# The bench builds its own SQLite file whatever DATABASE_URL names, so the suite's run on
# PostgreSQL would only repeat the SQLite run's minute.
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs on a SQLite file of its own; the SQLite run of the suite covers it",
)
def test_the_bench_seeds_and_measures_a_small_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    run.manage(url, "migrate", "--noinput", "-v0")
    seed = (
        "from bench.seed_scale import Command; "
        "Command().run_from_argv(['manage.py', 'seed_scale', '--employees=120'])"
    )
    run.manage(url, "shell", "--no-imports", "-c", seed, capture=True)
    run.manage(url, "collectstatic", "--noinput", "-v0")  # DEBUG off: the manifest's names
    out = tmp_path / "measured.json"
    subprocess.run(
        [sys.executable, "-m", "bench.measure", str(out), "--runs", "1", "--pdfs", "2"],
        cwd=run.ROOT,
        env=run.environment(url, "bench.settings"),
        check=True,
    )
    measured = {result["key"]: result for result in json.loads(out.read_text())["results"]}
    assert {"bare", "prepare", "prepare_first", "mark", "talk", "pdf"} <= measured.keys()
    assert measured["export_round"]["pdfs"] == 2
