"""The example answers the OpenAPI schema shows for each API route's success.

They have the exact shape of the real answers (tests/test_api_schema.py compares their keys
with what the routes return over a small archive) and illustrative values: a reader of
``/docs`` sees what a field holds without running a query. Error examples are built beside
each route with :func:`pressarchive.web.apierrors.error_doc`.
"""

from __future__ import annotations

from typing import Any


def ok(description: str, example: Any, csv: str | None = None) -> dict[str, Any]:
    """An OpenAPI success response with a JSON ``example``, and a ``csv`` one when the route
    can answer in CSV too."""
    content: dict[str, Any] = {"application/json": {"example": example}}
    if csv is not None:
        content.update(ok_csv(description, csv)["content"])
    return {"description": description, "content": content}


def ok_csv(description: str, example: str) -> dict[str, Any]:
    """An OpenAPI success response with a CSV ``example``."""
    return {"description": description, "content": {"text/csv": {"schema": {"type": "string"}, "example": example}}}


HIT = {
    "id": 42, "url": "https://example.org/press/2017/avalanche", "title": "Avalanche takedown",
    "published": "2017-12-01", "source": "example-police", "language": "en",
    "operations": ["avalanche"], "score": 7.5321,
    "snippet": "… a joint action with Europol and …", "highlights": [[22, 29]],
    "cluster": 42, "similar": 0,
}
SEARCH = {
    "query": "europol",
    "total": 2,
    "page": 1,
    "limit": 10,
    "last_page": 1,
    "sort": "relevance",
    "hits": [HIT, {
        "id": 57, "url": "https://example.org/press/2018/avalanche-arrests", "title": "Avalanche: arrests",
        "published": "2018-02-14", "source": "example-police", "language": "en",
        "operations": ["avalanche"], "score": 5.0127,
        "snippet": "… Europol coordinated the arrests …", "highlights": [[2, 9]],
        "cluster": 57, "similar": 0,
    }],
    "facets": {"language": {"en": 2}, "source": {"example-police": 2}, "source_country": {"NL": 2},
               "country": {"NL": 2, "DE": 1}, "agency": {"europol": 2}, "year": {"2017": 1, "2018": 1},
               "operation": {"avalanche": 2}},
    "interval": "week",
    "histogram": {"2017-W48": 1, "2018-W07": 1},
    "timeline": [
        {"period": "2017-W48", "since": "2017-11-27", "until": "2017-12-03", "count": 1},
        {"period": "2018-W07", "since": "2018-02-12", "until": "2018-02-18", "count": 1},
    ],
    "expansions": {},
}
SIMILAR = {"id": 42, "hits": [{**HIT, "id": 43, "url": "https://example.net/news/avalanche", "cluster": 43}]}
CHECK = {
    "ok": False, "repaired": False, "documents": 1200, "index_entries": 1201,
    "missing": {"count": 1, "examples": [17]}, "stale": {"count": 0, "examples": []},
    "duplicates": {"count": 1, "examples": [42]}, "orphans": {"count": 1, "examples": [9001]},
}
STATUS = {
    "documents": 1200, "versions": 1315, "captures": 1490, "sources": 6, "indexed": 1200, "index_entries": 1200,
    "store_engine": "postgresql", "index_engine": "opensearch",
}

