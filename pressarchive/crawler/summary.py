"""What a crawl did, from its Scrapy stats: fetched, new, changed, unchanged, removed, skipped,
errors. ``unchanged`` includes releases a 304 Not Modified confirmed (also counted apart);
``revisited`` counts releases fetched only because the revisit policy said they were due, and
``changed_on_revisit`` those of them that had been edited (also counted in ``changed``).

A source's crawl has *failed* (exit status 1) when its robots.txt could not be read, when
releases were requested and none could be fetched (a site answering 403 to every release:
robots.txt and listings alone do not count), or when nothing could be fetched at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pressarchive.crawler.storage import STORAGE_ERROR_STAT

#: Stats key holding why a shared crawl's Redis frontier stopped this process (crawl --frontier).
FRONTIER_ERROR_STAT = "pressarchive/frontier_error"

# Scrapy's own counters of requests it declined on purpose, by our reason names.
_SCRAPY_SKIPS = {
    "offsite/filtered": "offsite", "robotstxt/forbidden": "robots_txt",
    "depth/request_ignored_count": "max_depth", "urllength/request_ignored_count": "url_too_long",
}


@dataclass
class CrawlSummary:
    source: str
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    restored: int = 0
    not_modified: int = 0
    revisited: int = 0
    changed_on_revisit: int = 0
    removed_by_reason: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    first_error: str = ""
    releases_fetched: int = 0  # release pages answered (2xx or 304)
    releases_failed: int = 0  # release requests given up with an error
    robots_unreadable: str = ""  # the first robots.txt that could not be read, in words
    seconds: float = 0.0
    finish_reason: str = ""
    storage_error: str = ""  # why the archive could not be written, when that stopped the crawl
    frontier_error: str = ""  # why the shared crawl's Redis frontier stopped this process
    run_id: int = 0  # the run in the store, for `crawl --resume`
    stop_signal: int = 0  # the signal (SIGINT, SIGTERM) that stopped the crawl, 0 if none

    @classmethod
    def from_stats(cls, source: str, stats: dict[str, Any], *, run_id: int = 0, stop_signal: int = 0) -> CrawlSummary:
        def prefixed(prefix: str) -> dict[str, int]:
            return {k[len(prefix):]: int(v) for k, v in stats.items() if k.startswith(prefix)}

        skipped = prefixed("pressarchive/skipped/")
        for key, reason in _SCRAPY_SKIPS.items():
            if stats.get(key):
                skipped[reason] = skipped.get(reason, 0) + int(stats[key])
        documents = prefixed("pressarchive/documents/")
        return cls(
            source=source,
            fetched=int(stats.get("downloader/response_count", 0)),
            new=documents.get("new", 0),
            changed=documents.get("changed", 0),
            unchanged=documents.get("unchanged", 0),
            removed=documents.get("removed", 0),
            restored=documents.get("restored", 0),
            not_modified=int(stats.get("pressarchive/not_modified", 0)),
            revisited=int(stats.get("pressarchive/revisits/fetched", 0)),
            changed_on_revisit=int(stats.get("pressarchive/revisits/changed", 0)),
            removed_by_reason=dict(sorted(prefixed("pressarchive/removed/").items())),
            skipped=dict(sorted(skipped.items())),
            errors=dict(sorted(prefixed("pressarchive/errors/").items())),
            first_error=str(stats.get("pressarchive/first_error", "")),
            releases_fetched=int(stats.get("pressarchive/releases/fetched", 0)),
            releases_failed=int(stats.get("pressarchive/releases/failed", 0)),
            robots_unreadable=str(stats.get("pressarchive/robots_unreadable", "")),
            seconds=float(stats.get("elapsed_time_seconds", 0.0)),
            finish_reason=str(stats.get("finish_reason", "")),
            storage_error=str(stats.get(STORAGE_ERROR_STAT, "")),
            frontier_error=str(stats.get(FRONTIER_ERROR_STAT, "")),
            run_id=run_id,
            stop_signal=stop_signal,
        )

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def errors_total(self) -> int:
        return sum(self.errors.values())

    @property
    def failure(self) -> str:
        """Why this source's crawl failed, in one line; ``""`` when it did not."""
        if self.frontier_error:
            return self.frontier_error
        if self.robots_unreadable:
            return self.robots_unreadable
        if self.fetched == 0 and self.errors_total > 0:
            return f"nothing could be fetched: {self.first_error}"
        if self.releases_failed and not self.releases_fetched:
            return f"no release could be fetched: {self.first_error}"
        return ""

    @property
    def interrupted(self) -> bool:
        """Whether a signal (Ctrl-C, SIGTERM) stopped this source's crawl before it finished."""
        # Scrapy's reason for a stop on a signal; a signal during start-up may stop a crawler
        # before it has a reason at all.
        return self.finish_reason == "shutdown" or bool(self.stop_signal)

    @property
    def failed(self) -> bool:
        return bool(self.failure)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source, "fetched": self.fetched, "new": self.new,
            "changed": self.changed, "unchanged": self.unchanged, "removed": self.removed,
            "restored": self.restored, "not_modified": self.not_modified,
            "revisited": self.revisited, "changed_on_revisit": self.changed_on_revisit,
            "removed_by_reason": self.removed_by_reason,
            "skipped": self.skipped_total, "skipped_by_reason": self.skipped,
            "errors": self.errors_total, "errors_by_kind": self.errors,
            "first_error": self.first_error, "failure": self.failure,
            "releases_fetched": self.releases_fetched, "releases_failed": self.releases_failed,
            "seconds": round(self.seconds, 2),
            "finish_reason": self.finish_reason, "storage_error": self.storage_error,
        }
