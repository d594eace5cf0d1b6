"""Europol (www.europol.europa.eu): the release is a JSON payload in the page, not its HTML.

Europol's site is a single-page application. Its HTML is a shell ("Loading application")
and the release travels in a script that assigns the page's data to ``window.SERVER_DATA``,
so trafilatura sees no article at all, or only footer and cookie texts. This extractor reads
the payload instead.

Evidence (collected without network access; no Europol page was fetched for this module):

* the steering seed ``seeds/002_4888f2f6bf961608.txt`` (not shipped), a fragment of a Europol news page's payload
  as text: JSON with PHP-style escapes (``<\\/p>``, ``\\u2019``) holding site-wide HTML strings
  (``"footer-bottom-second"``), ``"terms": {"tags": [...], "languages": [{"id", "title"}...]}``
  (the whole language taxonomy of the site, not the page's language), then
  ``"NodeLoader": {"node": {"id": 4061, "type": "news", "title": "...", "alias":
  "/media-press/newsroom/news/...", "published": 1587477601, "navigation": {"previous",
  "next"}, "updated": 1679396128, "body": "<p>...</p>\\n\\n<p>..."}}``: the title as plain text,
  the body as an HTML string with one ``<p>`` per paragraph, dates as UNIX seconds.
* Three public repositories that read Europol pages, found through code search:
  a news monitor (``ai-village-agents/claude-3-7-news-monitor``,
  ``scripts/monitors/europol_news.py``) matches ``window\\.SERVER_DATA=(\\{.*?\\});`` in the
  HTML, takes ``["NodeLoader"]["node"]`` and on listing pages ``node["lists"][0]["items"]``
  with ``title``, ``alias`` and ``published`` read by ``datetime.fromtimestamp(published,
  tz=utc)``; a fetch tool's ``europol_server_data`` (noted "measured 2026-08-17") says article
  pages are an SPA shell with the article in ``window.SERVER_DATA.NodeLoader.node`` ("title,
  body, published as a UNIX time") and matches ``SERVER_DATA\\s*=\\s*(\\{.*?\\})\\s*;?\\s*</script>``;
  a vacancy reader requires exactly one ``window.SERVER_DATA =`` assignment, decodes it with
  ``json.JSONDecoder().raw_decode`` and checks ``node["type"]``, ``node["id"]``, ``node["alias"]``
  (the URL path), ``node["title"]``, ``node["body"]`` and an integer ``node["published"]``.
  (``"field_pr_date"``, a Drupal field name one might expect, belongs to justice.gov's API,
  not to Europol.)

Assumed, not seen: that ``published`` is the release's issue date (``updated`` is a later
edit and is ignored) and that its day is the day in The Hague (Europe/Amsterdam), which can
differ from the UTC day for releases issued around midnight; that a number above 10^11 would
be milliseconds; that the payload names no page language (the site publishes in English, and
language detection decides). The top-level key that holds the footer and terms is unknown and
not needed. Anything that does not fit (no assignment, broken JSON, no node, empty body)
returns ``None`` and the page goes to generic extraction.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pressarchive.extract.dates import is_plausible, parse_declared_date
from pressarchive.extract.fragments import html_to_text
from pressarchive.extract.sites.base import SiteResult

NAME = "europol"
_ASSIGNMENT = re.compile(r"\bwindow\.SERVER_DATA\s*=\s*")
_MILLISECONDS = 10**11  # UNIX seconds reach 10^11 only in the year 5138


def extract(page: str, url: str) -> SiteResult | None:
    """Title, text and date of a Europol page from its ``window.SERVER_DATA`` payload."""
    node = release_node(page)
    if node is None:
        return None
    body = node.get("body")
    text = html_to_text(body) if isinstance(body, str) else ""
    if not text:
        return None
    return SiteResult(title=_title(node.get("title")), text=text, published=_published(node.get("published")))


def release_node(page: str) -> dict[str, Any] | None:
    """``SERVER_DATA["NodeLoader"]["node"]``, or ``None`` when the page has no such payload."""
    data = server_data(page)
    loader = data.get("NodeLoader") if data else None
    node = loader.get("node") if isinstance(loader, dict) else None
    return node if isinstance(node, dict) else None


def server_data(page: str) -> dict[str, Any] | None:
    """The object assigned to ``window.SERVER_DATA``; the first assignment that decodes."""
    decoder = json.JSONDecoder(strict=False)
    for match in _ASSIGNMENT.finditer(page):
        try:
            value, _ = decoder.raw_decode(page, match.end())
        except (ValueError, RecursionError):
            continue  # a comparison (``== null``) or a truncated payload
        if isinstance(value, dict):
            return value
    return None


def _title(value: Any) -> str:
    return " ".join(html.unescape(value).split()) if isinstance(value, str) else ""


def _published(value: Any) -> date | None:
    """The day of a UNIX time in The Hague; an ISO string is accepted too."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return parse_declared_date(value)
    seconds = value / 1000 if value >= _MILLISECONDS else value
    try:
        day = datetime.fromtimestamp(seconds, _hague()).date()
    except (OverflowError, OSError, ValueError):
        return None
    return day if is_plausible(day) else None


def _hague() -> tzinfo:
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # no tz database on this system: the UTC day is close
        return UTC
