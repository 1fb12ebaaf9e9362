"""The load test's own arithmetic (make loadtest itself runs outside the suite)."""

from loadtest.check import Request, Save, lost_saves, percentiles, summary

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
        Request("autosave", 50.0, 0.1, 0),
    ]
    text = summary(requests, {"the database restart": (35.0, 36.0)})
    assert "failed within the database restart (35.0–36.0 s, +5 s): 1" in text
    assert "failed outside the faults: 1" in text
