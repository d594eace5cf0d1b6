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


#: What a source publishes (profile field ``kind``): its own press releases, or news reports
#: that may retell them (lineage links the two). The first is the default.
SOURCE_KINDS: tuple[str, ...] = ("press_room", "news")

#: What a reported figure counts. ``devices`` and ``files`` are seized items; ``money`` is an
#: amount seized (``unit`` holds the ISO 4217 currency); ``countries`` is the number of
#: countries a release says took part.
FIGURE_KINDS: tuple[str, ...] = (
    "arrested", "detained", "identified", "charged", "convicted", "countries", "searches",
    "devices", "files", "victims_identified", "victims_safeguarded", "money",
)
#: How a figure was stated: "38 arrested" (exact), "more than 100" (at_least), "some 40"
#: (about), "up to 20" (at_most).
QUALIFIERS: tuple[str, ...] = ("exact", "at_least", "about", "at_most")


@dataclass(frozen=True, slots=True)
class Figure:
    """A number a document reports (38 people arrested), with the sentence that says so.

    ``start`` and ``end`` are character offsets of the sentence in the document's text, so a
    figure can be shown in context and a hand correction can name exactly which one it means.
    """

    kind: str
    value: float
    qualifier: str = "exact"
    sentence: str = ""
    start: int = 0
    end: int = 0
    unit: str = ""

    def to_json(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {
            "kind": self.kind, "value": value, "qualifier": self.qualifier, "unit": self.unit,
            "sentence": self.sentence, "start": self.start, "end": self.end,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        return cls(
            kind=str(data["kind"]), value=float(data["value"]), qualifier=str(data.get("qualifier", "exact")),
            sentence=str(data.get("sentence", "")), start=int(data.get("start", 0)),
            end=int(data.get("end", 0)), unit=str(data.get("unit", "")),
        )


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
    # The publishing source's own agency and country (from its profile).
    agency: str = ""
    country: str = ""
    # What the text mentions: ISO 3166-1 alpha-2 codes, agency ids (pressarchive/extract/data/
    # agencies.toml) and reported figures, all worked out from title and text at extraction.
    countries: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    # Near-duplicate cluster: id of the first document of its syndicated copies (None: no copy).
    cluster: int | None = field(default=None, compare=False)
    id: int | None = field(default=None, compare=False)
    version: int | None = field(default=None, compare=False)

    def replace(self, **changes: Any) -> Document:
        """A copy with some fields changed (the record is frozen so stages cannot race on it)."""
        return dataclasses.replace(self, **changes)
