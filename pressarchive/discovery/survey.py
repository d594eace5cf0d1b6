"""What a discovery run fetched, as plain data the spider fills in and the inference reads.

Kept separate from the spider so the pattern inference, the draft writer and the summary can
be exercised with hand-made surveys, and so a failed fetch is recorded rather than raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego


@dataclass
class PageFacts:
    """What one HTML page says about the press room (links are absolute and canonical)."""

    url: str
    status: int = 0
    title: str = ""
    language: str = ""
    site_name: str = ""
    feed_links: list[str] = field(default_factory=list)
    sitemap_links: list[str] = field(default_factory=list)
    next_url: str = ""
    next_how: str = ""
    pagination_links: list[str] = field(default_factory=list)
    content_links: list[str] = field(default_factory=list)
    chrome_links: list[str] = field(default_factory=list)
    pressroom_links: list[str] = field(default_factory=list)


@dataclass
class FeedFinding:
    """A feed candidate and what reading it gave."""

    url: str
    how: str = ""  # where it was found: "linked from the page", "the URL given" (comma-separated)
    kind: str = ""  # "rss", "atom" or "" when it did not parse as a feed
    items: list[str] = field(default_factory=list)
    status: int = 0
    error: str = ""


@dataclass
class SitemapFinding:
    """A sitemap (or sitemap index) candidate and what reading it gave."""

    url: str
    how: str = ""  # "robots.txt", "common path", "linked from the page", "child of <index>" (comma-separated)
    kind: str = ""  # "urlset", "sitemapindex" or "" when it did not parse
    locs: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    parent: str = ""
    status: int = 0
    error: str = ""


@dataclass
class RobotsFinding:
    url: str
    status: int = 0
    sitemaps: list[str] = field(default_factory=list)
    error: str = ""
    body: bytes = b""


@dataclass
class Survey:
    """Everything one ``discover`` run learnt; filled in by ``DiscoverySpider``."""

    url: str
    start: PageFacts | None = None
    start_kind: str = "html"  # "other" when the URL given was a feed or a sitemap
    start_error: str = ""
    pressroom_url: str = ""
    listings: list[PageFacts] = field(default_factory=list)
    robots: list[RobotsFinding] = field(default_factory=list)
    feeds: list[FeedFinding] = field(default_factory=list)
    sitemaps: list[SitemapFinding] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def final_url(self) -> str:
        return self.start.url if self.start else self.url

    @property
    def listing_url(self) -> str:
        """The page the draft should start from: the press room found from a home page, or
        the page given."""
        return self.pressroom_url or self.final_url

    def feed(self, url: str) -> FeedFinding | None:
        return next((feed for feed in self.feeds if feed.url == url), None)

    def robots_forbids(self, url: str, user_agent: str) -> bool:
        """Whether a robots.txt read during the survey forbids ``url`` to ``user_agent``."""
        for robots in self.robots:
            if robots.body and url.startswith(robots.url.removesuffix("robots.txt")):
                parser = Protego.parse(robots.body.decode("utf-8", "replace"))
                return not parser.can_fetch(url, user_agent)
        return False

    def sitemap(self, url: str) -> SitemapFinding | None:
        return next((sitemap for sitemap in self.sitemaps if sitemap.url == url), None)
