"""Atom (RFC 4287) feeds of documents, built with ElementTree so every text is escaped.

Titles, snippets, source names and URLs are archived text from the open web: ElementTree
escapes ``<``, ``&`` and quotes, and :func:`xml_text` drops what no XML 1.0 document may hold
at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF), which escaping cannot fix.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pressarchive import __version__
from pressarchive.isodate import utc_iso

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
#: What a feed says it was updated at when it has no entries (RFC 4287 requires a time).
EPOCH = datetime(1970, 1, 1)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry, escaped or not."""
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class FeedEntry:
    """One document in a feed: ``id`` stays the same across its versions, ``link`` names the
    version, ``updated`` is when that version was captured."""

    id: str
    title: str
    link: str
    updated: datetime
    author: str
    summary: str = ""
    published: date | None = None
    original: str | None = None  # the source's own address of the document


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    self_url: str
    alternate_url: str
    entries: Sequence[FeedEntry]


def atom_xml(feed: Feed) -> bytes:
    """``feed`` as an Atom document (UTF-8, with its XML declaration)."""
    root = ET.Element("feed", xmlns=ATOM_NS)
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    _text(root, "updated", utc_iso(max((entry.updated for entry in feed.entries), default=EPOCH)))
    _link(root, feed.self_url, rel="self", type=MEDIA_TYPE)
    _link(root, feed.alternate_url, rel="alternate", type="text/html")
    ET.SubElement(root, "generator", version=__version__).text = "pressarchive"
    for entry in feed.entries:
        _entry(root, entry)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _entry(root: ET.Element, entry: FeedEntry) -> None:
    item = ET.SubElement(root, "entry")
    _text(item, "id", entry.id)
    _text(item, "title", entry.title or "(no title)")
    _link(item, entry.link, rel="alternate", type="text/html")
    if entry.original:
        _link(item, entry.original, rel="via")
    if entry.published is not None:
        _text(item, "published", f"{entry.published.isoformat()}T00:00:00Z")
    _text(item, "updated", utc_iso(entry.updated))
    author = ET.SubElement(item, "author")
    _text(author, "name", entry.author or "unknown source")
    if entry.summary:
        _text(item, "summary", entry.summary)


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = xml_text(text)


def _link(parent: ET.Element, href: str, **attributes: str) -> None:
    ET.SubElement(parent, "link", {"href": xml_text(href), **attributes})
