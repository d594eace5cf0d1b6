"""The human summary ``discover`` prints to stderr: what was found, counts, samples, and what
a person should review before trusting the draft.

Plain lines rather than a rich layout, so it reads the same in a terminal, a log and a test;
page-derived text is stripped of control characters before it gets here.
"""

from __future__ import annotations

from pressarchive.crawler.settings import DEFAULT_USER_AGENT
from pressarchive.discovery.analysis import Analysis
from pressarchive.discovery.draft import Draft
from pressarchive.discovery.patterns import matches_any
from pressarchive.discovery.survey import SitemapFinding, Survey

SAMPLES = 3
MANY_CHILDREN = 10


def summary_lines(survey: Survey, analysis: Analysis, draft: Draft | None) -> list[str]:
    """The summary, one line per list item."""
    lines = [_headline(survey)]
    lines += _listing_lines(survey, analysis)
    lines += _robots_lines(survey)
    lines += _sitemap_lines(survey, analysis)
    lines += _feed_lines(survey, analysis)
    lines += _article_lines(analysis)
    lines += ["review before crawling:"] + [f"  - {note}" for note in review_notes(survey, analysis, draft)]
    return lines


def _headline(survey: Survey) -> str:
    page = survey.start
    title = f' "{page.title}"' if page and page.title else ""
    language = f" (lang {page.language})" if page and page.language else ""
    return f"discover {survey.url}{title}{language}: {survey.requests} requests"


def _listing_lines(survey: Survey, analysis: Analysis) -> list[str]:
    if survey.start_kind != "html":
        return ["listing pages: none (the URL given is not an HTML page)"]
    lines = []
    if survey.pressroom_url:
        lines.append(f"press room: {survey.pressroom_url} (linked from the home page)")
    how = next((page.next_how for page in survey.listings if page.next_how), "")
    lines.append(f"listing pages: {len(survey.listings)} read" + (f", next page by {how}" if how else ""))
    if analysis.pagination:
        shown = ", ".join(analysis.pagination[:SAMPLES]) + (" …" if len(analysis.pagination) > SAMPLES else "")
        lines.append(f"  pagination links: {len(analysis.pagination)} ({shown})")
    for pattern in analysis.follow:
        count = sum(1 for url in analysis.pagination if matches_any([pattern], url))
        lines.append(f"  follow: '{pattern}' matches {count} of them")
    if not analysis.follow:
        lines.append("  follow: no pagination found")
    return lines


def _robots_lines(survey: Survey) -> list[str]:
    lines = []
    for robots in survey.robots:
        if robots.error:
            lines.append(f"robots.txt: {robots.url}: {robots.error}")
        else:
            names = f"names {len(robots.sitemaps)} sitemap(s)" if robots.sitemaps else "names no sitemap"
            lines.append(f"robots.txt: {robots.url} (HTTP {robots.status}), {names}")
    return lines


def _sitemap_lines(survey: Survey, analysis: Analysis) -> list[str]:
    tops = [sitemap for sitemap in survey.sitemaps if not sitemap.parent]
    found = [sitemap for sitemap in tops if sitemap.kind]
    missing = f" ({len(tops) - len(found)} tried in vain)" if len(tops) > len(found) else ""
    lines = [f"sitemaps: {len(found)} found{missing}"]
    for sitemap in tops:
        lines.append(f"  {sitemap.url} ({sitemap.how}): {_sitemap_text(sitemap, analysis)}")
        for child in (s for s in survey.sitemaps if s.parent == sitemap.url):
            lines.append(f"    {child.url}: {_sitemap_text(child, analysis)}")
    return lines


def _sitemap_text(sitemap: SitemapFinding, analysis: Analysis) -> str:
    if not sitemap.kind:
        return sitemap.error or "not a sitemap"
    if sitemap.kind == "sitemapindex":
        return f"index of {len(sitemap.children)} sitemaps"
    return f"{len(sitemap.locs)} URLs, {_matching(sitemap.locs, analysis)} match article"


def _feed_lines(survey: Survey, analysis: Analysis) -> list[str]:
    found = [feed for feed in survey.feeds if feed.kind]
    lines = [f"feeds: {len(found)} found"]
    for feed in survey.feeds:
        text = (f"{feed.kind.upper()}, {len(feed.items)} items, {_matching(feed.items, analysis)} match article"
                if feed.kind else feed.error or "not a feed")
        lines.append(f"  {feed.url} ({feed.how}): {text}")
    lines += [f"  {url}: on another site, not used" for url in survey.offsite]
    return lines


