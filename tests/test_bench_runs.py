"""``make bench`` still runs: a small database seeded and measured the way the bench does.

The bench imports the app inside its commands, so a module moved or renamed breaks it
without breaking any page; this runs it end to end at 120 employees, once through.
"""

import json
import subprocess
import sys

from bench import run


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
