"""Search hits as :class:`~pressarchive.index.models.Hit` values, with snippets from the store.

OpenSearch keeps no bodies, so snippets are cut in Python from the store's text (the
engine's ``text_source``) by :mod:`pressarchive.index.snippets`, marking the words the query
looks for in the body fields, as the Whoosh engine does: words and phrases by their stems in
the hit's language, prefixes, wildcards and ranges by the folded words they match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pressarchive.index import querytree as qt
from pressarchive.index.deadline import Deadline
from pressarchive.index.engine import TextSource
from pressarchive.index.languages import fold, language_group, stoplist
from pressarchive.index.models import Hit
from pressarchive.index.opensearchindex.expansion import wildcard_regex
from pressarchive.index.snippets import snippet
from pressarchive.index.wordterms import spans, terms

_SNIPPET_CHARS = 100_000


@dataclass
class BodyWords:
    """What a query looks for in one group's body: stems, and tests for pattern words."""

    stems: set[str] = field(default_factory=set)
    patterns: list[Callable[[str], bool]] = field(default_factory=list)

    def marked(self, text: str, group: str) -> set[str]:
        """The terms of ``text`` to mark: the stems, and the text's words a pattern matches."""
        if not self.patterns:
            return self.stems
        # Stop words are no index words: no pattern stands for them.
        words = set(spans(text, group, _SNIPPET_CHARS).terms) - stoplist(group)
        return self.stems | {word for word in words if any(test(word) for test in self.patterns)}


def body_words(root: qt.Node, groups: Sequence[str]) -> dict[str, BodyWords]:
    """Group -> what the query looks for in that group's body field (every clause, negated
    ones too, as Whoosh marks them)."""
    found = {group: BodyWords() for group in groups}
    for node in qt.walk(root):
        if isinstance(node, qt.Expansion):
            continue  # its terms are walked themselves
        if getattr(node, "field", "") not in (None, "body"):
            continue
        for group, words in found.items():
            if isinstance(node, qt.Term):
                words.stems.update(terms(node.text, group))
            elif isinstance(node, qt.Phrase):
                words.stems.update(terms(" ".join(node.words), group))
            elif isinstance(node, (qt.Prefix, qt.Wildcard, qt.TermRange)):
                words.patterns.append(_pattern_test(node))
    return found


def _pattern_test(node: qt.Prefix | qt.Wildcard | qt.TermRange) -> Callable[[str], bool]:
    if isinstance(node, qt.Prefix):
        prefix = fold(node.text)
        return lambda word: word.startswith(prefix)
    if isinstance(node, qt.Wildcard):
        regex: re.Pattern[str] = wildcard_regex(fold(node.pattern))
        return lambda word: regex.fullmatch(word) is not None
    low = fold(node.start) if node.start is not None else None
    high = fold(node.end) if node.end is not None else None

    def in_range(word: str) -> bool:
        if low is not None and (word < low or (word == low and not node.include_start)):
            return False
        return not (high is not None and (word > high or (word == high and not node.include_end)))

    return in_range


def make_hits(found: Sequence[dict[str, Any]], words: Mapping[str, BodyWords],
              text_source: TextSource | None, deadline: Deadline | None = None) -> list[Hit]:
    """Hits for OpenSearch search hits, in order, with snippets when text is available;
    ``deadline`` is checked before each snippet (highlighting re-analyses text)."""
    ids = [int(hit["_source"]["id"]) for hit in found]
    texts = text_source(ids) if text_source is not None and ids else {}
    hits = []
    for hit, doc_id in zip(found, ids, strict=True):
        if deadline is not None:
            deadline.check()
        hits.append(_hit(hit, texts.get(doc_id), words))
    return hits


def _hit(found: dict[str, Any], text: str | None, words: Mapping[str, BodyWords]) -> Hit:
    source = found["_source"]
    shown = source.get("display") or {}
    language = str(shown.get("language", ""))
    group = language_group(language)
    published = shown.get("published")
    marked = words[group].marked(text, group) if text is not None and group in words else set()
    return Hit(
        id=int(source["id"]),
        url=str(shown.get("url", "")),
        title=str(shown.get("title", "")),
        published=date.fromisoformat(published) if published else None,
        source=str(shown.get("source", "")),
        language=language,
        operations=list(shown.get("operations") or []),
        score=float(found.get("_score") or 0.0),
        cluster=int(source.get("cluster") or source["id"]),
        snippet=[] if text is None else snippet(text, marked, group),
    )
