"""Word-level differences between two versions of a document, for people to read.

Texts are compared paragraph by paragraph first (lines), then word by word inside the
paragraphs that changed: a release whose one sentence was corrected shows that sentence's
changed words, not a reshuffled page, and the cost stays bounded by what changed. Whitespace
and punctuation are kept as tokens, so joining the segments gives back each text exactly and
the diff reads like the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal

from pressarchive.store import Version

Op = Literal["equal", "inserted", "deleted"]

#: A word (digits and letters, joined by inner . , ' ’ - as in "3,500" or "e-mail"), a run of
#: whitespace, or one other character.
TOKEN = re.compile(r"\w+(?:[.,'’-]\w+)*|\s+|[^\w\s]")
WORD = re.compile(r"\w+(?:[.,'’-]\w+)*")


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text that both versions share (``equal``), or only the newer (``inserted``)
    or the older one (``deleted``) has."""

    op: Op
    text: str

    def to_json(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


def word_diff(old: str, new: str) -> list[Segment]:
    """``old`` -> ``new`` as segments; the equal and deleted ones join to ``old``, the equal
    and inserted ones to ``new``."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if op == "equal":
            segments.append(Segment("equal", before))
        elif op == "replace":
            segments.extend(_words(before, after))
        else:
            segments.extend(_changed(before, after))
    return _merged(segments)


def _words(old: str, new: str) -> list[Segment]:
    """The word-by-word difference of two changed passages."""
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    # Whitespace cannot anchor a match (it would pair unrelated words around shared spaces).
    matcher = SequenceMatcher(str.isspace, old_tokens, new_tokens, autojunk=False)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        segments.extend([Segment("equal", before)] if op == "equal" else _changed(before, after))
    return segments


def _changed(before: str, after: str) -> list[Segment]:
    """What was removed, then what replaced it (either may be empty)."""
    return [segment for segment in (Segment("deleted", before), Segment("inserted", after)) if segment.text]


def _merged(segments: list[Segment]) -> list[Segment]:
    """Adjacent segments of one kind joined, empty ones dropped."""
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].op == segment.op:
            merged[-1] = Segment(segment.op, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def count_words(segments: list[Segment], op: Op) -> int:
    """How many words the segments of kind ``op`` hold."""
    return sum(len(WORD.findall(segment.text)) for segment in segments if segment.op == op)


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """What changed in a document's title and text from version ``old`` to version ``new``."""

    doc_id: int
    old: Version
    new: Version
    title: list[Segment]
    text: list[Segment]

    @property
    def words_added(self) -> int:
        return count_words(self.title, "inserted") + count_words(self.text, "inserted")

    @property
    def words_removed(self) -> int:
        return count_words(self.title, "deleted") + count_words(self.text, "deleted")

    @property
    def changed(self) -> bool:
        return any(segment.op != "equal" for segment in (*self.title, *self.text))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.doc_id,
            "from": _version_json(self.old),
            "to": _version_json(self.new),
            "summary": {"words_added": self.words_added, "words_removed": self.words_removed,
                        "changed": self.changed},
            "title": [segment.to_json() for segment in self.title],
            "text": [segment.to_json() for segment in self.text],
        }


def _version_json(version: Version) -> dict[str, Any]:
    """A version's identity in a diff (its full provenance is in the document's JSON)."""
    full = version.to_json()
    return {key: full[key] for key in ("number", "captured", "text_sha256", "warc_record_id", "reprocessed")}


def diff_versions(doc_id: int, old: Version, new: Version) -> VersionDiff:
    """The difference from ``old`` to ``new`` (any two versions, in either order)."""
    return VersionDiff(doc_id, old, new, word_diff(old.title, new.title), word_diff(old.text, new.text))
