"""The load test's own arithmetic (make loadtest itself runs outside the suite)."""

from loadtest.check import (
    DATABASE_RESTART,
    Request,
    Save,
    lost_saves,
    percentiles,
    saturation,
    summary,
    unexpected,
)

PAGE = "/reviews/x/prepare/"


def test_percentiles_in_milliseconds():
    figures = percentiles([i / 1000 for i in range(1, 101)])
    assert round(figures["p50"]) == 50
    assert round(figures["p99"]) == 99


def test_an_acknowledged_save_must_be_stored_with_its_version():
    saves = [Save("anne", PAGE, "answer-1", "første", 1, True)]
    assert lost_saves(saves, {(PAGE, "answer-1"): ("første", 1)}) == []
    assert len(lost_saves(saves, {(PAGE, "answer-1"): ("", 0)})) == 1
    assert len(lost_saves(saves, {})) == 1


def test_a_later_save_whose_answer_was_lost_may_have_landed():
    saves = [
        Save("anne", PAGE, "answer-1", "første", 1, True),
        Save("anne", PAGE, "answer-1", "anden", None, False),  # the worker died answering
    ]
    assert lost_saves(saves, {(PAGE, "answer-1"): ("anden", 2)}) == []
    # But not a text no one sent, nor an older version.
    assert len(lost_saves(saves, {(PAGE, "answer-1"): ("fremmed", 2)})) == 1
    assert len(lost_saves(saves, {(PAGE, "answer-1"): ("anden", 1)})) == 1


def test_the_summary_counts_failures_around_each_fault():
    requests = [
        Request("autosave", 10.0, 0.1, 200),
        Request("autosave", 35.5, 0.1, 500),
        Request("autosave", 35.6, 0.1, 503),
        Request("autosave", 36.0, 0.1, 503),
        Request("autosave", 50.0, 0.1, 0),
    ]
    text = summary(requests, {DATABASE_RESTART: (35.0, 36.0)})
    assert (
        "failed within the database restart (35.0–36.0 s, +5 s): 3 (500: 1, 503: 2, no answer: 0)"
        in text
    )
    assert "failed outside the faults: 1 (500: 0, 503: 0, no answer: 1)" in text
    # Per kind, 500s and 503s in columns of their own: count, 500, 503, no answer.
    assert "autosave" in text.splitlines()[1]
    assert text.splitlines()[1].split()[1:5] == ["5", "1", "2", "1"]


RESTART = {"the worker kill": (20.0, 20.0), DATABASE_RESTART: (35.0, 35.4)}


def test_a_503_while_the_database_restarts_is_expected():
    requests = [Request("autosave", 34.5, 0.1, 503), Request("dashboard", 40.0, 0.1, 503)]
    assert unexpected(requests, RESTART) == []


def test_a_500_fails_the_run_whenever_it_happens():
    requests = [Request("autosave", 35.1, 0.1, 500), Request("dashboard", 50.0, 0.1, 502)]
    assert unexpected(requests, RESTART) == requests


def test_a_503_outside_the_database_restart_fails_the_run():
    requests = [Request("autosave", 10.0, 0.1, 503), Request("autosave", 21.0, 0.1, 503)]
    assert unexpected(requests, RESTART) == requests
    assert unexpected(requests, {}) == requests


def test_no_answer_while_a_worker_is_killed_is_reported_but_does_not_fail_the_run():
    requests = [Request("autosave", 20.1, 0.1, 0), Request("autosave", 10.0, 0.1, 200)]
    assert unexpected(requests, RESTART) == []


def test_the_summary_gives_requests_per_second_per_kind_when_told_the_duration():
    requests = [Request("autosave", i / 2, 0.05, 200) for i in range(20)]
    requests += [Request("dashboard", 1.0, 0.2, 200)]
    text = summary(requests, {}, seconds=10.0)
    assert text.splitlines()[0].split()[-1] == "req/s"
    assert text.splitlines()[1].split()[-1] == "2.0"  # autosave: 20 in 10 s
    assert text.splitlines()[2].split()[-1] == "0.1"
    assert "req/s" not in summary(requests, {})


def test_the_app_at_saturation_is_a_ratio_to_the_bare_view():
    bare = [Request("bare view", 60 + i / 100, 0.01, 200) for i in range(800)]
    pages = [Request("dashboard", 70 + i / 10, 0.1, 200) for i in range(100)]
    text = saturation(bare, pages, 10.0)
    assert text == (
        "at saturation: the bare view 80.0 requests/s, the pages 10.0 requests/s: "
        "one page costs as much as 8.0 bare views"
    )
    assert saturation(bare, [], 10.0).endswith("as much as – bare views")
