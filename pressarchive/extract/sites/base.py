"""The contract between the extract stage and a site-specific extractor.

A few sites do not put the release in their HTML (an app shell fills the page from JSON in a
``<script>``), so trafilatura finds nothing or only the footer. A site extractor reads such a
page its own way and returns what it found as a :class:`SiteResult`; every field may be left
empty, and the generic extraction fills in what is missing. Kept apart from the registry so
that extractors can import it without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class SiteResult:
    """What a site extractor found; empty fields are taken from the generic extraction.

    ``text`` is the main text, one paragraph per line. Without it the generic main text is
    used, and the other fields still override the generic ones.
    """

    title: str = ""
    text: str = ""
    published: date | None = None
    language: str = ""  # a language tag the site states (``en``, ``pt-PT``); trusted as is


# (decoded page HTML, page URL) -> a result, or None to leave the page to generic extraction.
# It must not raise on a page it does not understand: returning None is the way to decline.
SiteExtractor = Callable[[str, str], SiteResult | None]