def _article_lines(analysis: Analysis) -> list[str]:
    inference = analysis.inference
    evidence = inference.evidence
    lines = [f"release URLs: {len(evidence)} candidates ({_by_source(list(evidence), evidence)})"]
    for pattern in inference.article:
        urls = [url for url in evidence if matches_any([pattern], url)]
        counts = _by_source(urls, evidence)
        lines.append(f"  article: '{pattern}' matches {len(urls)} ({counts})")
        lines += [f"    e.g. {url}" for url in urls[:SAMPLES]]
    unmatched = [c for c in inference.candidates if c.regex not in inference.article]
    if unmatched:
        count = sum(len(c.urls) for c in unmatched)
        lines.append(f"  not matched: {count} URLs in {len(unmatched)} other shapes")
        for candidate in unmatched[:5]:
            where = ", ".join(f"{k} {v}" for k, v in candidate.counts.items() if v)
            lines.append(f"    '{candidate.regex}' ({where}): {candidate.urls[0]}")
    return lines


def _by_source(urls: list[str], evidence: dict[str, set[str]]) -> str:
    return ", ".join(f"{source} {sum(1 for url in urls if source in evidence[url])}"
                     for source in ("listing", "feed", "sitemap"))


def _matching(urls: list[str], analysis: Analysis) -> int:
    return sum(1 for url in urls if matches_any(analysis.inference.article, url))


def review_notes(survey: Survey, analysis: Analysis, draft: Draft | None,
                 user_agent: str = DEFAULT_USER_AGENT) -> list[str]:
    """What a person should check or fill in before relying on the draft."""
    notes: list[str] = []
    fields = draft.fields if draft else {}
    if draft is not None:
        if not fields.get("agency"):
            notes.append("agency is empty: name the agency that publishes these releases")
        if not fields.get("country"):
            notes.append("country could not be inferred from the host: set the ISO 3166 code")
        if fields.get("language"):
            notes.append(f"language {fields['language']!r} is the page's <html lang>: set the source's main language")
        else:
            notes.append("language is empty: set the source's main language (ISO 639-1)")
    for candidate in analysis.inference.candidates:
        linked = candidate.counts["listing"] or candidate.counts["feed"]
        if candidate.regex in analysis.inference.article or not linked:
            continue
        example = candidate.urls[0]
        if survey.robots_forbids(example, user_agent):
            notes.append(f"{len(candidate.urls)} linked URL(s) like {example} do not match article; "
                         "robots.txt forbids them anyway")
            continue
        notes.append(f"{len(candidate.urls)} linked URL(s) like {example} do not match article; "
                     "if they are releases, or old addresses that redirect to releases, add a pattern for them")
    forbidden = [url for url in analysis.inference.matched() if survey.robots_forbids(url, user_agent)]
    if forbidden:
        notes.append(f"{len(forbidden)} URL(s) matching article are forbidden by robots.txt (e.g. {forbidden[0]}) "
                     "and will not be fetched")
    feed_items = [item for feed in survey.feeds for item in feed.items]
    missed = [item for item in feed_items if not matches_any(analysis.inference.article, item)]
    if missed:
        notes.append(f"{len(missed)} of {len(feed_items)} feed items do not match article (e.g. {missed[0]})")
    if not analysis.follow and survey.start_kind == "html":
        notes.append("no pagination found: only the start page's links are read; "
                     "add a follow regex if the listing has more pages")
    for sitemap in survey.sitemaps:
        if sitemap.kind == "sitemapindex" and not sitemap.parent and len(sitemap.children) > MANY_CHILDREN:
            notes.append(f"{sitemap.url} indexes {len(sitemap.children)} sitemaps and a crawl reads them all; "
                         "consider listing only the child sitemaps that hold releases")
    if survey.pressroom_url:
        notes.append(f"start URL is {survey.pressroom_url}, the press room the home page links to: "
                     "check it is the right section")
    if draft is not None and not (fields.get("sitemap_urls") or fields.get("feed_urls")):
        notes.append("no sitemap or feed with release URLs: the listing pages are the only way in")
    notes.append("try it with a short crawl first: pressarchive crawl --profile FILE --max-pages 20")
    return notes
