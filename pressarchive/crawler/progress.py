"""A live table of running crawls (rich), refreshed from the crawlers' stats.

It reads the same stats the final summary is built from, so what the user watches and what
the summary reports cannot disagree.
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from pressarchive.crawler.summary import CrawlSummary

COLUMNS = ("source", "fetched", "new", "changed", "unchanged", "removed", "skipped", "errors", "seconds")


def summary_table(summaries: list[CrawlSummary], title: str = "") -> Table:
    """The crawl counts as a table, one row per source."""
    table = Table(title=title or None, title_justify="left")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column == "source" else "right")
    for summary in summaries:
        table.add_row(
            summary.source, str(summary.fetched), str(summary.new), str(summary.changed),
            str(summary.unchanged), str(summary.removed), str(summary.skipped_total), str(summary.errors_total),
            f"{summary.seconds:.1f}",
        )
    return table


class CrawlProgress:
    """Shows a table of (source name, crawler) pairs while they run."""

    def __init__(self, crawlers: list[tuple[str, Any]], console: Console | None = None) -> None:
        self.crawlers = crawlers
        self.started = time.monotonic()
        # Redrawn by refresh() from the reactor's own timer: rich's refresh thread would compete
        # with the reactor for the GIL.
        self.live = Live(console=console or Console(stderr=True), auto_refresh=False, transient=True)

    def __enter__(self) -> CrawlProgress:
        self.live.__enter__()
        self.refresh()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.__exit__(*exc)  # type: ignore[arg-type]

    def refresh(self) -> None:
        elapsed = time.monotonic() - self.started
        summaries = []
        for name, crawler in self.crawlers:
            stats = crawler.stats.get_stats() if crawler.stats else {}
            summary = CrawlSummary.from_stats(name, stats)
            summary.seconds = elapsed
            summaries.append(summary)
        self.live.update(summary_table(summaries, "crawling…"), refresh=True)
