"""Writing many documents: the bulk API in chunks, with retries and back-pressure.

:data:`SENDERS` threads each run opensearch-py's ``streaming_bulk``, which sends one chunk
at a time and pulls the next documents (from a queue the calling thread fills) only then, so a
refill from the store reads no faster than the server takes them and memory stays flat
whatever the archive's size; two senders keep the server busy while Python prepares the
next chunk (1,500 rather than 900 documents/s on the test node). A chunk the server turns away as too busy (HTTP
429, whole or per document) is sent again after a growing pause (:data:`INITIAL_BACKOFF`
doubling up to :data:`MAX_BACKOFF`, :data:`MAX_RETRIES` times); any other refusal of a
document fails the write with the server's reason.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from opensearchpy import OpenSearch, helpers

from pressarchive.index.opensearchindex.client import SearchEngineFailed, Server, WRITE_TIMEOUT, calling, reason_text

CHUNK_DOCS = 500
CHUNK_BYTES = 8 * 1024 * 1024
MAX_RETRIES = 8
INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 30.0
SENDERS = 2

Action = dict[str, Any]


def index_actions(index: str, sources: Iterable[dict[str, Any]]) -> Iterator[Action]:
    """Index (create or replace) actions for document sources, by their id."""
    for source in sources:
        yield {"_op_type": "index", "_index": index, "_id": str(source["id"]), "_source": source}


def delete_actions(index: str, ids: Iterable[int]) -> Iterator[Action]:
    """Delete actions for document ids."""
    for doc_id in ids:
        yield {"_op_type": "delete", "_index": index, "_id": str(doc_id)}


_END: Any = object()


class _Feed(Iterator[Action]):
    """The actions one sender thread takes from the queue, until the end or a failure."""

    def __init__(self, pending: queue.Queue[Any], failed: threading.Event) -> None:
        self.pending = pending
        self.failed = failed

    def __next__(self) -> Action:
        item = self.pending.get()
        if item is _END or self.failed.is_set():
            raise StopIteration
        return item  # type: ignore[no-any-return]


def run_bulk(client: OpenSearch, server: Server, actions: Iterable[Action], *, senders: int = SENDERS,
             max_retries: int = MAX_RETRIES, initial_backoff: float = INITIAL_BACKOFF,
             require_alias: bool = False) -> tuple[int, int]:
    """Send ``actions``; returns (documents written or deleted, deletes of absent documents).

    ``require_alias``: the target must be an alias (a write through a vanished alias must
    fail, not create a stray index of that name with guessed mappings).

    The actions are drawn in the calling thread (a store's cursor stays in its own thread)
    into a queue of a chunk per sender: the senders' pace is the reading's.
    """
    if senders <= 1:
        return _stream(client, server, iter(actions), max_retries, initial_backoff, require_alias)
    pending: queue.Queue[Any] = queue.Queue(maxsize=CHUNK_DOCS * senders)
    failed = threading.Event()

    def send() -> tuple[int, int]:
        try:
            return _stream(client, server, _Feed(pending, failed), max_retries, initial_backoff, require_alias)
        except BaseException:
            failed.set()
            raise

    with ThreadPoolExecutor(senders, thread_name_prefix="bulk") as pool:
        futures = [pool.submit(send) for _ in range(senders)]
        try:
            for action in actions:
                if failed.is_set() or not _put(pending, action, futures):
                    break
        finally:
            for _ in futures:
                _put(pending, _END, futures)
        results = [future.result() for future in futures]
    return sum(done for done, _ in results), sum(absent for _, absent in results)


def _put(pending: queue.Queue[Any], item: Any, senders: list[Future[tuple[int, int]]]) -> bool:
    """Queue ``item`` once there is room; False when no sender is left to take it."""
    while True:
        try:
            pending.put(item, timeout=0.2)
            return True
        except queue.Full:
            if all(sender.done() for sender in senders):
                return False


def _stream(client: OpenSearch, server: Server, actions: Iterator[Action], max_retries: int,
            initial_backoff: float, require_alias: bool) -> tuple[int, int]:
    done = absent = 0
    params: dict[str, Any] = {"require_alias": "true"} if require_alias else {}
    with calling(server):
        for ok, item in helpers.streaming_bulk(
            client, actions, chunk_size=CHUNK_DOCS, max_chunk_bytes=CHUNK_BYTES,
            # Typed int in opensearch-py, but a plain sleep: fractions of a second work.
            max_retries=max_retries, initial_backoff=initial_backoff, max_backoff=MAX_BACKOFF,  # type: ignore[arg-type]
            raise_on_error=False, raise_on_exception=True, request_timeout=WRITE_TIMEOUT, **params,
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
