"""The figures of a load test run, and its checks: no acknowledged save lost, no 500.

While PostgreSQL restarts MUS answers 503 with Retry-After by design (mus.views.server_error):
a 503 then is expected, a 503 at any other time is not, and a 500 never is.
"""

import math
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
        """No answer, or any answer from the 500s, 503 included."""
        return self.status == 0 or self.status >= 500

    @property
    def error(self) -> bool:
        """A server error: any answer from the 500s but 503, "try again in a moment"."""
        return self.status >= 500 and self.status != 503


# The name run.py gives the window in which PostgreSQL restarts.
DATABASE_RESTART = "the database restart"
# A request that started this long before a fault or after it may still meet it.
BEFORE, AFTER = 1.0, 5.0


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


def _within(request: Request, window: tuple[float, float]) -> bool:
    start, end = window
    return start - BEFORE <= request.at <= end + AFTER


def _kinds_of_failure(requests: list[Request]) -> str:
    return (
        f"500: {sum(r.error for r in requests)}, 503: {sum(r.status == 503 for r in requests)}, "
        f"no answer: {sum(r.status == 0 for r in requests)}"
    )


def unexpected(requests: list[Request], windows: dict[str, tuple[float, float]]) -> list[Request]:
    """The answers that fail the run: any server error but 503, and a 503 outside the
    database restart (nothing else makes the database unreachable)."""
    restart = windows.get(DATABASE_RESTART, (math.inf, -math.inf))
    return [r for r in requests if r.error or (r.status == 503 and not _within(r, restart))]


def summary(
    requests: list[Request], windows: dict[str, tuple[float, float]], seconds: float = 0.0
) -> str:
    """A table per kind of request, the totals, and the failures around each fault.

    "500" counts every server error but 503, which has its own column. Given the
    ``seconds`` the requests were made in, a last column says how many per second.
    """
    lines = [
        f"{'request':<22}{'count':>8}{'500':>6}{'503':>6}{'no answer':>11}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}" + (f"{'req/s':>9}" if seconds else "")
    ]
    by_kind = defaultdict(list)
    for request in requests:
        by_kind[request.kind].append(request)
    for kind, group in [*sorted(by_kind.items()), ("all", requests)]:
        figures = percentiles([r.seconds for r in group])
        lines.append(
            f"{kind:<22}{len(group):>8}{sum(r.error for r in group):>6}"
            f"{sum(r.status == 503 for r in group):>6}{sum(r.status == 0 for r in group):>11}"
            f"{figures['p50']:>9.0f}{figures['p95']:>9.0f}{figures['p99']:>9.0f}"
            + (f"{len(group) / seconds:>9.1f}" if seconds else "")
        )
    statuses = Counter(r.status for r in requests)
    lines.append(
        "answers: " + ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(statuses.items()))
    )
    for name, window in windows.items():
        failed = [r for r in requests if r.failed and _within(r, window)]
        lines.append(
            f"failed within {name} ({window[0]:.1f}–{window[1]:.1f} s, +{AFTER:.0f} s): "
            f"{len(failed)} ({_kinds_of_failure(failed)})"
        )
    elsewhere = [
        r for r in requests if r.failed and not any(_within(r, w) for w in windows.values())
    ]
    lines.append(f"failed outside the faults: {len(elsewhere)} ({_kinds_of_failure(elsewhere)})")
    by_second = Counter(int(r.at) for r in requests if r.failed)
    lines.append(
        "failures by second of starting: "
        + (", ".join(f"{second} s: {n}" for second, n in sorted(by_second.items())) or "none")
    )
    return "\n".join(lines)


def saturation(bare: list[Request], pages: list[Request], seconds: float) -> str:
    """Requests per second of the bare view and of the pages, each alone at saturation
    through the same server, and what one page costs in bare views."""
    bare_rate, pages_rate = len(bare) / seconds, len(pages) / seconds
    ratio = f"{bare_rate / pages_rate:.1f}" if pages_rate else "–"
    return (
        f"at saturation: the bare view {bare_rate:.1f} requests/s, the pages {pages_rate:.1f} "
        f"requests/s: one page costs as much as {ratio} bare views"
    )


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
