"""Which passages of a news article are taken word for word from a press release.

A passage is a run of at least :data:`MIN_PASSAGE_WORDS` normalised words that occurs in both
texts in the same order (so a quote of a few words, a date or a standard phrase is not
counted, and paragraphs the article reordered still are). The article is scanned once; each
run is matched greedily to the longest equal run in the release.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pressarchive.similar.minhash import word_spans

MIN_PASSAGE_WORDS = 8
#: Release positions of one 8-word sequence tried when extending a run (boilerplate repeats).
_MAX_STARTS = 8


@dataclass(frozen=True, slots=True)
class Passage:
    """A shared run of words: character offsets in the article and in the release, and its text
    as the article has it."""

    article_start: int
    article_end: int
    release_start: int
    release_end: int
    words: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "article": [self.article_start, self.article_end],
            "release": [self.release_start, self.release_end],
            "words": self.words, "text": self.text,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Passage:
        return cls(
            article_start=int(data["article"][0]), article_end=int(data["article"][1]),
            release_start=int(data["release"][0]), release_end=int(data["release"][1]),
            words=int(data["words"]), text=str(data.get("text", "")),
        )


@dataclass(frozen=True, slots=True)
class Reuse:
    """How much of an article is a release's text: its passages, their words, their share."""

    passages: tuple[Passage, ...]
    shared_words: int
    article_words: int

    @property
    def share(self) -> float:
        return self.shared_words / self.article_words if self.article_words else 0.0


def shared_passages(article: str, release: str) -> Reuse:
    """The passages ``article`` shares with ``release``, in article order."""
    art, rel = word_spans(article), word_spans(release)
    art_words, rel_words = [w for w, _, _ in art], [w for w, _, _ in rel]
    starts: dict[tuple[str, ...], list[int]] = {}
    size = MIN_PASSAGE_WORDS
    for pos in range(len(rel_words) - size + 1):
        found = starts.setdefault(tuple(rel_words[pos:pos + size]), [])
        if len(found) < _MAX_STARTS:
            found.append(pos)
    passages: list[Passage] = []
    i = 0
    while i <= len(art_words) - size:
        candidates = starts.get(tuple(art_words[i:i + size]))
        if not candidates:
            i += 1
            continue
        length, pos = max((_run(art_words, i, rel_words, pos), pos) for pos in candidates)
        passages.append(Passage(
            article_start=art[i][1], article_end=art[i + length - 1][2],
            release_start=rel[pos][1], release_end=rel[pos + length - 1][2],
            words=length, text=article[art[i][1]:art[i + length - 1][2]],
        ))
        i += length
    return Reuse(tuple(passages), sum(p.words for p in passages), len(art_words))


def _run(first: list[str], i: int, second: list[str], j: int) -> int:
    """How many words from ``first[i]`` on equal those from ``second[j]`` on."""
    length = 0
    while i + length < len(first) and j + length < len(second) and first[i + length] == second[j + length]:
        length += 1
    return length
