"""Word-level differences between two versions of a document, for people to read.

Texts are compared paragraph by paragraph first (lines), then sentence by sentence inside the
paragraphs that changed, then word by word inside the sentences that changed: a release whose
one sentence was corrected shows that sentence's changed words, not a reshuffled page, and the
cost stays bounded by what changed. Whitespace and punctuation are kept as tokens, so joining
the segments gives back each text exactly and the diff reads like the text itself.

Matching is quadratic at worst (a long passage of few distinct words), and archived texts come
from anyone's web pages, so a block whose comparison would exceed :data:`MAX_PAIRS`, or what
is left of :data:`MAX_TOTAL_PAIRS` for the whole diff, is shown whole, as removed and
inserted, instead of word by word.
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
#: A sentence with the whitespace after it (a passage without an end mark is one sentence).
SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+|$)\s*")
#: The largest comparison (units of one side times units of the other) made unit by unit;
#: beyond it the block is shown whole as removed and inserted.
MAX_PAIRS = 4_000_000
#: The same for a whole diff, all blocks together.
MAX_TOTAL_PAIRS = 20_000_000


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
    return _merged(_compare(_lines(old), _lines(new), 0, [MAX_TOTAL_PAIRS]))


def _compare(old: list[str], new: list[str], level: int, budget: list[int]) -> list[Segment]:
    """The segments of two unit lists (lines, sentences or tokens, by ``level``); a changed run
    of units is compared again at the next, finer level while ``budget`` (pairs left) lasts."""
    pairs = len(old) * len(new)
    if pairs > min(MAX_PAIRS, budget[0]):
        return _changed("".join(old), "".join(new))
    budget[0] -= pairs
    words = level == len(_LEVELS) - 1
    # Whitespace cannot anchor a match (it would pair unrelated words around shared spaces);
    # among words, the very common ones are left out of the search for anchors (difflib's
    # autojunk), which keeps a long passage of few distinct words from going quadratic.
    matcher = SequenceMatcher(str.isspace if words else None, old, new, autojunk=words)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(old[i1:i2])))
        elif op == "replace" and not words:
            segments.extend(_refine(old[i1:i2], new[j1:j2], level + 1, budget))
        else:
            segments.extend(_changed("".join(old[i1:i2]), "".join(new[j1:j2])))
    return segments


def _refine(old: list[str], new: list[str], level: int, budget: list[int]) -> list[Segment]:
    """A changed run compared at ``level``: unit by unit when both sides have as many units
    (each paragraph or sentence edited in place), else as one passage."""
    split = _LEVELS[level]
    if len(old) == len(new):
        pairs = zip(old, new, strict=True)
        return [segment for a, b in pairs for segment in _compare(split(a), split(b), level, budget)]
    return _compare(split("".join(old)), split("".join(new)), level, budget)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in SENTENCE.findall(text) if sentence]


#: How a passage is cut at each level: paragraphs (lines), sentences, words and whitespace.
_LEVELS = (_lines, _sentences, TOKEN.findall)


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
