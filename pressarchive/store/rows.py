"""Two row chores every store module shares: ids in ``IN (...)``-sized chunks, and a new row's id."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

# Ids per IN (...) query: well under SQLite's limit on bound parameters.
ID_CHUNK = 500


def id_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """``ids`` sorted, without repeats, in lists of at most :data:`ID_CHUNK` for ``IN (...)``."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), ID_CHUNK):
        yield wanted[start:start + ID_CHUNK]


def new_id(result: sa.CursorResult[Any]) -> int:
    """The primary key an INSERT gave its row."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
