"""Who the sample press room claims to be, and the source profile that crawls it.

The agency is fictional: the "Policía Federal de Ejemplo" (Example Federal Police, PFE) of an
imaginary Spanish-speaking country. Its profile uses country code "ES" and default language
"es" because the agency is Spanish-style; its international press room publishes in English,
Spanish, Italian, French and Portuguese. The profile is written as TOML by hand because no
TOML writer is installed (``tomllib`` only reads).
"""

from __future__ import annotations

import json
from typing import Any

NAME = "sample"
AGENCY = "Policía Federal de Ejemplo"
AGENCY_EN = "Example Federal Police"
TITLE = "Example Federal Police: International Press Room"
SHORT_NAME = "PFE Press Room"
FEED_TITLE = "Example Federal Police: press releases"
COUNTRY = "ES"
LANGUAGE = "es"

#: Listing pages: ``/press/`` and ``/press/?page=N``.
FOLLOW = (r"/press/(\?page=\d+)?$",)
#: Release pages. ``/news/`` is the pre-migration address scheme that now answers 301 to
#: ``/press/releases/...``; without it the crawler would never try the redirect. Drafts are
#: matched on purpose: robots.txt, not the profile, is what must keep the crawler out.
ARTICLE = (r"/press/(releases|drafts)/", r"/news/")

#: The identity values templates print (site title, agency names, feed title, language).
SITE = {
    "title": TITLE,
    "short_name": SHORT_NAME,
    "agency": AGENCY,
    "agency_en": AGENCY_EN,
    "feed_title": FEED_TITLE,
    "language": LANGUAGE,
}


def build_profile(base_url: str) -> dict[str, Any]:
    """The source profile for a sample press room served at ``base_url``."""
    return {
        "name": NAME,
        "title": TITLE,
        "agency": AGENCY,
        "country": COUNTRY,
        "language": LANGUAGE,
        "start_urls": [f"{base_url}/press/"],
        "allowed_domains": ["127.0.0.1"],
        "sitemap_urls": [f"{base_url}/sitemap.xml"],
        "feed_urls": [f"{base_url}/feed.xml"],
        "follow": list(FOLLOW),
        "article": list(ARTICLE),
    }


def _toml_string(value: str) -> str:
    # Regular expressions read best as literal strings; anything else is a basic string,
    # whose escapes are a superset of what json.dumps emits.
    if "\\" in value and "'" not in value and "\n" not in value:
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def profile_to_toml(profile: dict[str, Any]) -> str:
    """``profile`` (strings and lists of strings) as TOML text."""
    lines = ["# Source profile of the bundled sample press room (fictional agency)."]
    lines += [f"{key} = {_toml_value(value)}" for key, value in profile.items()]
    return "\n".join(lines) + "\n"
