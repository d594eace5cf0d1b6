"""Reading RSS and Atom feeds into (URL, date) entries, with lxml and no network access.

Feeds are the cheapest way to learn about new releases; only the link and the date matter to
the crawler, so this stays a small parser rather than a feed library. A feed that is not
well-formed XML, or not a feed at all (an HTML maintenance page), is reported as such, so the
crawl can tell "no longer listed" from "not read".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, recover=False, huge_tree=False)
_ATOM = "{http://www.w3.org/2005/Atom}"
_FEED_ROOTS = {f"{_ATOM}feed", "rss", "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"}


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str
    published: date | None


@dataclass(frozen=True, slots=True)
class FeedRead:
    """A feed's entries, and ``problem`` when the feed was not read whole (then the entries,
    if any, are what a forgiving parser recovered: use them, but do not trust what is absent)."""

    entries: list[FeedEntry]
    problem: str = ""


def read_feed(body: bytes) -> FeedRead:
    """An RSS 2.0, RSS 1.0 or Atom feed; a page or broken XML comes back with its ``problem``."""
    problem = ""
    try:
        root = etree.fromstring(body, parser=_STRICT)
    except etree.XMLSyntaxError as exc:
        problem = f"malformed XML ({exc.msg})"
        root = _recovered(body)
    except ValueError:
        return FeedRead([], "not XML")
    if root is None or root.tag not in _FEED_ROOTS:
        return FeedRead([], problem or "not a feed")
    if root.tag == f"{_ATOM}feed":
        entries = [_atom_entry(entry) for entry in root.iter(f"{_ATOM}entry") if _atom_link(entry)]
    else:
        entries = [_rss_entry(item) for item in root.iter("item", "{*}item") if _rss_link(item)]
    return FeedRead(entries, problem)


def feed_entries(body: bytes) -> list[FeedEntry]:
    """The entries of a feed, as far as they can be read; empty for anything else."""
    return read_feed(body).entries


def _recovered(body: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(body, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


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
