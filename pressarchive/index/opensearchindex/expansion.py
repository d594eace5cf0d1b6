"""How many index words a prefix, wildcard or term range stands for, counted exactly.

Every engine refuses a pattern that stands for more than
:data:`~pressarchive.index.syntaxcheck.MAX_EXPANSION` distinct words of one field, with the
Whoosh engine's wording. OpenSearch would expand it silently, so each pattern is counted
first, on the server: for an analysed text field the ``_validate`` API rewrites the pattern
(prefix and wildcard with the ``top_terms_513`` rewrite, a range inside ``span_multi``) and
its explanation lists the words, shard by shard; for a keyword field a ``terms`` aggregation
lists the values of the documents the pattern matches and the ones it matches are counted
here. Either way the count is exact up to the cap, where it stops. A pattern is counted in all its
fields at once, listing at most as many words per field as the server's clause limit allows
for all of them; only a field that fills its share is counted again on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pressarchive.index.errors import QueryError
from pressarchive.index.syntaxcheck import MAX_EXPANSION

#: Keyword values fetched to count a pattern on a keyword field (more than the cap can need).
_KEYWORD_VALUES = 10_000


def too_many(written: str) -> QueryError:
    """The error for a pattern standing for more than MAX_EXPANSION words (Whoosh's wording)."""
    return QueryError(
        f'"{written}" matches more than {MAX_EXPANSION} different words;'
        " make the prefix longer or the pattern narrower"
    )


def rewritten(field: str, query: dict[str, Any], top: int = MAX_EXPANSION + 1) -> dict[str, Any]:
    """The query to validate with a rewrite that lists the words of a text field (at most
    ``top`` of them for a prefix or wildcard; a range lists them all, up to the clause limit)."""
    kind, spec = next(iter(query.items()))
    if kind == "range":
        return {"span_multi": {"match": query}}
    options = dict(spec[field])
    options["rewrite"] = f"top_terms_{top}"
    return {kind: {field: options}}


def words_in_explanations(field: str, explanations: list[dict[str, Any]]) -> set[str]:
    """The distinct words of ``field`` in ``_validate`` explanations (one per shard)."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(field)}:([^\s,\])^]+)")
    found: set[str] = set()
    for explanation in explanations:
        found.update(pattern.findall(str(explanation.get("explanation", ""))))
    return found


def keyword_matcher(query: dict[str, Any], field: str) -> Callable[[str], bool]:
    """Whether a keyword value matches a prefix, wildcard or range query on ``field``."""
    kind, spec = next(iter(query.items()))
    options = spec[field]
    if kind == "prefix":
        prefix = str(options["value"])
        return lambda value: value.startswith(prefix)
    if kind == "wildcard":
        regex = wildcard_regex(str(options["value"]).replace("\\\\", "\\"))  # as the translator escaped it
        return lambda value: regex.fullmatch(value) is not None
    return lambda value: _in_range(value, options)


def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """A wildcard pattern (``?`` one character, ``*`` any run) as a regex to ``fullmatch``."""
    parts = (".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.compile("".join(parts), re.DOTALL)


def _in_range(value: str, options: dict[str, Any]) -> bool:
    encoded = value.encode("utf-8")  # Lucene orders terms by their UTF-8 bytes
    for key, test in (("gt", lambda b: encoded > b), ("gte", lambda b: encoded >= b),
                      ("lt", lambda b: encoded < b), ("lte", lambda b: encoded <= b)):
        if key in options and not test(str(options[key]).encode("utf-8")):
            return False
    return True


def keyword_count_request(field: str, query: dict[str, Any]) -> dict[str, Any]:
    """A search body listing the values of ``field`` among the documents ``query`` matches."""
    return {
        "size": 0, "track_total_hits": False, "query": query,
        "aggs": {"values": {"terms": {"field": field, "size": _KEYWORD_VALUES}}},
    }
