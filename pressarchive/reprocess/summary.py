"""What a reprocess run did, counted as it goes (the progress bar and the summary read the same counts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Example document ids kept per kind of trouble (the counts are always complete).
EXAMPLES = 5


@dataclass
class ReprocessSummary:
    """Documents seen by one run: ``changed`` got a new version, ``unchanged`` did not,
    ``unreadable`` had no readable WARC record, ``failed`` could not be extracted (by kind:
    ``extraction``, ``extraction_timeout``, ``extraction_memory``, ``extraction_crashed``,
    ``no_text``). Neither of the last two loses anything: the document keeps its versions."""

    run_id: int
    resumed_from: int | None = None
    started_after: int = 0  # the cursor the run started from (0: the first document)
    total: int = 0  # documents the run had to do when it started
    seen: int = 0
    changed: int = 0
    unchanged: int = 0
    unreadable: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)
    last_document: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    stop_signal: int | None = None

    @property
    def unreadable_total(self) -> int:
        return sum(self.unreadable.values())

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    @property
    def pages_per_second(self) -> float:
        return self.seen / self.seconds if self.seconds > 0 else 0.0

    def count_trouble(self, counts: dict[str, int], kind: str, document_id: int) -> None:
        counts[kind] = counts.get(kind, 0) + 1
        examples = self.examples.setdefault(kind, [])
        if len(examples) < EXAMPLES:
            examples.append(document_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "run": self.run_id, "resumed_from": self.resumed_from, "started_after_document": self.started_after,
            "status": "interrupted" if self.interrupted else "finished",
            "total": self.total, "seen": self.seen, "changed": self.changed, "unchanged": self.unchanged,
            "unreadable": self.unreadable_total, "unreadable_by_reason": dict(self.unreadable),
            "failed": self.failed_total, "failed_by_kind": dict(self.failed),
            "examples": {kind: list(ids) for kind, ids in self.examples.items()},
            "last_document": self.last_document, "seconds": round(self.seconds, 2),
            "pages_per_second": round(self.pages_per_second, 1),
        }
