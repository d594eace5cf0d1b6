"""The report of a shared crawl (``crawl --frontier``): the sum of its processes' run reports.

Each crawler process writes its own run row and report, all with the same ``runs.frontier``
key; the shared crawl's figures are their sum, taken from the store, so a process on another
machine counts as soon as its report is in. A process still running, or killed, has no report
yet: it is counted apart (``unreported``), its work not in the sums.

One key names a new crawl each time a finished one is cleared (a daily crawl of the same
sources): the reports carry the crawl's id (``frontier_crawl``), and the total is that of the
latest crawl only, never the sum of every crawl the key ever named. The runs without a report
counted are those that started after the first reported run of that crawl (a process of it
killed before that one started is missed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pressarchive.store import Archive

#: The figures of a source's summary (``CrawlSummary.to_json``) that add up across processes.
SUMMED = ("fetched", "new", "changed", "unchanged", "removed", "restored", "not_modified",
          "revisited", "skipped", "errors", "releases_fetched", "releases_failed")


@dataclass
class FrontierTotal:
    key: str
    runs: list[int] = field(default_factory=list)
    workers: list[str] = field(default_factory=list)
    reported: int = 0  # runs whose process finished (or stopped) and wrote its report
    unreported: int = 0  # runs still going, or whose process was killed
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SUMMED, 0))

    def to_json(self) -> dict[str, Any]:
        return {"frontier": self.key, "runs": self.runs, "workers": self.workers,
                "reported": self.reported, "unreported": self.unreported, **self.totals}

    def line(self) -> str:
        """One line for the terminal."""
        figures = ", ".join(f"{name} {self.totals[name]}" for name in ("fetched", "new", "changed", "unchanged",
                                                                        "skipped", "errors"))
        return (f"shared crawl {self.key!r} so far: {self.reported} processes reported"
                f"{f', {self.unreported} running or killed' if self.unreported else ''}: {figures}")


def frontier_total(archive: Archive, key: str) -> FrontierTotal:
    """The summed report of every process of the shared crawl ``key`` in ``archive``."""
    total = FrontierTotal(key)
    runs = archive.frontier_runs(key)
    reported = [run for run in runs if isinstance(run["report"], dict)]
    latest = reported[-1]["report"].get("frontier_crawl") if reported else None
    first = min((int(run["id"]) for run in reported if run["report"].get("frontier_crawl") == latest), default=0)
    for run in runs:
        report = run["report"]
        if isinstance(report, dict) and report.get("frontier_crawl") != latest:
            continue  # an earlier crawl under the same key
        if not isinstance(report, dict) and int(run["id"]) < first:
            continue  # killed during an earlier crawl
        total.runs.append(int(run["id"]))
        total.workers.append(str(run["worker"] or ""))
        if not isinstance(report, dict):
            total.unreported += 1
            continue
        total.reported += 1
        for summary in report.get("summaries", []):
            for name in SUMMED:
                total.totals[name] += int(summary.get(name, 0))
    return total
