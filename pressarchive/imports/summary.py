"""What an import did: counts like a crawl's summary, and every bad record with its offset."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

#: Bad records listed in a report (the count is always complete).
BAD_EXAMPLES = 50


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that could not be read: the file, the byte offset where it starts, why."""

    file: str
    offset: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}@{self.offset}: {self.reason}"


@dataclass
class ImportSummary:
    """Counts of one import.

    ``records``: WARC/ARC records read. ``responses``: HTTP responses among them (revisits
    resolved). ``documents``: saved documents by outcome (new, changed, unchanged, past).
    ``skipped``: responses not imported, by why (duplicate, media, not_text, status,
    no_text, extraction...). ``bad``: records that could not be read at all.
    """

    files: int = 0
    records: int = 0
    responses: int = 0
    captures: int = 0
    documents: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    bad: list[BadRecord] = field(default_factory=list)
    bad_count: int = 0
    seconds: float = 0.0
    #: How far the readers are through the input files (for a progress bar).
    bytes_read: int = 0

    def add_bad(self, bad: BadRecord) -> None:
        self.bad_count += 1
        if len(self.bad) < BAD_EXAMPLES:
            self.bad.append(bad)

    @property
    def had_trouble(self) -> bool:
        """Whether something could not be imported (the CLI's exit status says so)."""
        failed = sum(count for reason, count in self.skipped.items() if reason.startswith("extraction"))
        return bool(self.bad_count or failed)

    def to_json(self) -> dict[str, object]:
        return {
            "files": self.files, "records": self.records, "responses": self.responses,
            "captures": self.captures, "documents": dict(sorted(self.documents.items())),
            "skipped": dict(sorted(self.skipped.items())), "bad_records": self.bad_count,
            "bad_examples": [{"file": b.file, "offset": b.offset, "reason": b.reason} for b in self.bad],
            "bytes_read": self.bytes_read, "seconds": round(self.seconds, 3),
        }
