"""Linking news articles to the press releases they retell.

Candidates are not LSH's: an article that is all release text but a tenth of a long release
has a Jaccard similarity of 0.1, which LSH misses half the time. Instead every article is
compared with every release that came out in the :data:`LINEAGE_WINDOW` before it (and every
release with the articles after it), first by counting equal MinHash minimums (a shared
minimum means a shared shingle: unrelated texts share none or one common phrase), then by
aligning the texts word for word (:mod:`pressarchive.similar.passages`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy.engine import Connection, Row

from pressarchive.similar.minhash import from_blob
from pressarchive.similar.passages import shared_passages
from pressarchive.store import copies

#: An article retells a release that came out at most this long before it.
LINEAGE_WINDOW = timedelta(days=30)
#: Share of an article's words taken from a release for the two to be linked.
MIN_REUSED_SHARE = 0.15
#: Equal MinHash minimums (of 128) for a pair to be aligned at all.
MIN_SHARED_MINIMA = 2


def links_for(conn: Connection, batch: Iterable[Row[Any]], signed: dict[int, np.ndarray]) -> list[dict[str, Any]]:
    """Lineage rows of every article or release of ``batch`` (rows of :func:`copies.facts`)."""
    rows = [row for row in batch if row.id in signed]
    if not rows or not copies.has_news(conn):
        return []
    links: dict[tuple[int, int], dict[str, Any]] = {}
    for kind in copies.SOURCE_KINDS:
        mine = [row for row in rows if row.kind == kind]
        for article, release in _candidates(conn, mine, signed, kind):
            key = (article.id, release.id)
            if key not in links:
                link = _link(article, release)
                if link is not None:
                    links[key] = link
    return list(links.values())


def _candidates(
    conn: Connection, rows: list[Row[Any]], signed: dict[int, np.ndarray], kind: str,
) -> list[tuple[Row[Any], Row[Any]]]:
    """(article, release) pairs of ``rows`` (all of ``kind``) with documents of the other kind
    that came out in the window and share at least :data:`MIN_SHARED_MINIMA` minimums."""
    if not rows:
        return []
    news = kind == copies.NEWS
    moments = [copies.moment(row.published, row.first_captured) for row in rows]
    start = min(moments) - (LINEAGE_WINDOW if news else timedelta(0))
    end = max(moments) + (timedelta(0) if news else LINEAGE_WINDOW) + timedelta(days=1)
    others = copies.signed_between(conn, copies.PRESS_ROOM if news else copies.NEWS, start, end)
    if not others:
        return []
    others.sort(key=lambda other: copies.moment(other.published, other.first_captured))
    other_ids = np.array([other.id for other in others])
    other_moments = np.array([copies.moment(o.published, o.first_captured) for o in others], dtype="datetime64[s]")
    matrix = np.stack([from_blob(other.minhash) for other in others])
    window = np.timedelta64(LINEAGE_WINDOW)
    wanted: dict[int, list[int]] = {}
    for row, when in zip(rows, moments, strict=True):
        moment = np.datetime64(when, "s")
        low, high = (moment - window, moment) if news else (moment, moment + window)
        first, last = np.searchsorted(other_moments, low), np.searchsorted(other_moments, high, side="right")
        shared = np.count_nonzero(matrix[first:last] == signed[row.id], axis=1) >= MIN_SHARED_MINIMA
        wanted[row.id] = [int(doc_id) for doc_id in other_ids[first:last][shared]]
    known = copies.facts(conn, {doc_id for ids in wanted.values() for doc_id in ids})
    pairs = []
    for row in rows:
        for other in (known[doc_id] for doc_id in wanted[row.id] if doc_id in known):
            pairs.append((row, other) if news else (other, row))
    return pairs


def _link(article: Row[Any], release: Row[Any]) -> dict[str, Any] | None:
    lag = (copies.moment(article.published, article.first_captured)
           - copies.moment(release.published, release.first_captured))
    if not timedelta(0) <= lag <= LINEAGE_WINDOW:
        return None
    reuse = shared_passages(article.text, release.text)
    if reuse.share < MIN_REUSED_SHARE:
        return None
    return {
        "article_id": article.id, "release_id": release.id, "reused_share": round(reuse.share, 4),
        "shared_words": reuse.shared_words, "lag_seconds": int(lag.total_seconds()),
        "passages": [passage.to_json() for passage in reuse.passages],
    }
