"""Keeping clusters of copies and release-to-article lineage in step with the archive.

Run before indexing (the index holds each document's cluster id): documents whose current
version has no signature yet are signed, their LSH buckets stored, and only they, their
candidates and the clusters those belong to are looked at again, so a crawl adding 50
documents costs 50 documents' work, not a rebuild. A cluster is a connected group of
documents whose estimated Jaccard similarity is at least :data:`CLUSTER_THRESHOLD`; its id is
its lowest document id (the copy archived first). A document whose cluster id changes is
made pending for the index. Lineage (:mod:`pressarchive.similar.lineage`) is linked in the
same step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.engine import Connection, Row

from pressarchive.similar.minhash import SCHEME, buckets, from_blob, jaccard, signature, to_blob
from pressarchive.similar.lineage import links_for
from pressarchive.store import Archive, copies

#: Estimated Jaccard similarity of 5-word shingles from which two texts are copies of one
#: story (measured in bench/similar.py: copies with their own boilerplate or an added
#: paragraph score 0.6-0.9, releases sharing only a standard footer 0.1-0.4).
CLUSTER_THRESHOLD = 0.5
#: An LSH bucket shared by more documents than this is boilerplate and yields no candidates.
MAX_BUCKET = 200
#: Documents signed and compared per transaction: a batch holds SQLite's write lock for 2-3 s
#: (1-1.4 ms a document), which a crawl writing meanwhile waits out (busy timeout 30 s).
BATCH = 2000


@dataclass
class SimilarityReport:
    """What one update did: documents signed, documents whose cluster changed, links found."""

    signed: int = 0
    cluster_changes: int = 0
    links: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"signed": self.signed, "cluster_changes": self.cluster_changes, "links": self.links,
                "seconds": round(self.seconds, 3)}


def update_similarity(archive: Archive, rebuild: bool = False) -> SimilarityReport:
    """Sign, cluster and link every document not yet signed (all of them with ``rebuild``)."""
    started = time.perf_counter()
    report = SimilarityReport()
    with archive.engine.begin() as conn:
        if rebuild:
            copies.take_turn(conn)
            report.cluster_changes = copies.wipe(conn)
        waiting = copies.pending(conn, SCHEME)
    for start in range(0, len(waiting), BATCH):
        with archive.engine.begin() as conn:
            copies.take_turn(conn)  # another process (a shared crawl's) may be signing the same documents
            # Those it signed while this one waited are done: looked at again, not signed twice.
            batch = copies.facts(conn, copies.pending(conn, SCHEME, waiting[start:start + BATCH]))
            _update_batch(conn, list(batch.values()), report)
    report.seconds = time.perf_counter() - started
    return report


def _update_batch(conn: Connection, rows: list[Row[Any]], report: SimilarityReport) -> None:
    sigs = _sign(conn, rows)
    report.signed += len(rows)
    pending = {row.id for row in rows}
    broken = {row.cluster_id for row in rows if row.cluster_id is not None}  # a member changed
    recheck = pending | copies.members(conn, broken).keys()
    pairs = copies.candidate_pairs(conn, recheck, MAX_BUCKET)
    others = {other for _, other in pairs}
    for doc_id, blob in copies.signatures(conn, (recheck | others) - sigs.keys()).items():
        sigs[doc_id] = from_blob(blob)
    similar = {(a, b) for a, b in pairs if a in sigs and b in sigs and jaccard(sigs[a], sigs[b]) >= CLUSTER_THRESHOLD}
    changes = _recluster(conn, recheck, similar)
    copies.set_clusters(conn, changes)
    report.cluster_changes += len(changes)
    links = links_for(conn, rows, sigs)
    copies.replace_lineage(conn, pending, links)
    report.links += len(links)


def _sign(conn: Connection, rows: list[Row[Any]]) -> dict[int, np.ndarray]:
    """Store the signature and buckets of each row's text; returns the signatures (id ->
    values) of those long enough to have one."""
    sigs: dict[int, np.ndarray] = {}
    saved = []
    for row in rows:
        values = signature(row.text)
        if values is not None:
            sigs[row.id] = values
        saved.append((row.id, row.version, None if values is None else to_blob(values),
                      [] if values is None else list(buckets(values))))
    copies.save_signatures(conn, SCHEME, saved)
    return sigs


def _recluster(conn: Connection, recheck: set[int], similar: set[tuple[int, int]]) -> dict[int, int | None]:
    """New cluster ids (only those that changed) of the rechecked documents and of every
    document in a cluster they now join."""
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(first: int, second: int) -> None:
        a, b = find(first), find(second)
        if a != b:
            parent[max(a, b)] = min(a, b)

    for doc_id in recheck:
        find(doc_id)
    for a, b in similar:
        union(a, b)
    outside = {doc_id for pair in similar for doc_id in pair} - recheck
    joined = {cluster for cluster in copies.clusters_of(conn, outside).values() if cluster is not None}
    intact = copies.members(conn, joined)  # clusters nothing changed in: they join whole
    first_of: dict[int, int] = {}
    for doc_id, cluster in intact.items():
        union(first_of.setdefault(cluster, doc_id), doc_id)
    groups: dict[int, list[int]] = {}
    for node in parent:
        groups.setdefault(find(node), []).append(node)
    now = {doc_id: (min(group) if len(group) > 1 else None) for group in groups.values() for doc_id in group}
    was = copies.clusters_of(conn, now)
    return {doc_id: cluster for doc_id, cluster in now.items() if was.get(doc_id) != cluster}
