"""What a Wayback import did: what the CDX API listed, what was fetched, what the import made of it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pressarchive.imports import ImportSummary
from pressarchive.wayback.spider import STATS

#: Scrapy's count of requests robots.txt forbade.
_ROBOTS_FORBIDDEN = "robotstxt/forbidden"


@dataclass
class WaybackSummary:
    """``listed``: captures the CDX API listed; ``requested``/``fetched``: captures asked for and
    received; ``skipped``: listed captures not fetched, by why (``imported_before``,
    ``media_extension``, ``robots_txt``, ...); ``errors``: requests that failed, by kind
    (``cdx_`` ones are listing pages); ``imported``: what the import session did."""

    imported: ImportSummary
    listed: int = 0
    requested: int = 0
    fetched: int = 0
    cdx_pages: int = 0
    retry_after_waits: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    stop_signal: int = 0

    @classmethod
    def from_stats(cls, imported: ImportSummary, stats: Mapping[str, Any], requested: int,
                   stop_signal: int = 0) -> WaybackSummary:
        def number(key: str) -> int:
            return int(stats.get(key) or 0)

        summary = cls(imported, listed=number(f"{STATS}/listed"), requested=requested,
                      fetched=number(f"{STATS}/fetched"), cdx_pages=number(f"{STATS}/cdx_pages"),
                      retry_after_waits=number("pressarchive/retry_after/honoured"), stop_signal=stop_signal)
        for prefix, counter in (("skipped/", summary.skipped), ("errors/", summary.errors)):
            for key, value in stats.items():
                for root in (f"{STATS}/", "pressarchive/"):
                    if key.startswith(root + prefix) and value:
                        counter[key[len(root + prefix):]] += int(value)
        if number(_ROBOTS_FORBIDDEN):
            summary.skipped["robots_txt"] += number(_ROBOTS_FORBIDDEN)
        return summary

    @property
    def interrupted(self) -> bool:
        return bool(self.stop_signal)

    @property
    def had_trouble(self) -> bool:
        """Whether something could not be listed, fetched or imported (exit status 1)."""
        return bool(self.errors) or self.imported.had_trouble

    def to_json(self) -> dict[str, object]:
        return {
            "listed": self.listed, "requested": self.requested, "fetched": self.fetched,
            "cdx_pages": self.cdx_pages, "retry_after_waits": self.retry_after_waits,
            "fetch_skipped": dict(sorted(self.skipped.items())), "fetch_errors": dict(sorted(self.errors.items())),
            "interrupted": self.interrupted, **self.imported.to_json(),
        }
