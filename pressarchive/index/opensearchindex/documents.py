"""A :class:`~pressarchive.record.Document` as the OpenSearch source of one index entry.

The text fields get the document's words folded and without its language's stop words
(:func:`pressarchive.index.wordterms.words`), in order: OpenSearch's analyzer then tokenizes,
stops and stems them as Whoosh does, and since no stop word is left to leave a gap, word
positions (phrases) are Whoosh's too. Title and body go to the fields of the document's own
language group only. The body itself is not kept (the store has it); what a hit shows is
kept under ``display``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pressarchive.index.fields import body_field, title_field
from pressarchive.index.languages import fold, language_group
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
    if doc.id is None:
        raise ValueError(f"document {doc.url!r} has no id; the store assigns it before indexing")
    group = language_group(doc.language)
    operations = _distinct(name.strip() for name in doc.operations)
    single = {"source": doc.source, "source_agency": doc.agency, "source_country": doc.country,
              "language": doc.language}
    multi = {
        "operation": operations,
        "country": _distinct(code.strip().upper() for code in doc.countries),
        "agency": _distinct(agency.strip() for agency in doc.agencies),
    }
    source: dict[str, Any] = {
        "id": doc.id,
        "version": doc.version,
        "cluster": doc.cluster if doc.cluster is not None else doc.id,
        "url": doc.url,
        "lang_group": group,
        **single,
        **multi,
        "folded": {
            **{name: folded_keyword(value) for name, value in single.items()},
            **{name: [folded_keyword(value) for value in values] for name, values in multi.items()},
        },
        "display": {
            "url": doc.url, "title": doc.title, "source": doc.source, "language": doc.language,
            "operations": operations,
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


def _distinct(values: Iterable[str]) -> list[str]:
    """Non-blank values without repeats (first spelling kept), so a facet counts a document once."""
    seen: set[str] = set()
    kept = []
    for value in values:
        if value and "\n" not in value and value not in seen:
            seen.add(value)
            kept.append(value)
    return kept
