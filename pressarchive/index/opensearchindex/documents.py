"""A :class:`~pressarchive.record.Document` as the OpenSearch source of one index entry.

The text fields get the document's words folded and without its language's stop words
(:func:`pressarchive.index.wordterms.words`), in order: OpenSearch's analyzer then tokenizes,
stops and stems them as Whoosh does, and since no stop word is left to leave a gap, word
positions (phrases) are Whoosh's too. Title and body go to the fields of the document's own
language group only. The body itself is not kept (the store has it); what a hit shows is
kept under ``display``.
"""

from __future__ import annotations

from typing import Any

from pressarchive.index.docfields import doc_fields
from pressarchive.index.fields import body_field, title_field
from pressarchive.index.languages import fold
from pressarchive.index.wordterms import words
from pressarchive.record import Document


def prepared_text(text: str, group: str) -> str:
    """``text`` as the group's fields receive it: folded words without stop words, in order."""
    return " ".join(words(text, group))


def folded_keyword(value: str) -> str:
    """A keyword value as filters and ``field:value`` queries compare it."""
    return fold(value.strip())


def index_source(doc: Document) -> dict[str, Any]:
    """The ``_source`` of one document's index entry."""
    values = doc_fields(doc)
    group, single, multi = values.group, values.keywords, values.multi
    source: dict[str, Any] = {
        "id": values.id,
        "version": doc.version,
        "cluster": values.cluster,
        "clustered": doc.cluster is not None,  # one of a cluster of copies (see aggregations.cluster_aggs)
        "url": doc.url,
        "lang_group": group,
        **single,
        **multi,
        "folded": {
            **{name: folded_keyword(value) for name, value in single.items()},
            **{name: [folded_keyword(value) for value in written] for name, written in multi.items()},
        },
        "display": {
            "url": doc.url, "title": doc.title, "source": doc.source, "language": doc.language,
            "operations": values.operations,
            "published": doc.published.isoformat() if doc.published else None,
        },
        title_field(group): prepared_text(doc.title, group),
        body_field(group): prepared_text(doc.text, group),
    }
    if doc.published is not None:
        source["published"] = doc.published.isoformat()
        source["day"] = doc.published.toordinal()
        source["month"] = doc.published.year * 12 + doc.published.month - 1
        source["year"] = doc.published.year
    return source
