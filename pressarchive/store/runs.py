"""Crawl runs: when each crawl started and ended, how, and which run a resumed crawl continues.

A run left ``running`` was killed outright (``kill -9``, power loss); ``interrupted`` means it
stopped on SIGINT/SIGTERM. Either can be resumed: the new run skips the releases its
predecessors already captured, so nothing is fetched twice and nothing is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import schema
from pressarchive.store.rows import new_id

RESUMABLE = ("running", "interrupted")


def start_run(conn: Connection, sources: list[str], started_at: datetime, resumed_from: int | None,
              frontier: str | None = None, worker: str | None = None, frontier_crawl: str | None = None) -> int:
    if resumed_from is not None:
        conn.execute(schema.runs.update().where(schema.runs.c.id == resumed_from).values(status="resumed"))
    result = conn.execute(schema.runs.insert().values(
        started_at=started_at, status="running", sources=sorted(sources), resumed_from=resumed_from,
        frontier=frontier, worker=worker, frontier_crawl=frontier_crawl,
    ))
    return new_id(result)


def finish_run(conn: Connection, run_id: int, status: str, finished_at: datetime, report: Any) -> None:
    conn.execute(schema.runs.update().where(schema.runs.c.id == run_id).values(
        status=status, finished_at=finished_at, report=report,
    ))


def resumable_run(conn: Connection, sources: list[str]) -> int | None:
    """The latest unfinished run of exactly these sources, if any (not one process's run of a
    shared crawl: its frontier, not the store, says what is left)."""
    runs = schema.runs
    rows = conn.execute(
        sa.select(runs.c.id, runs.c.sources)
        .where(runs.c.status.in_(RESUMABLE), runs.c.frontier.is_(None)).order_by(runs.c.id.desc())
    )
    wanted = sorted(sources)
    return next((row.id for row in rows if sorted(row.sources) == wanted), None)


def frontier_runs(conn: Connection, frontier: str) -> list[dict[str, Any]]:
    """Every run of the shared crawl ``frontier`` (one per crawler process), oldest first:
    its id, worker, status and report (None while it runs, or if it was killed)."""
    runs = schema.runs
    query = (sa.select(runs.c.id, runs.c.worker, runs.c.status, runs.c.started_at, runs.c.report, runs.c.frontier_crawl)
             .where(runs.c.frontier == frontier).order_by(runs.c.id))
    return [dict(row._mapping) for row in conn.execute(query)]


def continue_dead_runs(conn: Connection, frontier: str, alive: set[str]) -> int:
    """Mark the runs of the shared crawl ``frontier`` left ``running`` by a process that is gone
    (its worker not in ``alive``) as ``resumed``: the processes still crawling carry them on."""
    runs = schema.runs
    result = conn.execute(runs.update().where(
        runs.c.frontier == frontier, runs.c.status == "running", runs.c.worker.not_in(sorted(alive)),
    ).values(status="resumed"))
    return int(result.rowcount or 0)


def run_chain(conn: Connection, run_id: int) -> list[int]:
    """The run and every run it resumed, newest first."""
    chain = []
    current: int | None = run_id
    while current is not None and current not in chain:
        chain.append(current)
        current = conn.execute(
            sa.select(schema.runs.c.resumed_from).where(schema.runs.c.id == current)
        ).scalar_one_or_none()
    return chain


def done_urls(conn: Connection, run_ids: list[int], source: str) -> set[str]:
    """Release URLs already stored or confirmed since the first of these runs started.

    A capture alone is not enough: a crawl killed between writing the WARC record and saving
    the extracted document must fetch that release again.
    """
    started = conn.execute(sa.select(sa.func.min(schema.runs.c.started_at)).where(schema.runs.c.id.in_(run_ids)))
    since = started.scalar_one()
    docs = schema.documents
    query = sa.select(docs.c.url).where(docs.c.source == source, docs.c.last_captured >= since)
    return {row.url for row in conn.execute(query)}


def last_crawls(conn: Connection) -> dict[str, datetime]:
    """For each source, when its latest run started."""
    latest: dict[str, datetime] = {}
    for row in conn.execute(sa.select(schema.runs.c.sources, schema.runs.c.started_at)):
        for source in row.sources:
            if source not in latest or row.started_at > latest[source]:
                latest[source] = row.started_at
    return latest
