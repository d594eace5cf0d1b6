"""Inferring a profile's ``article`` and ``follow`` regexes from the URLs a site exposes.

Release URLs share a shape: a fixed directory prefix, perhaps a year or a numeric folder, then
a slug or an ID (``/press/releases/2019/<slug>.html``, ``/news/<slug>``,
``/detalle.php?ID=<n>``). Every candidate URL (listing-page links, feed items, sitemap
locations) is reduced to such a shape; shapes are scored by how many distinct URLs they cover,
weighted by how trustworthy the place they came from is (a feed lists releases, a listing
page's content mostly does, a sitemap lists everything), and by how slug-like their last
segment is. The best shape becomes the ``article`` regex. This is a heuristic for a *draft*:
the summary shows what matched and what did not so a person can review it.

Regexes are searched in absolute canonical URLs (see :mod:`pressarchive.profiles`), so a
pattern that starts with a literal path segment needs no anchor; one that does not is anchored
to the start of the path with ``://[^/]+``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

from pressarchive.profiles import MAX_URL_LENGTH, PatternError, compile_pattern, domain_allowed
from pressarchive.urls import host_of

SOURCES = ("feed", "listing", "sitemap")
WEIGHTS = {"feed": 3.0, "listing": 2.0, "sitemap": 1.0}
SITEMAP_CAP = 20  # a sitemap lists every page of a site: its votes are capped per shape
MAX_PATTERNS = 3

ANY_SEGMENT = "[^/]+"
ANY_LEAF = "[^/?#]+"
DIGITS = r"\d+"
YEAR = r"\d{4}"
_YEAR = re.compile(r"(19|20)\d\d")
_REGEX_SPECIAL = re.compile(r"([.^$*+?{}\[\]\\|()])")


def escape(text: str) -> str:
    """Escape regex metacharacters only (``re.escape`` also escapes ``-``, which reads badly)."""
    return _REGEX_SPECIAL.sub(r"\\\1", text)


class Shape(NamedTuple):
    """A URL's shape: directory pieces (literal text or a regex class), leaf, query."""

    dirs: tuple[str, ...]
    leaf: str | None  # literal leaf (escaped) when the URL has a query; None: a variable leaf
    trailing_slash: bool
    query: tuple[tuple[str, str], ...]


@dataclass
class Candidate:
    """One inferred release-URL shape and the evidence behind it."""

    regex: str
    urls: list[str]
    counts: dict[str, int]
    slugness: float
    score: float
    literal: bool = True  # whether the shape has fixed text (a folder name, a script name)

    def matches(self, url: str) -> bool:
        return compile_pattern(self.regex).search(url) is not None


@dataclass
class Inference:
    """The inferred ``article`` regexes and everything needed to explain them."""

    article: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    evidence: dict[str, set[str]] = field(default_factory=dict)

    def matched(self) -> list[str]:
        return [url for url in self.evidence if matches_any(self.article, url)]

    def unmatched(self) -> list[str]:
        return [url for url in self.evidence if not matches_any(self.article, url)]

    def count(self, source: str, matched: bool = True) -> int:
        urls = self.matched() if matched else list(self.evidence)
        return sum(1 for url in urls if source in self.evidence[url])


def compiles(pattern: str) -> bool:
    """Whether RE2, the engine profiles are matched with, accepts ``pattern``."""
    try:
        compile_pattern(pattern)
    except PatternError:
        return False
    return True


def matches_any(patterns: Iterable[str], url: str) -> bool:
    """Whether one of ``patterns`` (RE2, as the crawl matches them) is found in ``url``."""
    return any(compile_pattern(pattern).search(url) is not None for pattern in patterns)


# -- evidence ---------------------------------------------------------------------------------

