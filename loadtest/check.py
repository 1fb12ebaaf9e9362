"""The figures of a load test run, and the check that no acknowledged save was lost."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass
class Request:
    kind: str
    at: float  # seconds after the start
    seconds: float
    status: int  # 0: no answer (refused, reset, timed out)

    @property
    def failed(self) -> bool:
        return self.status == 0 or self.status >= 500


@dataclass
class Save:
    user: str
    page: str  # the preparation's address: one review, one party
    field: str  # "answer-12" or "level-c3"
    value: str
    version: int | None  # the version the server acknowledged, for a text
    acknowledged: bool


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and p99 in milliseconds."""
    if len(seconds) < 2:
        only = seconds[0] * 1000 if seconds else 0.0
        return {"p50": only, "p95": only, "p99": only}
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def summary(requests: list[Request], windows: dict[str, tuple[float, float]]) -> str:
    """A table per kind of request, the totals, and the failures around each fault."""
    lines = [f"{'request':<22}{'count':>8}{'failed':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"]
    by_kind = defaultdict(list)
    for request in requests:
        by_kind[request.kind].append(request)
    for kind, group in [*sorted(by_kind.items()), ("all", requests)]:
        figures = percentiles([r.seconds for r in group])
        failed = sum(r.failed for r in group)
        lines.append(
            f"{kind:<22}{len(group):>8}{failed:>8}"
            f"{figures['p50']:>9.0f}{figures['p95']:>9.0f}{figures['p99']:>9.0f}"
        )
    statuses = Counter(r.status for r in requests)
    lines.append(
        "answers: " + ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(statuses.items()))
    )
    for name, (start, end) in windows.items():
        failed = [r for r in requests if r.failed and start - 1 <= r.at <= end + 5]
        lines.append(f"failed within {name} ({start:.1f}–{end:.1f} s, +5 s): {len(failed)}")
    elsewhere = [
        r
        for r in requests
        if r.failed and not any(s - 1 <= r.at <= e + 5 for s, e in windows.values())
    ]
    lines.append(f"failed outside the faults: {len(elsewhere)}")
    by_second = Counter(int(r.at) for r in requests if r.failed)
    lines.append(
        "failures by second of starting: "
        + (", ".join(f"{second} s: {n}" for second, n in sorted(by_second.items())) or "none")
    )
    return "\n".join(lines)


def lost_saves(saves: list[Save], stored: dict[tuple[str, str], tuple[str, int | None]]):
    """The acknowledged saves that the database does not hold.

    ``stored`` maps (page, field) to the database's (value, version). Per field, the last
    acknowledged save must be there, with its version, unless a later save of the same
    field landed although its answer was lost (a worker killed, the database restarting):
    then the database holds that later text, with a higher version.
    """
    lost = []
    by_field = defaultdict(list)
    for save in saves:  # one user writes each field, one save after the other: in order
        by_field[(save.page, save.field)].append(save)
    for key, history in by_field.items():
        acknowledged = [i for i, s in enumerate(history) if s.acknowledged]
        if not acknowledged:
            continue
        last = history[acknowledged[-1]]
        later = {s.value for s in history[acknowledged[-1] + 1 :]}
        value, version = stored.get(key, (None, None))
        if value == last.value and (last.version is None or version == last.version):
            continue
        newer = last.version is None or (version is not None and version > last.version)
        if value in later and newer:
            continue
        lost.append((last, value, version))
    return lost
