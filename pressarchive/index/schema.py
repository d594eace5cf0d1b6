"""The Whoosh schema: which fields exist, how each is analysed, which are stored or sortable.

Title and body are indexed once per analysis group (``title_es``, ``body_es``, ...) so that a
document is stemmed in its own language only, while raw ``title``/``body`` are stored for
display and snippets. Keyword fields are folded for matching but keep the raw value in their
column, which is what the facets show. Bump :data:`SCHEMA_VERSION` whenever anything here or
in :mod:`pressarchive.index.analysis` changes: an index with another version is recreated.
"""

from __future__ import annotations

from whoosh import columns
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from pressarchive.index.analysis import GROUPS, keyword_analyzer, lines_analyzer, text_analyzer

SCHEMA_VERSION = 1

# Undated documents get 0 in the sort column (whoosh defaults to the maximum), so that a
# newest-first sort puts them last.
_UNDATED = 0

# Fields a query may name directly; "title" and "body" are expanded by the query parser.
KEYWORD_FIELDS: tuple[str, ...] = ("source", "agency", "country", "language", "operation", "url")
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


def _keyword(stored: bool = False) -> ID:
    return ID(stored=stored, sortable=True, analyzer=keyword_analyzer())


def build_schema() -> Schema:
    """The schema of an index at :data:`SCHEMA_VERSION`."""
    schema = Schema(
        id=NUMERIC(int, bits=64, stored=True, unique=True, sortable=True),
        url=ID(stored=True),
        title=STORED(),
        body=STORED(),
        source=_keyword(stored=True),
        agency=_keyword(),
        country=_keyword(),
        language=_keyword(stored=True),
        # The analysis group the text went to; lets a query treat a stop word as present.
        lang_group=ID(),
        published=DATETIME(stored=True, sortable=columns.NumericColumn("q", default=_UNDATED)),
        year=NUMERIC(int, bits=16, signed=False, sortable=True, default=_UNDATED),
        # "operation" matches folded names; "operations" keeps the display names for hits and
        # "operation_names" (one per line) for the facet, read per match from a column.
        operation=KEYWORD(analyzer=lines_analyzer()),
        operations=STORED(),
        operation_names=COLUMN(columns.VarBytesColumn()),
    )
    for group in GROUPS:
        schema.add(title_field(group), TEXT(analyzer=text_analyzer(group)))
        schema.add(body_field(group), TEXT(analyzer=text_analyzer(group)))
    return schema
