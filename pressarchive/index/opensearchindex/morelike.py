""""More like this": OpenSearch's ``more_like_this`` over one document's title and text.

The index keeps no bodies and no term vectors, so the document's text comes from the store
(``text_source``), as for the Whoosh engine, and is given to ``more_like_this`` as the text
to be like: its most distinctive words (by tf-idf, at least in two documents) are searched in
every language's title and body fields, so a Spanish release finds the English and Italian
reports of the same operation; the document's operation names are searched as keywords,
weighed :data:`OPERATION_BOOST` times.
"""

from __future__ import annotations

from typing import Any

from pressarchive.index.fields import body_field, title_field
from pressarchive.index.languages import GROUPS, fold

KEY_WORDS = 12
OPERATION_BOOST = 3.0
_CHARLIMIT = 20_000  # enough text to characterise a press release without sending a book


def more_like_query(doc_id: int, title: str, text: str, operations: list[str]) -> dict[str, Any] | None:
    """The query for documents like document ``doc_id``, itself excluded; None without words."""
    like = fold(f"{title}\n{text[:_CHARLIMIT]}").strip()
    should: list[dict[str, Any]] = []
    if like:
        fields = [name for group in GROUPS for name in (title_field(group), body_field(group))]
        should.append({"more_like_this": {
            "fields": fields, "like": [like], "min_term_freq": 1, "min_doc_freq": 2,
            "max_query_terms": KEY_WORDS * 2, "minimum_should_match": "1", "min_word_length": 3,
        }})
    for name in operations:
        should.append({"term": {"folded.operation": {"value": fold(name.strip()), "boost": OPERATION_BOOST}}})
    if not should:
        return None
    return {"bool": {"should": should, "minimum_should_match": 1, "must_not": [{"term": {"id": doc_id}}]}}
