"""Reading RSS and Atom feeds into (URL, date) entries, with lxml and no network access.

Feeds are the cheapest way to learn about new releases; only the link and the date matter to
the crawler, so this stays a small parser rather than a feed library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
_ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str
    published: date | None


def feed_entries(body: bytes) -> list[FeedEntry]:
    """The entries of an RSS 2.0, RSS 1.0 or Atom feed; empty for anything unparsable."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    if root.tag == f"{_ATOM}feed":
        return [_atom_entry(entry) for entry in root.iter(f"{_ATOM}entry") if _atom_link(entry)]
    return [_rss_entry(item) for item in root.iter("item", "{*}item") if _rss_link(item)]


def _rss_link(item: etree._Element) -> str:
    link = item.findtext("link") or item.findtext("{*}link") or ""
    if not link.strip():
        guid = item.find("guid")
        if guid is not None and guid.get("isPermaLink", "true") == "true":
            link = guid.text or ""
    return link.strip()


def _rss_entry(item: etree._Element) -> FeedEntry:
    raw = item.findtext("pubDate") or item.findtext("{http://purl.org/dc/elements/1.1/}date")
    return FeedEntry(_rss_link(item), _parse_date(raw))


def _atom_link(entry: etree._Element) -> str:
    for link in entry.iter(f"{_ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "").strip()
    return ""


def _atom_entry(entry: etree._Element) -> FeedEntry:
    raw = entry.findtext(f"{_ATOM}published") or entry.findtext(f"{_ATOM}updated")
    return FeedEntry(_atom_link(entry), _parse_date(raw))


def _parse_date(raw: str | None) -> date | None:
    if not raw:
        return None
    raw = raw.strip()
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError):
        return None
