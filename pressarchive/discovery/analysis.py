"""From a survey to the inferred patterns: which URLs are evidence, which regexes fit them.

One function so the CLI, the summary and the tests agree on what counted as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pressarchive.discovery.patterns import Inference, gather_evidence, infer_article, infer_follow
from pressarchive.discovery.survey import Survey
from pressarchive.urls import host_of


@dataclass
class Analysis:
    inference: Inference
    follow: list[str] = field(default_factory=list)
    pagination: list[str] = field(default_factory=list)
    hosts: tuple[str, ...] = ()


def analyse(survey: Survey) -> Analysis:
    """Evidence from the listings' content links, feed items and sitemap locations; the
    ``article`` and ``follow`` regexes inferred from it."""
    hosts = (host_of(survey.listing_url),)
    listing_urls = [page.url for page in survey.listings]
    pagination = list(dict.fromkeys(
        url for page in survey.listings for url in page.pagination_links if host_of(url) in hosts
    ))
    entry_points = [feed.url for feed in survey.feeds] + [sitemap.url for sitemap in survey.sitemaps]
    evidence = gather_evidence(
        hosts=hosts,
        listing_pages=[page.content_links for page in survey.listings],
        feed_items=[item for feed in survey.feeds for item in feed.items],
        sitemap_locs=[loc for sitemap in survey.sitemaps for loc in sitemap.locs],
        exclude=listing_urls + pagination + entry_points + [survey.url, survey.listing_url],
    )
    follow = infer_follow(survey.listing_url, pagination)
    return Analysis(inference=infer_article(evidence), follow=follow, pagination=pagination, hosts=hosts)
