"""The bundled sample press room: a small fictional, multilingual police press site.

It gives the end-to-end tests and ``pressarchive demo`` a realistic site to crawl without the
network: paginated listings, a sitemap and an RSS feed, releases in five languages (one served
as windows-1252, one published as PDF), a redirect, a robots-disallowed draft, media and offsite
links that must not be followed, and a revision switch that corrects one release in place.
See README.md in this directory for the inventory and the counts a correct crawler must reach.
"""

from __future__ import annotations

from pressarchive.sampleroom.server import SamplePressRoom

__all__ = ["SamplePressRoom"]
