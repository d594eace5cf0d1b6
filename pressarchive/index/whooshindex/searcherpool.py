"""Whoosh searchers for concurrent reads: each read in flight gets one of its own.

Whoosh readers share file handles and are not safe to use from several threads at once, so
one shared searcher meant one lock, and a slow search held every other search and even a
document count (``/api/status``) behind it. The pool hands each read a searcher nobody else
is using: an idle one of the index's latest generation if there is one, else a new one.
A searcher goes back to the pool only if it is still of the latest generation; one left
behind by a commit (from this process or another), or one that failed, is closed, so a
closed or outdated searcher is never handed out again. A few idle searchers are kept, so
a quiet server reuses one searcher and its open files instead of reopening per request.
At most :data:`MAX_IN_USE` are in use at once (a searcher holds a dozen files per segment,
and a laptop's limit of open files can be 256): a further read waits for one to come back,
which the query time limit bounds.
"""

from __future__ import annotations

import threading

from whoosh.index import Index
from whoosh.searching import Searcher

# Idle searchers kept open for reuse; more reads in flight open more, closed on return.
KEEP_IDLE = 4
# Reads running at once, each on its own searcher; more wait (2 cores gain nothing from more).
MAX_IN_USE = 8
_OPEN_ATTEMPTS = 3


class SearcherPool:
    """Searchers of one index, handed out one per read by :meth:`acquire` / :meth:`release`."""

    def __init__(self, ix: Index, keep_idle: int = KEEP_IDLE, max_in_use: int = MAX_IN_USE) -> None:
        self._ix = ix
        self._keep_idle = keep_idle
        self._in_use = threading.BoundedSemaphore(max_in_use)
        self._idle: list[Searcher] = []
        self._lock = threading.Lock()  # guards the idle list only, never held during a read
        self._closed = False

    def acquire(self) -> Searcher:
        """A searcher of the latest generation that no other read is using."""
        self._in_use.acquire()
        try:
            return self._take()
        except BaseException:
            self._in_use.release()
            raise

    def _take(self) -> Searcher:
        generation = self._ix.latest_generation()
        stale: list[Searcher] = []
        found: Searcher | None = None
        with self._lock:
            if self._closed:
                raise RuntimeError("SearchIndex is closed")
            while self._idle and found is None:
                searcher = self._idle.pop()
                if searcher.reader().generation() == generation:
                    found = searcher
                else:
                    stale.append(searcher)
        for searcher in stale:
            searcher.close()
        return found if found is not None else self._open()

    def outdated(self, searcher: Searcher) -> bool:
        """True once a commit has made a newer generation than ``searcher`` reads."""
        return bool(searcher.reader().generation() != self._ix.latest_generation())

    def release(self, searcher: Searcher, failed: bool = False) -> None:
        """Return ``searcher``: kept for reuse if healthy and current, else closed."""
        try:
            current = not failed and not self.outdated(searcher)
            with self._lock:
                if current and not self._closed and len(self._idle) < self._keep_idle:
                    self._idle.append(searcher)
                    return
            searcher.close()
        finally:
            self._in_use.release()

    def close(self) -> None:
        """Close the idle searchers; those in use are closed when released."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for searcher in idle:
            searcher.close()

    def _open(self) -> Searcher:
        # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it re-adds the old reader's segments
        # to the new one, so segments dropped by a merge or a rebuild come back as duplicates.
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                return self._ix.searcher()
            except OSError:  # the TOC we listed was replaced by a newer commit meanwhile
                if attempt == _OPEN_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")
