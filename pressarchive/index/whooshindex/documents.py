"""Turning a :class:`~pressarchive.record.Document` into Whoosh field values.

Kept apart from the writer so that the mapping between the record and the schema is in one
place: which per-language fields get the text, and what is stored for display versus what is
indexed for matching. The body is indexed, never stored: the store keeps it.
"""

from __future__ import annotations

from datetime import datetime, time

from pressarchive.index.docfields import doc_fields
from pressarchive.index.fields import MULTI_KEYWORDS, body_field, title_field
from pressarchive.index.whooshindex.schema import MISSING
from pressarchive.record import Document


def index_fields(doc: Document) -> dict[str, object]:
    """The keyword arguments for ``writer.update_document`` for one document."""
    values = doc_fields(doc)
    fields: dict[str, object] = {
        "id": values.id,
        "version": doc.version if doc.version is not None else MISSING,
        "url": doc.url,
        "title": doc.title,
        title_field(values.group): doc.title,
        body_field(values.group): doc.text,
        **values.keywords,
        "lang_group": values.group,
        "cluster": values.cluster,
        "operations": values.operations,
    }
    for name, column in MULTI_KEYWORDS.items():
        # One value per line: names may contain spaces ("Black Wolf") but never newlines.
        lines = "\n".join(values.multi[name])
        fields[name] = lines
        fields[column] = lines.encode("utf-8")  # raw column: bytes
    if doc.published is not None:
        fields["published"] = datetime.combine(doc.published, time())
        fields["day"] = doc.published.toordinal()
        fields["year"] = doc.published.year
    return fields
