"""Hand corrections kept with who, when and why, and the operation-name merges they make.

A correction is never written into a version or a figure row: versions are evidence of what a
source published, and a re-extraction adds new versions and figure rows. Corrections are read
beside them instead and applied every time the archive is read, so they hold for any later
version of the same document. A withdrawn correction stays on record with ``withdrawn_at``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from pressarchive.isodate import utc_iso
from pressarchive.store import schema
from pressarchive.store.rows import new_id

MERGE_OPERATION = "merge_operation"
REJECT_FIGURE = "reject_figure"
ADD_FIGURE = "add_figure"
KINDS = (MERGE_OPERATION, REJECT_FIGURE, ADD_FIGURE)


@dataclass(frozen=True, slots=True)
class Correction:
    """One hand correction: what it changes (``kind``, ``target``, ``payload``) and who made it."""

    id: int
    kind: str
    target: str
    payload: dict[str, Any]
    author: str
    reason: str
    created_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def note(self) -> dict[str, Any]:
        """Who, when and why: shown beside everything the correction changed."""
        return {"id": self.id, "by": self.author, "at": utc_iso(self.created_at), "why": self.reason}

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "target": self.target, "payload": self.payload,
            "author": self.author, "reason": self.reason, "created_at": utc_iso(self.created_at),
            "withdrawn_at": utc_iso(self.withdrawn_at) if self.withdrawn_at else None,
            "withdrawn_by": self.withdrawn_by,
        }


@dataclass(frozen=True, slots=True)
class Merge:
    """Where an operation key ends up after every merge: its canonical key and display name."""

    key: str
    name: str
    correction: Correction




def add(
    conn: Connection, kind: str, target: str, payload: dict[str, Any], author: str, reason: str,
    when: datetime,
) -> Correction:
    correction_id = new_id(conn.execute(schema.corrections.insert().values(
        kind=kind, target=target, payload=payload, author=author, reason=reason, created_at=when,
    )))
    return Correction(correction_id, kind, target, payload, author, reason, when)


def listing(conn: Connection, include_withdrawn: bool = False) -> list[Correction]:
    table = schema.corrections
    query = sa.select(table).order_by(table.c.id)
    if not include_withdrawn:
        query = query.where(table.c.withdrawn_at.is_(None))
    return [_from_row(row) for row in conn.execute(query)]


def get(conn: Connection, correction_id: int) -> Correction | None:
    table = schema.corrections
    row = conn.execute(sa.select(table).where(table.c.id == correction_id)).first()
    return _from_row(row) if row is not None else None


def withdraw(conn: Connection, correction_id: int, by: str, when: datetime) -> bool:
    """Withdraw the correction if it is still active; False if someone withdrew it first (on
    PostgreSQL a second withdrawal waits for the first and then finds it done, rather than
    overwriting who withdrew it and when)."""
    table = schema.corrections
    return bool(conn.execute(table.update().where(table.c.id == correction_id, table.c.withdrawn_at.is_(None))
                             .values(withdrawn_at=when, withdrawn_by=by)).rowcount)


def _from_row(row: Row[Any]) -> Correction:
    return Correction(
        id=row.id, kind=row.kind, target=row.target, payload=dict(row.payload or {}), author=row.author,
        reason=row.reason, created_at=row.created_at, withdrawn_at=row.withdrawn_at,
        withdrawn_by=row.withdrawn_by,
    )


def merges(corrections: Iterable[Correction]) -> dict[str, Merge]:
    """Alias key -> its final canonical key and name, following chains (a -> b -> c)."""
    direct = {
        c.target: c for c in corrections if c.active and c.kind == MERGE_OPERATION
    }
    resolved: dict[str, Merge] = {}
    for alias, correction in direct.items():
        seen = {alias}
        final = correction
        while final.payload["canonical"] in direct and final.payload["canonical"] not in seen:
            seen.add(final.payload["canonical"])
            final = direct[final.payload["canonical"]]
        resolved[alias] = Merge(final.payload["canonical"], final.payload["canonical_name"], correction)
    return resolved


def merged_names(names: Iterable[str], merged: Mapping[str, Merge]) -> tuple[str, ...]:
    """``names`` with merged aliases replaced by their canonical name, without repeats."""
    if not merged:
        return tuple(names)
    from pressarchive.extract.operations import normalise_operation  # see operations.operation_rows

    out: dict[str, str] = {}
    for name in names:
        key = normalise_operation(name)
        merge = merged.get(key)
        if merge is not None:
            key, name = merge.key, merge.name
        out.setdefault(key, name)
    return tuple(out.values())
