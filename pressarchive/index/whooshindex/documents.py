"""Turning a :class:`~pressarchive.record.Document` into Whoosh field values.

Kept apart from the writer so that the mapping between the record and the schema is in one
place: which per-language fields get the text, and what is stored for display versus what is
indexed for matching. The body is indexed, never stored: the store keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from pressarchive.index.languages import language_group
from pressarchive.index.fields import MULTI_KEYWORDS, body_field, title_field
from pressarchive.index.whooshindex.schema import MISSING
from pressarchive.record import Document


def index_fields(doc: Document) -> dict[str, object]:
    """The keyword arguments for ``writer.update_document`` for one document."""
    if doc.id is None:
        raise ValueError(f"document {doc.url!r} has no id; the store assigns it before indexing")
    group = language_group(doc.language)
    operations = _distinct(name.strip() for name in doc.operations)
    multi = {
        "operation": operations,
        "country": _distinct(code.strip().upper() for code in doc.countries),
        "agency": _distinct(agency.strip() for agency in doc.agencies),
    }
    fields: dict[str, object] = {
        "id": doc.id,
        "version": doc.version if doc.version is not None else MISSING,
        "url": doc.url,
        "title": doc.title,
        title_field(group): doc.title,
        body_field(group): doc.text,
        "source": doc.source,
        "source_agency": doc.agency,
        "source_country": doc.country,
        "language": doc.language,
        "lang_group": group,
        "cluster": doc.cluster if doc.cluster is not None else doc.id,
        "operations": operations,
    }
    for name, column in MULTI_KEYWORDS.items():
        # One value per line: names may contain spaces ("Black Wolf") but never newlines.
        lines = "\n".join(multi[name])
        fields[name] = lines
        fields[column] = lines.encode("utf-8")  # raw column: bytes
    if doc.published is not None:
        fields["published"] = datetime.combine(doc.published, time())
        fields["day"] = doc.published.toordinal()
        fields["year"] = doc.published.year
    return fields


def _distinct(values: Iterable[str]) -> list[str]:
    """Non-blank values without repeats (first spelling kept), so a facet counts a document once."""
    seen: set[str] = set()
    kept = []
    for value in values:
        if value and "\n" not in value and value not in seen:
            seen.add(value)
            kept.append(value)
    return kept
