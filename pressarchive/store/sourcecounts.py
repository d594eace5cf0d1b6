"""What the archive holds from each source: documents and their dates, removals, the last crawl.

For the sources page, ``/api/sources`` and ``pressarchive sources``. Each aspect is one
grouped query over every source (documents with their current versions, removals, runs), never
a query per source, so the page costs the same with 5 sources or 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.isodate import utc_iso
from pressarchive.store import schema

#: What a crawl report's per-source summary says that the sources page shows.
CRAWL_FIELDS = ("fetched", "new", "changed", "unchanged", "removed", "errors", "errors_by_kind",
                "first_error", "failure", "finish_reason")


@dataclass(frozen=True, slots=True)
class LastCrawl:
    """A source's latest crawl run: when, how it ended and, once finished, what it did.

    ``report`` is the source's summary from the run's report (fetched, new, changed, errors by
    kind, the first error, the failure if the crawl failed); empty while the run is unfinished
    or when it was killed before writing one (status ``running``).
    """

    run: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    report: dict[str, Any]

    @property
    def errors(self) -> int:
        return int(self.report.get("errors") or 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "run": self.run, "started": utc_iso(self.started_at),
            "finished": utc_iso(self.finished_at) if self.finished_at else None, "status": self.status,
            **{name: self.report.get(name) for name in CRAWL_FIELDS},
        }


@dataclass(frozen=True, slots=True)
class SourceCounts:
    """One source as the archive knows it: its profile's fields, documents, dates, removals, last crawl."""

    name: str
    title: str = ""
    agency: str = ""
    country: str = ""
    language: str = ""
    kind: str = ""
    documents: int = 0
    earliest_published: date | None = None
    latest_published: date | None = None
    first_captured: datetime | None = None
    last_captured: datetime | None = None
    open_removals: int = 0
    removals: int = 0
    last_crawl: LastCrawl | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "agency": self.agency, "country": self.country,
            "language": self.language, "kind": self.kind, "documents": self.documents,
            "published": {"earliest": _day(self.earliest_published), "latest": _day(self.latest_published)},
            "captured": {"first": _moment(self.first_captured), "last": _moment(self.last_captured)},
            "removals": {"open": self.open_removals, "total": self.removals},
            "last_run": self.last_crawl.to_json() if self.last_crawl else None,
        }


def source_counts(conn: Connection) -> list[SourceCounts]:
    """Every source the store has a row or a document for, by name."""
    profiles = {row.name: row for row in conn.execute(sa.select(schema.sources))}
    documents = _document_counts(conn)
    removals = _removal_counts(conn)
    crawls = last_crawls(conn)
    found = []
    for name in sorted(set(profiles) | set(documents)):
        profile, docs = profiles.get(name), documents.get(name)
        removed = removals.get(name, (0, 0))
        found.append(SourceCounts(
            name=name, title=profile.title if profile else "", agency=profile.agency if profile else "",
            country=profile.country if profile else "", language=profile.language if profile else "",
            kind=(profile.kind or "press_room") if profile else "",
            documents=docs.documents if docs else 0,
            earliest_published=docs.earliest if docs else None, latest_published=docs.latest if docs else None,
            first_captured=docs.first if docs else None, last_captured=docs.last if docs else None,
            open_removals=removed[0], removals=removed[1], last_crawl=crawls.get(name),
        ))
    return found


def _document_counts(conn: Connection) -> dict[str, Any]:
    docs, vers = schema.documents, schema.versions
    query = (
        sa.select(
            docs.c.source, sa.func.count().label("documents"),
            sa.func.min(vers.c.published).label("earliest"), sa.func.max(vers.c.published).label("latest"),
            sa.func.min(docs.c.first_captured).label("first"), sa.func.max(docs.c.last_captured).label("last"),
        )
        .join(vers, vers.c.id == docs.c.current_version)
        .group_by(docs.c.source)
    )
    return {row.source: row for row in conn.execute(query)}


def _removal_counts(conn: Connection) -> dict[str, tuple[int, int]]:
    """Source -> (documents removed now, removals ever recorded)."""
    docs, removals = schema.documents, schema.removals
    still = sa.func.sum(sa.case((removals.c.restored_at.is_(None), 1), else_=0))
    query = (
        sa.select(docs.c.source, still.label("open"), sa.func.count().label("total"))
        .join(docs, docs.c.id == removals.c.document_id)
        .group_by(docs.c.source)
    )
    return {row.source: (int(row.open or 0), int(row.total)) for row in conn.execute(query)}


def last_crawls(conn: Connection) -> dict[str, LastCrawl]:
    """Each source's latest crawl run, with its summary from that run's report.

    The runs' source lists are read without their reports (one query); then only the latest
    runs' reports are read (one more).
    """
    runs = schema.runs
    latest: dict[str, Any] = {}
    listing = sa.select(runs.c.id, runs.c.started_at, runs.c.finished_at, runs.c.status, runs.c.sources)
    for row in conn.execute(listing.order_by(runs.c.started_at, runs.c.id)):
        for source in row.sources or ():
            latest[source] = row
    wanted = {row.id for row in latest.values()}
    reports = {
        row.id: row.report or {}
        for row in conn.execute(sa.select(runs.c.id, runs.c.report).where(runs.c.id.in_(wanted)))
    } if wanted else {}
    return {
        source: LastCrawl(row.id, row.started_at, row.finished_at, row.status,
                          _summary_of(reports.get(row.id, {}), source))
        for source, row in latest.items()
    }


def _summary_of(report: dict[str, Any], source: str) -> dict[str, Any]:
    summaries = report.get("summaries") if isinstance(report, dict) else None
    for summary in summaries or ():
        if isinstance(summary, dict) and summary.get("source") == source:
            return summary
    return {}


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _moment(moment: datetime | None) -> str | None:
    return utc_iso(moment) if moment else None
