"""pressarchive's own WARC header fields (WARC 1.1 allows extension fields; other tools
ignore them). An export writes them on each response record so that an import of that export
into another archive keeps what the record alone cannot say; an import writes the origin."""

from __future__ import annotations

#: Where an imported record came from: ``warc:<file>#<offset>`` or ``wayback:<URL>``.
ORIGIN = "WARC-Pressarchive-Origin"
#: The source (press room) the capture belongs to, by name.
SOURCE = "WARC-Pressarchive-Source"
#: The day a listing, feed or sitemap gave the page (ISO date), extraction's fallback date.
LISTED_DATE = "WARC-Pressarchive-Listed-Date"