def gather_evidence(
    *, hosts: Iterable[str], listing_pages: list[list[str]], feed_items: Iterable[str] = (),
    sitemap_locs: Iterable[str] = (), exclude: Iterable[str] = (),
) -> dict[str, set[str]]:
    """Candidate release URLs on ``hosts`` and where each was seen.

    A link present on every listing page (when there are several) is menu chrome, not a
    release; URLs in ``exclude`` (the listings themselves, feeds, sitemaps) are dropped, and so
    are URLs too long for a crawl to request or a pattern to match.
    """
    hosts = tuple(hosts)
    skip = set(exclude)
    if len(listing_pages) >= 2:
        skip |= set.intersection(*(set(links) for links in listing_pages))
    evidence: dict[str, set[str]] = defaultdict(set)
    for links in listing_pages:
        for url in links:
            evidence[url].add("listing")
    for url in feed_items:
        evidence[url].add("feed")
    for url in sitemap_locs:
        evidence[url].add("sitemap")
    return {
        url: sources for url, sources in evidence.items()
        if url not in skip and len(url) <= MAX_URL_LENGTH and domain_allowed(host_of(url), hosts)
        and _has_leaf(url)
    }


def _has_leaf(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.query) or any(segment for segment in parts.path.split("/"))


# -- article ----------------------------------------------------------------------------------

def infer_article(evidence: dict[str, set[str]]) -> Inference:
    """The best release-URL regexes for ``evidence`` (empty when there is nothing to go on)."""
    groups: dict[Shape, list[str]] = defaultdict(list)
    for url in evidence:
        groups[shape_of(url)].append(url)
    groups = _merge_folders(groups)
    candidates = sorted(
        (_candidate(shape, urls, evidence) for shape, urls in groups.items()),
        key=lambda c: (-c.score, c.regex),
    )
    # A draft must load: a shape RE2 cannot compile (a hostile site's endless path) is dropped.
    candidates = [candidate for candidate in candidates if compiles(candidate.regex)]
    inference = Inference(candidates=candidates, evidence=evidence)
    if not candidates or candidates[0].score <= 0:
        return inference
    best = candidates[0]
    inference.article.append(best.regex)
    for other in candidates[1:]:
        if len(inference.article) >= MAX_PATTERNS:
            break
        trusted = other.counts["feed"] + other.counts["listing"]
        if other.score >= 0.25 * best.score and other.slugness >= 0.5 and trusted >= 2 and other.literal:
            inference.article.append(other.regex)
    return inference


def shape_of(url: str) -> Shape:
    """The shape of one URL: years and numbers generalised, the leaf left variable."""
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    trailing = parts.path.endswith("/") and bool(segments)
    dirs = tuple(_generalise(segment) for segment in segments[:-1])
    query = parse_qsl(parts.query, keep_blank_values=True)
    if query:
        leaf = escape(segments[-1]) if segments else ""
        signature = tuple((name, DIGITS if value.isdigit() else "[^&#]*") for name, value in query)
        return Shape(dirs, leaf, trailing, signature)
    return Shape(dirs, None, trailing, ())


def _generalise(segment: str) -> str:
    if segment.isdigit():
        return YEAR if len(segment) == 4 and _YEAR.fullmatch(segment) else DIGITS
    return escape(segment)


def _is_literal(piece: str) -> bool:
    return bool(piece) and piece not in (YEAR, DIGITS, ANY_SEGMENT, ANY_LEAF)


def _merge_folders(groups: dict[Shape, list[str]]) -> dict[Shape, list[str]]:
    """Merge shapes that differ in one folder only, when there are three or more such folders
    (``/news/politics/<slug>``, ``/news/sport/<slug>``, ``/news/world/<slug>``)."""
    merged = True
    while merged:
        merged = False
        depth = max((len(shape.dirs) for shape in groups), default=0)
        for position in range(depth):
            buckets: dict[Shape, list[Shape]] = defaultdict(list)
            for shape in groups:
                if len(shape.dirs) > position and _is_literal(shape.dirs[position]):
                    dirs = shape.dirs[:position] + (ANY_SEGMENT,) + shape.dirs[position + 1:]
                    buckets[shape._replace(dirs=dirs)].append(shape)
            for target, shapes in buckets.items():
                if len(shapes) >= 3 and any(_is_literal(piece) for piece in target.dirs):
                    groups[target] = [url for shape in shapes for url in groups.pop(shape)]
                    merged = True
            if merged:
                break
    return groups


