"""What the faces show of copies and lineage: a document's copies, and the articles and
releases it is linked to, read from the store and shaped once for page, API, CLI and dossier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pressarchive.similar.minhash import from_blob, jaccard
from pressarchive.similar.passages import Passage
from pressarchive.store import Archive, copies

#: Share of an article's words from the release from which it only copied the release.
COPIED_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class DocRef:
    """A document as a line in a list: enough to name it and link to it."""

    id: int
    title: str
    source: str
    published: date | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source,
                "published": self.published.isoformat() if self.published else None}


@dataclass(frozen=True, slots=True)
class Copy:
    """Another document of the same cluster, with its estimated similarity (Jaccard, 0-1)."""

    doc: DocRef
    similarity: float | None

    def to_json(self) -> dict[str, Any]:
        return {**self.doc.to_json(), "similarity": self.similarity}


@dataclass(frozen=True, slots=True)
class Link:
    """A news article retelling a press release."""

    article: DocRef
    release: DocRef
    reused_share: float
    shared_words: int
    lag_seconds: int | None
    passages: tuple[Passage, ...]

    @property
    def copied(self) -> bool:
        """Whether the article is (nearly) all the release's text, i.e. added no reporting."""
        return self.reused_share >= COPIED_SHARE

    @property
    def lag(self) -> str:
        return lag_text(self.lag_seconds)

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article.to_json(), "release": self.release.to_json(),
            "reused_share": self.reused_share, "shared_words": self.shared_words,
            "lag_seconds": self.lag_seconds, "copied": self.copied,
            "passages": [passage.to_json() for passage in self.passages],
        }


@dataclass(frozen=True, slots=True)
class DocumentLineage:
    """The releases a document retells (it is a news article) and the articles retelling it
    (it is a release), the latter split into those that only copied and those that added."""

    retells: list[Link] = field(default_factory=list)
    retold_by: list[Link] = field(default_factory=list)

    @property
    def copied_by(self) -> list[Link]:
        return [link for link in self.retold_by if link.copied]

    @property
    def reported_by(self) -> list[Link]:
        return [link for link in self.retold_by if not link.copied]

    def to_json(self) -> dict[str, Any]:
        return {
            "retells": [link.to_json() for link in self.retells],
            "copied_by": [link.to_json() for link in self.copied_by],
            "reported_by": [link.to_json() for link in self.reported_by],
        }


def lag_text(seconds: int | None) -> str:
    """"2 days later", "same day", "5 hours later": how long after the release an article came."""
    if seconds is None:
        return "time unknown"
    days, hours = seconds // 86400, seconds // 3600
    if days >= 1:
        return f"{days} day{'s' if days > 1 else ''} later"
    if hours >= 1:
        return f"{hours} hour{'s' if hours > 1 else ''} later"
    return "same day"


def copies_of(archive: Archive, doc_id: int) -> list[Copy]:
    """The other documents of ``doc_id``'s cluster, most similar first."""
    with archive.engine.connect() as conn:
        cluster = copies.clusters_of(conn, [doc_id]).get(doc_id)
        if cluster is None:
            return []
        ids = set(copies.members(conn, [cluster])) - {doc_id}
        described = copies.described(conn, ids)
        sigs = copies.signatures(conn, ids | {doc_id})
    own = sigs.get(doc_id)
    found = []
    for other in sorted(described):
        blob = sigs.get(other)
        score = round(jaccard(from_blob(own), from_blob(blob)), 3) if own is not None and blob is not None else None
        found.append(Copy(_ref(described[other]), score))
    return sorted(found, key=lambda item: (-(item.similarity or 0.0), item.doc.id))


def lineage_for_documents(archive: Archive, doc_ids: Iterable[int]) -> dict[int, DocumentLineage]:
    """Each of ``doc_ids`` -> the releases it retells and the articles retelling it.

    For a dossier: ``result[release_id].copied_by`` are the outlets that only copied that
    release, ``reported_by`` those that added reporting of their own.
    """
    wanted = set(doc_ids)
    with archive.engine.connect() as conn:
        rows = copies.lineage_rows(conn, wanted)
        described = copies.described(conn, {row[key] for row in rows for key in ("article_id", "release_id")})
    result = {doc_id: DocumentLineage() for doc_id in wanted}
    for row in rows:
        article, release = described.get(row["article_id"]), described.get(row["release_id"])
        if article is None or release is None:
            continue
        link = Link(
            article=_ref(article), release=_ref(release), reused_share=row["reused_share"],
            shared_words=row["shared_words"], lag_seconds=row["lag_seconds"],
            passages=tuple(Passage.from_json(item) for item in row["passages"] or ()),
        )
        if link.article.id in result:
            result[link.article.id].retells.append(link)
        if link.release.id in result:
            result[link.release.id].retold_by.append(link)
    for entry in result.values():
        entry.retells.sort(key=lambda link: -link.reused_share)
        entry.retold_by.sort(key=lambda link: (link.lag_seconds or 0, link.article.id))
    return result


def _ref(row: dict[str, Any]) -> DocRef:
    return DocRef(id=row["id"], title=row["title"], source=row["source"], published=row["published"])


@dataclass(frozen=True, slots=True)
class Relations:
    """A document's copies and lineage, as the document page, API and ``show`` present them."""

    copies: list[Copy]
    lineage: DocumentLineage

    def to_json(self) -> dict[str, Any]:
        return {"copies": [copy.to_json() for copy in self.copies], "lineage": self.lineage.to_json()}


def relations_of(archive: Archive, doc_id: int) -> Relations:
    return Relations(copies_of(archive, doc_id), lineage_for_documents(archive, [doc_id])[doc_id])
