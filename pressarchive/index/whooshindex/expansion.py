"""Wildcards, prefixes and term ranges turned into the index words they stand for, bounded.

A pattern is expanded against one field's vocabulary, which in a large archive holds hundreds
of thousands of words. Each word found counts against :data:`MAX_EXPANSION` as it is found,
so a pattern matching too many words is refused after 513 of them rather than after listing
all; and the deadline is checked while the vocabulary is scanned, so a pattern with no
literal start (``?a*``, ``*ion``), which must test every word, stops at the time limit.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh import query as wq
from whoosh.reading import IndexReader

from pressarchive.index.whooshindex import whoosh_internals as wi
from pressarchive.index.deadline import Deadline
from pressarchive.index.errors import QueryError
from pressarchive.index.syntaxcheck import MAX_EXPANSION

# Vocabulary words tested between two looks at the clock.
_CHECK_EVERY = 256


def expand(reader: IndexReader, q: wq.MultiTerm, deadline: Deadline, strict: bool = True) -> list[bytes]:
    """The words of ``q``'s field in ``reader`` that ``q`` matches, at most :data:`MAX_EXPANSION`.

    Past the cap it raises :class:`QueryError` when ``strict``, else returns the first ones.
    """
    if q.fieldname not in reader.schema:
        return []
    words: list[bytes] = []
    for scanned, btext in enumerate(_candidates(reader, q)):
        if scanned % _CHECK_EVERY == 0:
            deadline.check()
        if btext is None:
            continue
        if len(words) == MAX_EXPANSION:
            if strict:
                raise QueryError(
                    f'"{describe(q)}" matches more than {MAX_EXPANSION} different words;'
                    " make the prefix longer or the pattern narrower"
                )
            break
        words.append(btext)
    return words


def _candidates(reader: IndexReader, q: wq.MultiTerm) -> Iterator[bytes | None]:
    # Yields a word that matches, or None for each vocabulary word tested and rejected, so the
    # caller can look at the clock during a long scan that finds nothing.
    if isinstance(q, wq.Prefix):
        yield from reader.expand_prefix(q.fieldname, q.text)
    elif isinstance(q, wq.PatternQuery):
        prefix, pattern = wi.pattern_parts(q)
        from_bytes = reader.schema[q.fieldname].from_bytes
        scan = reader.expand_prefix(q.fieldname, prefix) if prefix else reader.lexicon(q.fieldname)
        for btext in scan:
            yield btext if pattern.match(from_bytes(btext)) else None
    else:  # term ranges, variations: whoosh's own expansion, counted as it goes
        yield from wi.multiterm_words(q, reader)


def describe(q: wq.MultiTerm) -> str:
    """The pattern as the user typed it, for messages: ``deten*``, ``?a*``, ``[a TO z]``."""
    if isinstance(q, wq.Prefix):
        return f"{q.text}*"
    if isinstance(q, wq.TermRange):
        return f"[{q.start or ''} TO {q.end or ''}]"
    return str(getattr(q, "text", q))
