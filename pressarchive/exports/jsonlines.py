"""JSON Lines: one JSON object per document and line, keyed by the export's column names."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any


def jsonl_chunks(header: Sequence[str], batches: Iterable[Iterable[Sequence[Any]]]) -> Iterator[bytes]:
    """One UTF-8 chunk per batch, each row an object of ``header`` -> value on its own line."""
    for rows in batches:
        lines = [json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) for row in rows]
        if lines:
            yield ("\n".join(lines) + "\n").encode("utf-8")
