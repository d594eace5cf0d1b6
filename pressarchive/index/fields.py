"""The fields of the index as the query language and the filters name them.

Engine-neutral: the query parser validates field names against :data:`QUERY_FIELDS`, and
each engine lays out its own storage (Whoosh's schema, OpenSearch's index template) from these
names. Title and body are indexed once per analysis group (``title_es``, ``body_es``, ...) in
every engine, so that a document is stemmed in its own language only.
"""

from __future__ import annotations

from pressarchive.index.languages import GROUPS

# Fields a query may name directly; each engine spreads "title" and "body" over its per-language fields.
KEYWORD_FIELDS: tuple[str, ...] = (
    "source", "source_agency", "source_country", "agency", "country", "language", "operation", "url",
)
#: Multi-valued keyword fields -> the column holding their raw values, one per line. The
#: field matches folded values in queries; the column feeds filters and exact facet counts.
MULTI_KEYWORDS: dict[str, str] = {
    "operation": "operation_names",  # operation names as written
    "country": "country_codes",  # ISO 3166 alpha-2 codes of the countries the text mentions
    "agency": "agency_ids",  # ids of the agencies the text mentions (extract/data/agencies.toml)
}
#: Query fields holding analysed text ("title" and "body" stand for every language's field).
TEXT_FIELDS: frozenset[str] = frozenset({"title", "body"})
QUERY_FIELDS: frozenset[str] = frozenset(
    {*KEYWORD_FIELDS, "title", "body", "published", "year", "id"}
)


def title_field(group: str) -> str:
    """Name of the per-language title field for an analysis group."""
    return f"title_{group}"


def body_field(group: str) -> str:
    """Name of the per-language body field for an analysis group."""
    return f"body_{group}"


def group_of_field(fieldname: str) -> str | None:
    """The analysis group of a per-language field, or None for any other field."""
    prefix, _, group = fieldname.partition("_")
    return group if prefix in ("title", "body") and group in GROUPS else None
