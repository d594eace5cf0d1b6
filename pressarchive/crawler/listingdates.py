"""The date a listing page prints beside each release it links.

A press room's index often shows each release's date next to its link ("12.03.2019 — Nine
arrested ..."), and some release pages never print it themselves. The date travels with the
request to extraction as the release's ``listed_date``, used only when the page has none.

A release's item is the largest element around its link that links no other release (the
``<li>``, the table row, the teaser ``<div>``); its date is a ``<time datetime>`` or a date
written in the item's text, read in the source's language. An item with two different dates
(an event date in the headline, an update) or with none gives no date: guessing is worse
than leaving it to the page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from pressarchive.extract.dates import parse_declared_date, text_dates
from pressarchive.urls import canonical_url

#: Request meta key: the ISO day a feed, sitemap or listing gave the release it asks for.
LISTED_DATE_META = "pressarchive_listed_date"
_MAX_ITEM_CHARS = 1000  # a larger "item" is a page section, not one release's teaser


def listed_release_dates(
    root: HtmlElement, base_url: str, is_release: Callable[[str], bool], language: str = "",
    today: date | None = None,
) -> dict[str, date]:
    """Canonical release URL -> the one date its listing item shows, for the items that show one."""
    links: list[tuple[HtmlElement, str]] = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            url = canonical_url(urljoin(base_url, href))
            if is_release(url):
                links.append((anchor, url))
    releases_under: dict[HtmlElement, set[str]] = defaultdict(set)
    for anchor, url in links:
        for element in (anchor, *anchor.iterancestors()):
            releases_under[element].add(url)
    found: dict[str, set[date]] = defaultdict(set)
    item_dates: dict[HtmlElement, set[date]] = {}  # a teaser's title and "read more" share an item
    for anchor, url in links:
        item = anchor
        for parent in anchor.iterancestors():
            if len(releases_under[parent]) > 1:
                break
            item = parent
        if item not in item_dates:
            item_dates[item] = _item_dates(item, language, today)
        found[url] |= item_dates[item]
    return {url: next(iter(days)) for url, days in found.items() if len(days) == 1}


def _item_dates(item: HtmlElement, language: str, today: date | None) -> set[date]:
    text = " ".join(item.text_content().split())
    if len(text) > _MAX_ITEM_CHARS:
        return set()
    stamps = {day for value in item.xpath(".//time/@datetime") if (day := parse_declared_date(str(value), today))}
    return stamps | {day for _, day in text_dates(text, today, language)}


def listed_day(meta: Mapping[str, Any]) -> date | None:
    """The day a listing gave the release a request fetches (its ``meta``), if any."""
    return parse_day(meta.get(LISTED_DATE_META))


def parse_day(value: str | None) -> date | None:
    """An ISO day (or the day of an ISO timestamp) as a date; None for anything else."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
