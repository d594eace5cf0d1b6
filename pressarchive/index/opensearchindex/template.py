"""The index's settings and mappings: one analysed title and body field per language group.

Text reaches OpenSearch already folded by :func:`~pressarchive.index.languages.fold` and without
stop words (:mod:`.documents`, :mod:`.translate`): Python's folding is the Whoosh engine's to
the letter, where ``asciifolding`` would fold more (ł, æ, ø). Each group's analyzer is then
OpenSearch's own: a pattern tokenizer with :data:`~pressarchive.index.languages.WORD` (``\\w``
spelled out as ``[\\p{L}\\p{N}_]``, Python's meaning of it), ``lowercase``, a ``stop``
filter with the group's folded stop words inline and the group's ``snowball`` stemmer; the
``xx`` group is not stemmed. Keyword fields hold their raw values (facets, display) and, under
``folded.``, the values folded (filters and ``field:value`` queries). Bump
:data:`SCHEMA_VERSION` whenever anything here or in :mod:`.documents` changes: an index of
another version is replaced by an empty one to refill.
"""

from __future__ import annotations

from typing import Any

from pressarchive.index.fields import KEYWORD_FIELDS, body_field, title_field
from pressarchive.index.languages import GROUPS, OTHER, stoplist
from pressarchive.searchparams import MAX_LIMIT, MAX_PAGE

SCHEMA_VERSION = 4
#: Lucene refuses a whole document holding a term over 32,766 bytes; a character takes at most
#: four in UTF-8. Longer words are cut to this many characters (searching one cuts it alike),
#: longer keyword values are kept in the document but not indexed, where Whoosh takes both.
MAX_TERM_CHARS = 32_766 // 4
#: Lucene's snowball stemmer names for the stemmed groups, those giving PyStemmer's (Whoosh's)
#: stems: PyStemmer's German reads "ae", "oe", "ue" as umlauts, as Lucene's "German2" does,
#: and its Dutch (Snowball 3's) gives Kraaij-Pohlmann's stems ("Kp"), not Lucene's "Dutch".
SNOWBALL_NAMES = {
    "de": "German2", "en": "English", "es": "Spanish", "fr": "French",
    "it": "Italian", "nl": "Kp", "pt": "Portuguese",
}
_LETTER = r"[\p{L}\p{N}_\u0300-\u036f]"
#: :data:`~pressarchive.index.languages.WORD` as a Java regex.
WORD_PATTERN = rf"{_LETTER}+(?:\.{_LETTER}+)*"
#: Every page a search may ask for (MAX_PAGE pages of MAX_LIMIT hits) is reachable with from/size.
MAX_RESULT_WINDOW = MAX_PAGE * MAX_LIMIT
#: Lucene's Spanish Snowball stemmer is older than PyStemmer's and takes the suffixes "-ación"
#: and "-ución" only with their accent, which folding has removed: it is put back first (and
#: taken away again after stemming, :data:`SPANISH_UNACCENT`), so "operacion" stems to "oper".
SPANISH_ACCENTS = (("^(.+)acion$", "$1ación"), ("^(.+)ucion$", "$1ución"))
SPANISH_UNACCENT = ("ó", "o")
#: Keyword fields that keep several values per document (their raw values, one each).
MULTI_VALUED = ("operation", "country", "agency")


def analyzer_name(group: str) -> str:
    """The name of a group's text analyzer in the index settings."""
    return f"text_{group}"


def analysis() -> dict[str, Any]:
    """The tokenizer, filters and one analyzer per group."""
    filters: dict[str, Any] = {}
    analyzers: dict[str, Any] = {}
    for group in GROUPS:
        chain = ["lowercase"]
        filters["immense"] = {"type": "truncate", "length": MAX_TERM_CHARS}
        if group != OTHER:
            filters[f"stop_{group}"] = {"type": "stop", "stopwords": sorted(stoplist(group))}
            filters[f"stem_{group}"] = {"type": "snowball", "language": SNOWBALL_NAMES[group]}
            chain.append(f"stop_{group}")
            if group == "es":
                for number, (pattern, replacement) in enumerate(SPANISH_ACCENTS):
                    filters[f"accent_es_{number}"] = {
                        "type": "pattern_replace", "pattern": pattern, "replacement": replacement}
                    chain.append(f"accent_es_{number}")
            chain.append(f"stem_{group}")
            if group == "es":
                filters["unaccent_es"] = {
                    "type": "pattern_replace", "pattern": SPANISH_UNACCENT[0], "replacement": SPANISH_UNACCENT[1]}
                chain.append("unaccent_es")
        analyzers[analyzer_name(group)] = {"type": "custom", "tokenizer": "words", "filter": [*chain, "immense"]}
    return {
        "tokenizer": {"words": {"type": "pattern", "pattern": WORD_PATTERN, "group": 0}},
        "filter": filters,
        "analyzer": analyzers,
    }


def settings(shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Index settings: shards, replicas, the result window and the analysis."""
    return {
        "index": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "max_result_window": MAX_RESULT_WINDOW,
        },
        "analysis": analysis(),
    }


def mappings(refill_pending: bool) -> dict[str, Any]:
    """The fields; ``_meta`` records the schema version and whether a refill is awaited."""
    keyword = {"type": "keyword", "ignore_above": MAX_TERM_CHARS}
    properties: dict[str, Any] = {
        "id": {"type": "long"},
        "version": {"type": "long"},
        "cluster": {"type": "long"},
        "clustered": {"type": "boolean"},
        "url": keyword,
        "lang_group": keyword,
        "published": {"type": "date", "format": "strict_date"},
        "day": {"type": "integer"},  # proleptic Gregorian ordinal: date order, periods
        "month": {"type": "integer"},  # year * 12 + month - 1: the timeline by month
        "year": {"type": "integer"},
        # What a hit shows, kept in _source only.
        "display": {"type": "object", "enabled": False},
        "folded": {"properties": {name: keyword for name in KEYWORD_FIELDS if name != "url"}},
    }
    for name in KEYWORD_FIELDS:
        if name != "url":
            properties[name] = keyword
    for group in GROUPS:
        text = {"type": "text", "analyzer": analyzer_name(group)}
        properties[title_field(group)] = text
        properties[body_field(group)] = text
    return {
        "dynamic": "strict",
        # The analysed text is indexed, not kept: snippets and "more like this" read the
        # store's text, and keeping a second copy of every body doubled the index's size.
        "_source": {"excludes": [title_field("*"), body_field("*")]},
        "_meta": {"pressarchive_schema": SCHEMA_VERSION, "refill_pending": refill_pending},
        "properties": properties,
    }


def index_body(refill_pending: bool, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """The body of the create-index request."""
    return {"settings": settings(shards, replicas), "mappings": mappings(refill_pending)}
