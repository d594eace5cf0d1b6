"""The awkward links of the sample press room, placed where a real CMS would put them.

A crawler of this site has to collapse a redirect, a fragment and a tracking parameter onto
the release they point at, resolve a relative link, honour robots.txt, skip media files and
stay on the site. Those links are chosen here, in one place, so that the pages, the README and
the tests agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pressarchive.sampleroom import media
from pressarchive.sampleroom.catalog import Catalog, Release

#: Release linked with a ``#top`` fragment from listing page 1 ("Most read" box).
FRAGMENT_RELEASE = "kestrel-en"
#: Release linked with ``?utm_campaign=x`` from listing page 1 ("Most read" box).
CAMPAIGN_RELEASE = "meridian-en"
#: Release whose listing entry uses a document-relative href (``releases/...`` from ``/press/``).
RELATIVE_RELEASE = "annual-report-en"
#: Query string appended to every item link of the RSS feed.
FEED_QUERY = "utm_source=rss&utm_medium=feed"
#: Links that leave the site; a crawler must not follow them.
PARTNER_LINK = "http://partner-agency.invalid/press/joint-operations.html"
ONION_LINK = "http://exampleexampleexa.onion/press/"


@dataclass(frozen=True, slots=True)
class Box:
    """A sidebar box of a listing page."""

    kind: str
    title: str
    links: tuple[tuple[str, str], ...]


def listing_href(release: Release) -> str:
    """The href a listing page uses for ``release``."""
    if release.id == RELATIVE_RELEASE:
        return release.path.removeprefix("/press/")
    return release.path


def listing_boxes(page: int, catalog: Catalog) -> list[Box]:
    """The sidebar boxes of listing page ``page``."""
    if page == 1:
        redirected = [(r.old_path, r.title) for r in catalog.listed if r.old_path]
        fragment = catalog.get(FRAGMENT_RELEASE)
        campaign = catalog.get(CAMPAIGN_RELEASE)
        links = (
            *redirected,
            (f"{fragment.path}#top", fragment.title),
            (f"{campaign.path}?utm_campaign=x", campaign.title),
        )
        return [Box("most-read", "Most read", tuple(links))]
    if page == 2:
        label = "Embargoed release (editors' preview)"
        draft_links = tuple((draft.path, label) for draft in catalog.drafts)
        return [
            Box(
                "media",
                "Media library",
                (
                    (media.VIDEO, "Video: press briefing (MP4)"),
                    (media.AUDIO, "Audio: statement by the Director General (MP3)"),
                    (media.PACK, "Media pack with photos and b-roll (ZIP)"),
                    (media.GALLERY, "Photo gallery of the year (JPG)"),
                ),
            ),
            Box("scheduled", "Scheduled", draft_links),
        ]
    return [
        Box(
            "partners",
            "Partners and mirrors",
            (
                (PARTNER_LINK, "Partner Agency: joint operations"),
                (ONION_LINK, "Tor mirror of this press room"),
            ),
        )
    ]
