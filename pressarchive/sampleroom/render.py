"""Renders the sample site's HTML pages from the catalogue with the Jinja2 templates in site/.

Templates carry the header, cookie banner, navigation and footer once; this module only
assembles the values each template needs and encodes the result (UTF-8, or windows-1252 for
the legacy page).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import jinja2
from markupsafe import Markup

from pressarchive.sampleroom import media
from pressarchive.sampleroom.catalog import SITE_DIR, Catalog, Release
from pressarchive.sampleroom.profile import SITE
from pressarchive.sampleroom.traps import Box, listing_href

DEFAULT_UI_LANGUAGE = "en"  # the home, listing and institutional pages are in English


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment: autoescaped HTML and XML, deterministic whitespace."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(SITE_DIR / "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


@functools.cache
def _all_chrome() -> dict[str, dict[str, Any]]:
    with open(SITE_DIR / "chrome.toml", "rb") as handle:
        return tomllib.load(handle)


def chrome(lang: str) -> dict[str, Any]:
    """The interface strings (menu, cookie banner, footer...) for ``lang``."""
    return _all_chrome()[lang]


def format_date(day: date, lang: str) -> str:
    """``day`` written out the way the press room writes dates in ``lang``."""
    strings = chrome(lang)
    month = strings["months"][day.month - 1]
    return strings["date_format"].format(day=day.day, month=month, year=day.year)


def page_href(page: int) -> str:
    """Address of listing page ``page`` (page 1 is plain ``/press/``)."""
    return "/press/" if page == 1 else f"/press/?page={page}"


def _common(lang: str, base_url: str, page_title: str, charset: str = "utf-8") -> dict[str, Any]:
    return {
        "lang": lang,
        "t": chrome(lang),
        "site": SITE,
        "base": base_url,
        "page_title": page_title,
        "charset": charset,
        "section": "press",
    }


def render_release(release: Release, catalog: Catalog, base_url: str) -> bytes:
    """A release page, encoded as the release says (cp1252 for the legacy page)."""
    strings = chrome(release.lang)
    attachments = [
        (media.ATTACHMENTS[kind], strings[f"{kind}_label"]) for kind in release.attachments
    ]
    values = _common(release.lang, base_url, release.title, charset=release.encoding)
    values |= {
        "r": release,
        "body": Markup(release.body),
        "date_text": format_date(release.published, release.lang),
        "modified_text": format_date(release.modified, release.lang) if release.modified else "",
        "related": [catalog.get(other) for other in release.related],
        "alternates": catalog.alternates(release),
        "attachments": attachments,
    }
    html = environment().get_template(f"release_{release.template}.html").render(values)
    return html.encode(release.encoding)


def _items(releases: Iterable[Release]) -> list[dict[str, Any]]:
    return [
        {
            "href": listing_href(r),
            "title": r.title,
            "teaser": r.teaser,
            "lang": r.lang,
            "format": r.format,
            "iso": r.published.isoformat(),
            "date_text": format_date(r.published, DEFAULT_UI_LANGUAGE),
            "image_path": r.image_path,
        }
        for r in releases
    ]


def render_listing(
    page: int, pages: int, releases: Sequence[Release], boxes: Sequence[Box], base_url: str
) -> bytes:
    """Listing page ``page`` of ``pages``."""
    title = "Press releases" if page == 1 else f"Press releases (page {page})"
    values = _common(DEFAULT_UI_LANGUAGE, base_url, title)
    values |= {
        "page": page,
        "pages": pages,
        "items": _items(releases),
        "boxes": boxes,
        "page_href": page_href,
    }
    return environment().get_template("listing.html").render(values).encode("utf-8")


def render_home(latest: Sequence[Release], base_url: str) -> bytes:
    values = _common(DEFAULT_UI_LANGUAGE, base_url, "Home") | {"items": _items(latest)}
    values["section"] = "home"
    return environment().get_template("home.html").render(values).encode("utf-8")


def render_page(title: str, paragraphs: Sequence[str], base_url: str) -> bytes:
    """An institutional page (or the 404 page) with plain-text ``paragraphs``."""
    values = _common(DEFAULT_UI_LANGUAGE, base_url, title) | {"paragraphs": paragraphs}
    values["section"] = "page"
    return environment().get_template("page.html").render(values).encode("utf-8")
