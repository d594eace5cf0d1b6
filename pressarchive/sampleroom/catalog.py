"""The catalogue of the sample press room: every release's metadata and body, read from site/.

Release pages, listings, the sitemap and the feed are all generated from this one catalogue,
so they cannot disagree about titles, dates or addresses. Each content file in
``site/releases/`` (``site/drafts/`` for unpublished drafts) is a TOML front matter block
between ``+++`` lines followed by the body: HTML for ``.html`` files, plain-text paragraphs for
``.txt`` files, which are published as PDF. ``site/_rev2/releases/`` holds the revision 2
version of a release; it may change only the body and ``modified`` (checked on load).
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

SITE_DIR = Path(__file__).parent / "site"

#: How a release can be found: on a listing page (and in the sitemap, and in the feed if it is
#: recent), only through the sitemap, or only through the RSS feed.
REACHES = ("listing", "sitemap-only", "feed-only")
TEMPLATES = ("a", "b", "legacy")
ENCODINGS = ("utf-8", "windows-1252")
#: Front-matter keys a revision override may change; everything else must stay identical.
REVISABLE = frozenset({"modified", "body"})


@dataclass(frozen=True, slots=True)
class Release:
    """One press release (or draft) of the sample site."""

    id: str
    lang: str
    slug: str
    published: date
    title: str
    teaser: str
    section: str
    image: str
    image_alt: str
    caption: str
    body: str
    format: str = "html"
    template: str = "a"
    encoding: str = "utf-8"
    operation: str | None = None
    reach: str = "listing"
    old_slug: str | None = None
    attachments: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    modified: date | None = None
    draft: bool = False

    @property
    def path(self) -> str:
        """The URL path the release is published at."""
        if self.draft:
            return f"/press/drafts/{self.slug}.html"
        return f"/press/releases/{self.published.year}/{self.slug}.{self.format}"

    @property
    def old_path(self) -> str | None:
        """The pre-migration URL path that redirects (301) to :attr:`path`, if any."""
        return f"/news/{self.old_slug}" if self.old_slug else None

    @property
    def image_path(self) -> str:
        return f"/media/images/{self.image}"

    @property
    def linkable(self) -> bool:
        """Whether other pages may link this release (sitemap- and feed-only ones stay hidden)."""
        return self.reach == "listing" and not self.draft

    def paragraphs(self) -> list[str]:
        """The body of a plain-text (PDF) release as paragraphs with lines joined."""
        return [" ".join(block.split()) for block in self.body.split("\n\n") if block.strip()]


@dataclass(frozen=True, slots=True)
class Catalog:
    """All releases, newest first (ties broken by id), and the drafts."""

    releases: tuple[Release, ...]
    drafts: tuple[Release, ...]

    def get(self, release_id: str) -> Release:
        for release in self.releases + self.drafts:
            if release.id == release_id:
                return release
        raise KeyError(release_id)

    @property
    def listed(self) -> tuple[Release, ...]:
        return tuple(r for r in self.releases if r.reach == "listing")

    @property
    def in_sitemap(self) -> tuple[Release, ...]:
        return tuple(r for r in self.releases if r.reach in ("listing", "sitemap-only"))

    @property
    def in_feed(self) -> tuple[Release, ...]:
        return tuple(r for r in self.releases if r.reach in ("listing", "feed-only"))

    def alternates(self, release: Release) -> tuple[Release, ...]:
        """Linkable HTML translations of ``release`` (same operation, other language)."""
        if release.operation is None:
            return ()
        return tuple(
            r
            for r in self.listed
            if r.operation == release.operation and r.lang != release.lang and r.format == "html"
        )


def parse_content_file(text: str) -> tuple[dict[str, Any], str]:
    """Split a content file into its front matter (parsed) and its body (stripped)."""
    if not text.startswith("+++\n"):
        raise ValueError("content file must start with a '+++' front matter line")
    head, sep, body = text[4:].partition("\n+++\n")
    if not sep:
        raise ValueError("front matter is not closed by a '+++' line")
    return tomllib.loads(head), body.strip()


def _read_release(path: Path, *, draft: bool = False) -> Release:
    meta, body = parse_content_file(path.read_text(encoding="utf-8"))
    known = {f.name for f in fields(Release)}
    unknown = set(meta) - known
    if unknown:
        raise ValueError(f"{path.name}: unknown front matter keys {sorted(unknown)}")
    for key in ("attachments", "related"):
        if key in meta:
            meta[key] = tuple(meta[key])
    fmt = "pdf" if path.suffix == ".txt" else "html"
    return Release(**meta, body=body, format=fmt, draft=draft)


def _content_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".html", ".txt"))


def _check(catalog: Catalog) -> None:
    """Fail loudly if the content files contradict each other."""
    everything = catalog.releases + catalog.drafts
    ids = [r.id for r in everything]
    paths = [r.path for r in everything] + [r.old_path for r in everything if r.old_path]
    if len(set(ids)) != len(ids) or len(set(paths)) != len(paths):
        raise ValueError("duplicate release id or path in the sample site")
    for r in everything:
        if r.reach not in REACHES or r.template not in TEMPLATES or r.encoding not in ENCODINGS:
            raise ValueError(f"{r.id}: bad reach, template or encoding")
        if (r.template == "legacy") != (r.encoding == "windows-1252"):
            raise ValueError(f"{r.id}: only the legacy template is served as windows-1252")
        if r.old_slug and not r.linkable:
            raise ValueError(f"{r.id}: a redirected release must also be linked normally")
        for other in r.related:
            if not catalog.get(other).linkable:
                raise ValueError(f"{r.id}: related release {other} must not be linked")


def _apply_override(base: Release, revised: Release) -> Release:
    changed = {
        f.name for f in fields(Release) if getattr(base, f.name) != getattr(revised, f.name)
    }
    if not changed <= REVISABLE:
        raise ValueError(f"{base.id}: a revision may only change {sorted(REVISABLE)}")
    return replace(base, body=revised.body, modified=revised.modified)


@functools.cache
def load_catalog(revision: int = 1, site_dir: Path = SITE_DIR) -> Catalog:
    """Read the catalogue as published at ``revision`` (1, or 2 and later for the corrections)."""
    if revision < 1:
        raise ValueError("revision starts at 1")
    releases = {r.id: r for r in map(_read_release, _content_files(site_dir / "releases"))}
    if revision >= 2:
        for revised in map(_read_release, _content_files(site_dir / "_rev2" / "releases")):
            releases[revised.id] = _apply_override(releases[revised.id], revised)
    drafts = tuple(_read_release(p, draft=True) for p in _content_files(site_dir / "drafts"))
    ordered = sorted(releases.values(), key=lambda r: (-r.published.toordinal(), r.id))
    catalog = Catalog(releases=tuple(ordered), drafts=drafts)
    _check(catalog)
    return catalog
