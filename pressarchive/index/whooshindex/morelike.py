""""More like this": a query made of one document's most distinctive words and operations.

The index keeps no term vectors (they would double its size), so the key words are found by
re-analysing the document's title and text (from the store, through ``text_source``) in its
own language and weighting each stem by tf-idf against that language's body field. The words
are then searched in their surface form across every language's fields, and the document's
operation names as keywords, so a Spanish release finds the English and Italian reports of
the same operation.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from whoosh.query import Or, Query, Term
from whoosh.searching import Searcher

from pressarchive.index.languages import fold, language_group
from pressarchive.index.whooshindex.analysis import text_analyzer
from pressarchive.index.whooshindex.translate import to_whoosh
from pressarchive.index.fields import body_field
from pressarchive.index import querytree as tree

KEY_WORDS = 12
OPERATION_BOOST = 3.0
_WORD = re.compile(r"\w{3,}")
# Enough text to characterise a press release without analysing a whole book.
_CHARLIMIT = 20_000


def key_words(searcher: Searcher, text: str, language: str, limit: int = KEY_WORDS) -> list[str]:
    """The ``limit`` most distinctive words of ``text`` (surface form, folded)."""
    group = language_group(language)
    analyzer = text_analyzer(group)
    surfaces: dict[str, Counter[str]] = {}
    for word in _WORD.findall(fold(text[:_CHARLIMIT])):
        stems = analyzer.terms(word)
        if stems and not word.isdigit():
            surfaces.setdefault(stems[0], Counter())[word] += 1
    total = max(searcher.doc_count(), 1)
    field = body_field(group)

    def weight(stem: str) -> float:
        df = searcher.doc_frequency(field, stem)
        tf = sum(surfaces[stem].values())
        return tf * math.log(1 + total / (1 + df)) if df > 1 else 0.0

    weights = {stem: weight(stem) for stem in surfaces}
    ranked = sorted((stem for stem in surfaces if weights[stem] > 0), key=lambda s: (-weights[s], s))
    return [surfaces[stem].most_common(1)[0][0] for stem in ranked[:limit]]


def more_like_query(searcher: Searcher, stored: dict[str, object], text: str) -> Query | None:
    """A query for documents like the one with ``stored`` fields and body ``text``."""
    title = str(stored.get("title", ""))
    words = key_words(searcher, f"{title}\n{text}", str(stored.get("language", "")))
    parts: list[Query] = []
    if words:
        parts.append(to_whoosh(tree.Or(tuple(tree.Term(None, word) for word in words))))
    operation = searcher.schema["operation"]
    for name in stored.get("operations", []) or []:  # type: ignore[attr-defined]
        for term in operation.process_text(str(name)):
            parts.append(Term("operation", term, boost=OPERATION_BOOST))
    return Or(parts) if parts else None
