"""The one record that flows between the stages: a press release with its metadata.

The extractor makes it from a capture, the store keeps it (and assigns ``id``), the index and
the web read it back. Keeping a single frozen type means every stage agrees on what a
document is, and a later engine or exporter needs to learn only this shape.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    """A press release or news report as extracted from one capture."""

    url: str
    title: str
    text: str
    language: str
    published: date | None = None
    operations: tuple[str, ...] = ()
    source: str = ""
    agency: str = ""
    country: str = ""
    id: int | None = field(default=None, compare=False)
    version: int | None = field(default=None, compare=False)

    def replace(self, **changes: Any) -> Document:
        """A copy with some fields changed (the record is frozen so stages cannot race on it)."""
        return dataclasses.replace(self, **changes)