def _candidate(shape: Shape, urls: list[str], evidence: dict[str, set[str]]) -> Candidate:
    counts = {source: sum(1 for url in urls if source in evidence[url]) for source in SOURCES}
    score = sum(WEIGHTS[source] * counts[source] for source in ("feed", "listing"))
    score += min(counts["sitemap"], SITEMAP_CAP)
    slugness = sum(1 for url in urls if slug_like(url)) / len(urls)
    literal = any(_is_literal(piece) for piece in shape.dirs) or bool(shape.leaf)
    score *= max(slugness, 0.1) * (1.0 if literal else 0.3)
    return Candidate(regex=shape_regex(shape, urls), urls=sorted(urls), counts=counts,
                     slugness=slugness, score=score, literal=literal)


def shape_regex(shape: Shape, urls: list[str]) -> str:
    """The regex of ``shape``; ``urls`` decide whether a variable leaf is numeric."""
    pieces = list(shape.dirs)
    if shape.leaf is not None:
        pieces.append(shape.leaf)
    else:
        leaves = [_leaf(url) for url in urls]
        pieces.append(DIGITS if leaves and all(leaf.isdigit() for leaf in leaves) else ANY_LEAF)
    path = "/" + "/".join(pieces) + ("/" if shape.trailing_slash else "")
    if shape.query:
        query = "&".join(f"{escape(name)}={value}" for name, value in shape.query)
        regex = f"{path}\\?{query}(&|$)"
    else:
        regex = f"{path}$"
    if not _is_literal(pieces[0]):
        regex = "://[^/]+" + regex
    return regex


def _leaf(url: str) -> str:
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    return segments[-1] if segments else ""


def slug_like(url: str) -> bool:
    """Whether a URL ends like a release (a long slug or an ID) rather than a menu page."""
    parts = urlsplit(url)
    if any(value.isdigit() and len(value) >= 2 for _, value in parse_qsl(parts.query)):
        return True
    stem = _leaf(url).rsplit(".", 1)[0]
    if re.fullmatch(r"\d{3,}", stem) or re.search(r"\d{4,}", stem):
        return True
    return len(stem) >= 12 and len(re.findall(r"[-_+]", stem)) >= 2


# -- follow -----------------------------------------------------------------------------------

def infer_follow(listing_url: str, pagination_urls: Iterable[str]) -> list[str]:
    """``follow`` regexes that match the listing's pagination links (and the listing itself)."""
    base = urlsplit(listing_url)
    patterns: list[str] = []
    for url in pagination_urls:
        page = urlsplit(url)
        if page.netloc != base.netloc or url == listing_url:
            continue
        pattern = _page_pattern(base.path or "/", bool(base.query), page.path or "/", page.query)
        if pattern and compiles(pattern) and matches_any([pattern], url) and pattern not in patterns:
            patterns.append(pattern)
    return patterns


def _page_pattern(base_path: str, base_has_query: bool, path: str, query: str) -> str:
    anchor = "://[^/]+" if base_path == "/" else ""
    if path == base_path:
        params = parse_qsl(query, keep_blank_values=True)
        if not base_has_query and len(params) == 1 and params[0][1].isdigit():
            return f"{anchor}{escape(base_path)}(\\?{escape(params[0][0])}=\\d+)?$"
        return f"{anchor}{escape(base_path)}(\\?[^#]*)?$"
    folder = base_path if base_path.endswith("/") else base_path + "/"
    if path.startswith(folder):
        stem = base_path
        rest = re.sub(r"\d+", r"\\d+", escape(path[len(stem):]))
        tail = "(\\?[^#]*)?" if query else ""
        return f"{anchor}{escape(stem)}({rest})?{tail}$"
    generic = re.sub(r"\d+", r"\\d+", escape(path))
    return f"{generic}(\\?[^#]*)?$" if query else f"{generic}$"
