"""Turning the documents of a result page into :class:`Hit` values with snippets.

Only the page's documents get here, so per-document work is fine: stored fields come from
whoosh, the body text from the caller's ``text_source`` (the store) in one batch, since the
index does not keep it. Without a text source hits carry no snippet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from whoosh.query import MultiTerm, Query
from whoosh.searching import Searcher

from pressarchive.index.languages import language_group
from pressarchive.index.deadline import Deadline
from pressarchive.index.engine import TextSource
from pressarchive.index.whooshindex.expansion import expand
from pressarchive.index.models import Hit
from pressarchive.index.snippets import snippet
from pressarchive.index.fields import body_field

BodyTerms = dict[str, frozenset[str]]


def body_terms(searcher: Searcher, q: Query, deadline: Deadline) -> BodyTerms:
    """Body field -> the terms the query looks for in it, prefixes and wildcards expanded.

    Expansion is bounded like matching's (:mod:`~pressarchive.index.whooshindex.expansion`): at most
    ``MAX_EXPANSION`` words per pattern are marked, and the deadline is checked as it scans.
    """
    # Not Query.existing_terms(): in whoosh-reloaded 2.7.5 its loop variable shadows its
    # ``fieldname`` argument, so it drops every field after the first leaf's.
    reader = searcher.reader()
    found: dict[str, set[str]] = {}
    for leaf in q.leaves():
        deadline.check()
        field = getattr(leaf, "fieldname", "") or ""
        if not field.startswith("body_"):
            continue
        if isinstance(leaf, MultiTerm):
            words: Iterable[bytes | str] = expand(reader, leaf, deadline, strict=False)
        else:
            words = (text for _, text in leaf.terms(phrases=True))
        for text in words:
            word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            found.setdefault(field, set()).add(word)
    return {field: frozenset(words) for field, words in found.items()}


def make_hits(searcher: Searcher, page: Sequence[tuple[int, float]], terms: BodyTerms,
              text_source: TextSource | None, deadline: Deadline | None = None) -> list[Hit]:
    """Hits for (global docnum, score) pairs, in order, with snippets when text is available.

    With a ``deadline``, it is checked before each snippet (highlighting re-analyses text).
    """
    stored = [searcher.stored_fields(docnum) for docnum, _ in page]
    texts = _texts([fields["id"] for fields in stored], text_source)
    hits = []
    for fields, (_, score) in zip(stored, page, strict=True):
        if deadline is not None:
            deadline.check()
        hits.append(_hit(fields, score, texts.get(fields["id"]), terms))
    return hits


def _texts(ids: list[int], text_source: TextSource | None) -> Mapping[int, str]:
    if text_source is None or not ids:
        return {}
    return text_source(ids)


def _hit(stored: dict[str, object], score: float, text: str | None, terms: BodyTerms) -> Hit:
    language = str(stored.get("language", ""))
    group = language_group(language)
    published = stored.get("published")
    return Hit(
        id=int(stored["id"]),  # type: ignore[call-overload]
        url=str(stored.get("url", "")),
        title=str(stored.get("title", "")),
        published=published.date() if published is not None else None,  # type: ignore[attr-defined]
        source=str(stored.get("source", "")),
        language=language,
        operations=list(stored.get("operations", [])),  # type: ignore[call-overload]
        score=score,
        snippet=[] if text is None else snippet(text, terms.get(body_field(group), frozenset()), group),
    )
