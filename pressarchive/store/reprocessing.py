"""Reprocess runs: extracting archived captures again, resumable from a durable cursor.

A run works through documents in id order and commits its cursor (``last_document``) in the
same transaction as the versions it added, so after ``kill -9`` the next run with the same
``source`` and ``since`` goes on after the cursor and no document gets a version twice. A run
that finished is not continued: the next one starts afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import schema
from pressarchive.store.rows import new_id
from pressarchive.store.records import Version

RESUMABLE = ("running", "interrupted")


@dataclass(frozen=True, slots=True)
class ReprocessRun:
    """A started run: its id, the run it continues (if any) and the cursor it starts after."""

    id: int
    resumed_from: int | None
    last_document: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A document to extract again: its id, URL and source, and its current version, whose
    capture holds the bytes."""

    document_id: int
    url: str
    source: str
    version: Version


def start_run(conn: Connection, source: str | None, since: date | None, started_at: datetime) -> ReprocessRun:
    """A new run, continuing the latest unfinished one with the same ``source`` and ``since``."""
    runs = schema.reprocess_runs
    previous = conn.execute(
        sa.select(runs.c.id, runs.c.last_document)
        .where(runs.c.status.in_(RESUMABLE), _same(runs.c.source, source), _same(runs.c.since, since))
        .order_by(runs.c.id.desc()).limit(1)
    ).first()
    resumed_from, cursor = (previous.id, previous.last_document) if previous else (None, 0)
    if resumed_from is not None:
        conn.execute(runs.update().where(runs.c.id == resumed_from).values(status="resumed"))
    result = conn.execute(runs.insert().values(
        started_at=started_at, status="running", source=source, since=since,
        last_document=cursor, resumed_from=resumed_from,
    ))
    return ReprocessRun(new_id(result), resumed_from, cursor)


def _same(column: sa.Column[Any], value: Any) -> sa.ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def advance(conn: Connection, run_id: int, last_document: int) -> None:
    runs = schema.reprocess_runs
    conn.execute(runs.update().where(runs.c.id == run_id).values(last_document=last_document))


def finish_run(conn: Connection, run_id: int, status: str, finished_at: datetime, report: Any) -> None:
    runs = schema.reprocess_runs
    conn.execute(runs.update().where(runs.c.id == run_id).values(
        status=status, finished_at=finished_at, report=report,
    ))


def selection(source: str | None, since: date | None, after: int) -> list[sa.ColumnElement[bool]]:
    """Conditions on documents joined to their current version: those a run still has to do."""
    docs, vers = schema.documents, schema.versions
    where = [docs.c.id > after]
    if source is not None:
        where.append(docs.c.source == source)
    if since is not None:
        where.append(vers.c.captured_at >= datetime(since.year, since.month, since.day))
    return where
