""":class:`OpenSearchIndex`, the :class:`~pressarchive.index.engine.SearchEngine` on an OpenSearch server.

Opened from an ``opensearch+http(s)://HOST:PORT/NAME`` address by :func:`open_opensearch`.
Writes go through the bulk API (:mod:`.bulk`) and are made visible to searches before they
return (one refresh per call), as a Whoosh commit is; a rebuild fills a new index and swaps
the alias (:mod:`.aliases`). Searches run as :mod:`.searcher` lays out, within the time
limit. Neither numpy nor Whoosh's index code is imported (the stop word lists are read from
Whoosh's data module, :func:`pressarchive.index.languages.stoplist`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from opensearchpy import OpenSearch

from pressarchive.index.deadline import Deadline
from pressarchive.index.engine import TextSource
from pressarchive.index.engines import EngineAddress, EngineOptions
from pressarchive.index.models import Hit, SearchRequest, SearchResult
from pressarchive.index.opensearchindex import aliases
from pressarchive.index.opensearchindex.bulk import delete_actions, index_actions, run_bulk
from pressarchive.index.opensearchindex.client import WRITE_TIMEOUT, Server, calling, connect, parse_server
from pressarchive.index.opensearchindex.documents import index_source
from pressarchive.index.opensearchindex.hits import make_hits
from pressarchive.index.opensearchindex.morelike import more_like_query
from pressarchive.index.opensearchindex.searcher import ranked_ids, run_search
from pressarchive.index.querylang import parse_query
from pressarchive.index.opensearchindex.target import Target, max_clauses
from pressarchive.index.thesaurus import Thesaurus
from pressarchive.record import Document

_SCROLL_PAGE = 5_000


class OpenSearchIndex:
    """The archive's index on an OpenSearch server, under the alias ``server.name``."""

    def __init__(self, server: Server, text_source: TextSource | None = None, time_limit: float = 5.0,
                 thesaurus: Thesaurus | None = None, client: OpenSearch | None = None) -> None:
        self.server = server
        self.text_source = text_source
        self.time_limit = time_limit
        self.thesaurus = thesaurus
        self.client = client or connect(server, WRITE_TIMEOUT)
        self._write_lock = threading.Lock()  # a rebuild's swap must not lose a concurrent add
        self.recreated = aliases.open_alias(self.client, server)
        self._target = Target(self.client, server, max_clauses(self.client, server))

    def add(self, docs: Iterable[Document]) -> int:
        """Index documents, replacing those with the same id; visible to searches on return."""
        latest = {doc.id: doc for doc in docs}
        sources = [index_source(doc) for doc in latest.values()]  # validate before writing
        if not sources:
            return 0
        with self._write_lock:
            done, _ = run_bulk(self.client, self.server, index_actions(self.server.name, sources), require_alias=True)
            self._refresh(self.server.name)
        return done

    def delete(self, ids: Iterable[int]) -> int:
        """Delete documents by id; returns how many were indexed."""
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        with self._write_lock:
            done, _ = run_bulk(self.client, self.server, delete_actions(self.server.name, wanted))
            self._refresh(self.server.name)
        return done

    def rebuild(self, docs: Iterable[Document]) -> int:
        """Fill a new index with ``docs`` (a repeated id after the first is skipped), then
        swap the alias to it at once and delete the old one: readers never see a partial index."""
        with self._write_lock:
            old = aliases.indices_behind(self.client, self.server)
            fresh = aliases.create_index(self.client, self.server, refill_pending=False)
            try:
                # No refreshes and no sync per request while filling: nobody reads it yet.
                self._settings(fresh, {"refresh_interval": "-1", "translog.durability": "async"})
                seen: set[int] = set()
                done, _ = run_bulk(self.client, self.server, index_actions(fresh, self._first_of_each(docs, seen)))
                self._settings(fresh, {"refresh_interval": None, "translog.durability": None})
                self._refresh(fresh)
                self._flush(fresh)  # written with an unsynced log: on disk before readers see it
                aliases.point(self.client, self.server, fresh, old)
            except BaseException:
                # Never left behind: not by a failed fill, nor by a swap another rebuild overtook.
                aliases.drop(self.client, self.server, fresh)
                raise
            aliases.delete_all(self.client, self.server, old)
            self.recreated = False
        return done

    @staticmethod
    def _first_of_each(docs: Iterable[Document], seen: set[int]) -> Iterable[dict[str, Any]]:
        for doc in docs:
            if doc.id in seen:
                continue
            source = index_source(doc)
            seen.add(source["id"])
            yield source

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search; QueryError for a bad query, QueryTooExpensive past the time limit."""
        request = request.clamped()
        deadline = Deadline(self.time_limit)
        parsed = parse_query(request.query, thesaurus=self.thesaurus, expand=request.expand)
        return run_search(self._target, request, parsed, self.text_source, deadline)

    def matching_ids(self, request: SearchRequest) -> list[int]:
        """Every match's id in the request's order, paging ignored; the same errors and time
        limit as :meth:`search`."""
        request = request.clamped()
        deadline = Deadline(self.time_limit)
        parsed = parse_query(request.query, thesaurus=self.thesaurus, expand=request.expand)
        return ranked_ids(self._target, request, parsed, deadline)

    def more_like(self, doc_id: int, limit: int = 10) -> list[Hit]:
        """Documents like ``doc_id``, best first, excluding it; ``KeyError`` if not indexed."""
        deadline = Deadline(self.time_limit)
        found = self._target.search({"query": {"term": {"id": doc_id}}, "size": 1, "_source": ["display"]}, deadline)
        if not found["hits"]["hits"]:
            raise KeyError(doc_id)
        shown = found["hits"]["hits"][0]["_source"].get("display") or {}
        text = (self.text_source([doc_id]) if self.text_source else {}).get(doc_id, "")
        query = more_like_query(doc_id, str(shown.get("title", "")), text, list(shown.get("operations") or []))
        if query is None:
            return []
        response = self._target.search({
            "query": query, "size": max(limit, 1), "sort": [{"_score": "desc"}, {"id": "asc"}],
            "track_scores": True, "_source": ["id", "cluster", "display"], "track_total_hits": False,
        }, deadline)
        return make_hits(response["hits"]["hits"], {}, self.text_source, deadline)

    def entries(self) -> list[tuple[int, int | None]]:
        """(document id, version) of every index entry (an id is one entry in OpenSearch)."""
        found: list[tuple[int, int | None]] = []
        with calling(self.server):
            body = {"query": {"match_all": {}}, "sort": ["_doc"], "_source": ["id", "version"]}
            response = self.client.search(
                index=self.server.name, body=body, params={"scroll": "2m", "size": _SCROLL_PAGE},
            )
            scroll_id = response.get("_scroll_id")
            try:
                while response["hits"]["hits"]:
                    for hit in response["hits"]["hits"]:
                        version = hit["_source"].get("version")
                        found.append((int(hit["_source"]["id"]), None if version is None else int(version)))
                    response = self.client.scroll(body={"scroll_id": scroll_id, "scroll": "2m"})
                    scroll_id = response.get("_scroll_id", scroll_id)
            finally:
                if scroll_id:
                    self.client.clear_scroll(body={"scroll_id": [scroll_id]}, params={"ignore": "404"})
        return found

    def count(self) -> int:
        """Number of documents in the index."""
        with calling(self.server):
            return int(self.client.count(index=self.server.name)["count"])

    def describe(self) -> str:
        return f"opensearch at {self.server.url}/{self.server.name}"

    def close(self) -> None:
        """Close the client's connections; the object is unusable afterwards."""
        self.client.close()

    def __enter__(self) -> OpenSearchIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _refresh(self, index: str) -> None:
        with calling(self.server):
            self.client.indices.refresh(index=index)

    def _flush(self, index: str) -> None:
        with calling(self.server):
            self.client.indices.flush(index=index, wait_if_ongoing=True)

    def _settings(self, index: str, values: dict[str, Any]) -> None:
        with calling(self.server):
            self.client.indices.put_settings(index=index, body={"index": values})


def open_opensearch(address: EngineAddress, options: EngineOptions) -> OpenSearchIndex:
    """The OpenSearch engine an address names, its alias ready (created when missing)."""
    return OpenSearchIndex(
        parse_server(address), text_source=options.text_source,
        time_limit=options.time_limit, thesaurus=options.thesaurus,
    )