_QUOTE = "Europol: 38 people were arrested in Operation Tantalio across 15 countries."
_TEXT = _QUOTE + "\nSpain, Portugal and Brazil took part."
_SHA = "4d5dd70d29583fde8bf9a20f542e69d18d4c2a2e4e96ee5e69da980cb1b58ebd"
_FIGURE = {
    "kind": "arrested", "value": 38, "qualifier": "exact", "unit": "", "quote": _QUOTE,
    "status": "extracted", "corrected": False, "correction": None,
}
DOCUMENT = {
    "id": 42, "url": "https://europol.example.eu/news/tantalio", "title": "38 arrested in Operation Tantalio",
    "published": "2017-04-12", "source": "europol", "agency": "Europol", "country": "NL", "language": "en",
    "operations": ["Tantalio"], "countries": ["ES", "PT", "BR"], "agencies": ["europol"], "text": _TEXT,
    "first_captured": "2024-01-01T12:00:01Z", "last_captured": "2024-01-01T12:00:01Z",
    "removed": None, "removals": [], "version": 1, "current_version": 1,
    "versions": [{
        "number": 1, "captured": "2024-01-01T12:00:01Z", "sha256": _SHA,
        "text_sha256": "172d7444340d549f85b7c372e5a353f5875e611be59398ed29179d5136aa747d",
        "url": "https://europol.example.eu/news/tantalio", "title": "38 arrested in Operation Tantalio",
        "text": _TEXT, "warc_file": "pressarchive-20240101120000-00001.warc.gz", "warc_offset": 304,
        "warc_record_id": "<urn:uuid:6f1a4b1e-3c55-4a6e-9d0b-0c1d2e3f4a5b>",
        "requested_url": "https://europol.example.eu/news/tantalio", "status": 200, "reprocessed": None,
    }],
    "copies": [{"id": 43, "title": "38 arrested in Operation Tantalio", "source": "wire",
                "published": "2017-04-13", "similarity": 1.0}],
    "lineage": {"retells": [], "copied_by": [], "reported_by": []},
    "country_names": {"ES": "Spain", "PT": "Portugal", "BR": "Brazil"},
    "agency_names": {"europol": "Europol"},
    "figures": [_FIGURE],
    "facts_extracted": True,
}
OPERATIONS = {"operations": [{
    "key": "tantalio", "name": "Tantalio", "documents": 4, "reports": 3, "sources": 4,
    "first": "2017-04-11", "last": "2017-05-02", "languages": ["en", "es", "it"],
}]}
_REPORTED = {
    **_FIGURE, "document_id": 42, "source": "europol", "title": "38 arrested in Operation Tantalio",
    "url": "https://europol.example.eu/news/tantalio", "language": "en", "published": "2017-04-12",
}
_REPORTED_39 = {
    **_REPORTED, "value": 39, "quote": "La Policía Nacional ha detenido a 39 personas en la operación Tantalio.",
    "document_id": 44, "source": "policia", "title": "Operación TANTALIO", "language": "es",
    "url": "https://policia.example.es/prensa/tantalio", "published": "2017-04-11",
}
DOSSIER = {
    "key": "tantalio", "name": "Tantalio", "aliases": ["tantalium"], "first": "2017-04-11", "last": "2017-05-02",
    "counts": {"documents": 4, "reports": 3, "sources": 4, "undated": 0},
    "sources": ["europol", "policia", "wire"], "languages": ["en", "es"],
    "agencies": [{"id": "europol", "name": "Europol", "country": "INT", "reports": 2}],
    "countries": [{"code": "ES", "name": "Spain", "reports": 2}],
    "timeline": {"2017-04": 3, "2017-05": 1},
    "disagreements": ["arrested"],
    "figures": [{
        "kind": "arrested", "disagreement": True,
        "positions": [
            {"value": 38, "qualifier": "exact", "unit": "", "reports": [_REPORTED]},
            {"value": 39, "qualifier": "exact", "unit": "", "reports": [_REPORTED_39]},
        ],
        "conflicts": [{"a": _REPORTED, "b": _REPORTED_39}],
        "reports": [{
            "document_id": 42, "source": "europol", "title": "38 arrested in Operation Tantalio",
            "url": "https://europol.example.eu/news/tantalio", "language": "en", "published": "2017-04-12",
            "copies": [{"document_id": 43, "source": "wire"}], "headline": 38, "figures": [_REPORTED],
        }],
    }],
    "coverage": [{
        "release": {"id": 42, "source": "europol", "title": "38 arrested in Operation Tantalio",
                    "published": "2017-04-12"},
        "copied_by": [{"id": 43, "source": "wire", "title": "38 arrested in Operation Tantalio",
                       "published": "2017-04-13", "reused_share": 0.97, "shared_words": 61, "lag_days": 1.0,
                       "lag": "1 day later"}],
        "reported_by": [],
    }],
    "documents": [{
        "source": "europol", "title": "38 arrested in Operation Tantalio",
        "url": "https://europol.example.eu/news/tantalio", "language": "en", "published": "2017-04-12",
        "id": 42, "first_captured": "2024-01-01T12:00:01Z", "cluster": 42, "operations": ["Tantalio"],
    }],
}
FIGURES_CSV = (
    "operation,kind,disagreement,source,document_id,title,url,language,published,value,qualifier,unit,quote,"
    "status,headline,copies,corrected_by,corrected_at,correction_reason\r\n"
    "Tantalio,arrested,yes,europol,42,38 arrested in Operation Tantalio,https://europol.example.eu/news/tantalio,"
    f"en,2017-04-12,38,exact,,{_QUOTE},extracted,yes,43:wire,,,\r\n"
)
MERGE = {
    "id": 7, "kind": "merge_operation", "target": "tantalium",
    "payload": {"alias": "tantalium", "alias_name": "Tantalium", "canonical": "tantalio", "canonical_name": "Tantalio"},
    "author": "ana", "reason": "the Portuguese release misspells it", "created_at": "2024-03-01T09:15:00Z",
    "withdrawn_at": None, "withdrawn_by": None,
}
REJECT = {
    "id": 8, "kind": "reject_figure", "target": "44",
    "payload": {"document_id": 44, "kind": "arrested", "value": 39.0, "sentence_contains": "",
                "sentence": "La Policía Nacional ha detenido a 39 personas en la operación Tantalio."},
    "author": "ana", "reason": "the 39th arrest was in another case", "created_at": "2024-03-01T09:20:00Z",
    "withdrawn_at": None, "withdrawn_by": None,
}
ADD = {
    "id": 9, "kind": "add_figure", "target": "42",
    "payload": {"document_id": 42, "kind": "countries", "value": 15.0, "qualifier": "exact",
                "quote": "across 15 countries", "unit": ""},
    "author": "ana", "reason": "the extractor missed it", "created_at": "2024-03-01T09:25:00Z",
    "withdrawn_at": None, "withdrawn_by": None,
}
WITHDRAWN = {**REJECT, "withdrawn_at": "2024-03-02T10:00:00Z", "withdrawn_by": "ana"}
CORRECTIONS = {"corrections": [MERGE, REJECT]}
