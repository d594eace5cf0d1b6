"""What a rerun of a Wayback import need not fetch again, and the notes that tell it.

A listed capture is *imported* when the archive holds a capture whose origin is its ``id_``
URL, or the ``id_`` URL of the nearby capture the Wayback Machine sent the request on to (the
origin names where the bytes came from; a note in the store keeps the listed URL that led
there, so the note alone never counts as imported: an import stopped before the capture was
recorded fetches it again). It is *refused* when an earlier fetch was turned down (media found by its bytes, not text,
not 200, a payload archived before): its bytes will not change, so fetching it again would
only cost the Wayback Machine a request (``retry_refused`` fetches those again). The refusals
and the redirections are kept in the store (:mod:`pressarchive.store.waybackfetches`), keyed
by the listed URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pressarchive.crawler.context import utc_now
from pressarchive.store import Archive
from pressarchive.store.waybackfetches import WaybackFetch
from pressarchive.wayback.captures import ORIGIN_PREFIX


@dataclass(frozen=True)
class Settled:
    """Listed ``id_`` URLs a run skips: ``imported`` (archived) and ``refused`` before."""

    imported: frozenset[str] = field(default_factory=frozenset)
    refused: frozenset[str] = field(default_factory=frozenset)


def settled(archive: Archive, base_url: str, retry_refused: bool = False) -> Settled:
    """What the archive says about the captures of the Wayback Machine at ``base_url``."""
    prefix = f"{base_url.rstrip('/')}/web/"
    origins = archive.origins_with_prefix(ORIGIN_PREFIX + prefix)
    served = {origin.removeprefix(ORIGIN_PREFIX) for origin in origins}
    fetches = archive.wayback_fetches(prefix)
    sent_on = {fetch.listed_url for fetch in fetches if fetch.refused is None and fetch.served_url in served}
    refused = frozenset() if retry_refused else frozenset(fetch.listed_url for fetch in fetches if fetch.refused)
    return Settled(frozenset(served | sent_on), refused)


def note_fetch(archive: Archive, listed_url: str, served_url: str, refused: str | None) -> None:
    """Remember that the capture listed at ``listed_url`` was answered from ``served_url`` and
    refused (``refused``: why) or taken (None)."""
    archive.record_wayback_fetch(WaybackFetch(listed_url, served_url, refused), utc_now())
