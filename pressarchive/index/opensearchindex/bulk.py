"""Writing many documents: the bulk API in chunks, with retries and back-pressure.

opensearch-py's ``streaming_bulk`` sends one chunk at a time and pulls the next documents
only then, so a refill from the store reads no faster than the server takes them (memory
stays flat whatever the archive's size). A chunk the server turns away as too busy (HTTP
429, whole or per document) is sent again after a growing pause (:data:`INITIAL_BACKOFF`
doubling up to :data:`MAX_BACKOFF`, :data:`MAX_RETRIES` times); any other refusal of a
document fails the write with the server's reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from opensearchpy import OpenSearch, helpers

from pressarchive.index.opensearchindex.client import SearchEngineFailed, Server, WRITE_TIMEOUT, calling, reason_text

CHUNK_DOCS = 500
CHUNK_BYTES = 8 * 1024 * 1024
MAX_RETRIES = 8
INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 30.0

Action = dict[str, Any]


def index_actions(index: str, sources: Iterable[dict[str, Any]]) -> Iterator[Action]:
    """Index (create or replace) actions for document sources, by their id."""
    for source in sources:
        yield {"_op_type": "index", "_index": index, "_id": str(source["id"]), "_source": source}


def delete_actions(index: str, ids: Iterable[int]) -> Iterator[Action]:
    """Delete actions for document ids."""
    for doc_id in ids:
        yield {"_op_type": "delete", "_index": index, "_id": str(doc_id)}


def run_bulk(client: OpenSearch, server: Server, actions: Iterable[Action], *,
             max_retries: int = MAX_RETRIES, initial_backoff: float = INITIAL_BACKOFF) -> tuple[int, int]:
    """Send ``actions``; returns (documents written or deleted, deletes of absent documents)."""
    done = absent = 0
    with calling(server):
        for ok, item in helpers.streaming_bulk(
            client, actions, chunk_size=CHUNK_DOCS, max_chunk_bytes=CHUNK_BYTES,
            # Typed int in opensearch-py, but a plain sleep: fractions of a second work.
            max_retries=max_retries, initial_backoff=initial_backoff, max_backoff=MAX_BACKOFF,  # type: ignore[arg-type]
            raise_on_error=False, raise_on_exception=True, request_timeout=WRITE_TIMEOUT,
        ):
            operation, result = next(iter(item.items()))
            if ok:
                done += 1
            elif operation == "delete" and result.get("status") == 404:
                absent += 1
            else:
                raise SearchEngineFailed(
                    f"the search engine at {server.redacted} refused document {result.get('_id')}:"
                    f" {result.get('status')} {reason_text(result.get('error'))}"
                )
    return done, absent
