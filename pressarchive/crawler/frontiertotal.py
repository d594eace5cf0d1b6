"""The report of a shared crawl (``crawl --frontier``): the sum of its processes' run reports.

Each crawler process writes its own run row and report, all with the same ``runs.frontier``
key; the shared crawl's figures are their sum, taken from the store, so a process on another
machine counts as soon as its report is in. A process still running, or killed, has no report
yet: it is counted apart (``unreported``), its work not in the sums.

One key names a new crawl each time a finished one is cleared (a daily crawl of the same
sources): each run row carries the crawl's id from its start (``runs.frontier_crawl``, also in
the report), and the total is that of the latest crawl only, never the sum of every crawl the
key ever named; a killed process's run belongs to its crawl whenever it started.
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
    """The summed report of every process of the latest shared crawl ``key`` in ``archive``."""
    total = FrontierTotal(key)
    runs = archive.frontier_runs(key)
    crawls = [_crawl_of(run) for run in runs]
    latest = next((crawl for crawl in reversed(crawls) if crawl is not None), None)
    for run, crawl in zip(runs, crawls, strict=True):
        if crawl != latest:
            continue  # an earlier crawl under the same key
        report = run["report"]
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


def _crawl_of(run: dict[str, Any]) -> str | None:
    """Which crawl of the key ``run`` took part in: kept in its row since it started (a killed
    process's run too); for a run from before that column, from its report, if it wrote one."""
    if run.get("frontier_crawl"):
        return str(run["frontier_crawl"])
    report = run["report"]
    return str(report.get("frontier_crawl")) if isinstance(report, dict) and report.get("frontier_crawl") else None
