"""The outcome of checking a profile against its live site: one row per entry point, one
verdict per source.

A verdict is deliberately coarse so it can drive a cron job's exit status:

- ``ok``: every entry point answered and still leads to releases (links, sitemap locations
  or feed items matching the profile's ``article`` regexes);
- ``changed``: the site answered but something no longer fits the profile (a 4xx, an entry
  point robots.txt now forbids, a sitemap or feed that no longer parses, no matching
  URLs): the profile needs editing;
- ``unreachable``: nothing contradicts the profile, but some entry point could not be fetched
  (connection refused, DNS, timeout, 5xx); try again later before editing anything.

``changed`` wins over ``unreachable`` because it is the one a person must act on. robots.txt
is reported but does not decide the verdict (its absence is normal); a robots.txt that now
forbids an entry point shows up on that entry point as ``blocked``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OK, CHANGED, UNREACHABLE = "ok", "changed", "unreachable"
#: Entry-point states, and the verdict each one implies.
STATES = {
    "ok": OK,
    "no-match": CHANGED,
    "unparsable": CHANGED,
    "http-error": CHANGED,
    "blocked": CHANGED,
    "unreachable": UNREACHABLE,
    "pending": UNREACHABLE,
}
MAX_SAMPLES = 3


@dataclass
class EntryCheck:
    """One entry point (or robots.txt) fetched and judged."""

    kind: str  # "listing", "sitemap", "feed" or "robots"
    url: str
    status: int = 0  # final HTTP status; 0 when there was no response
    redirects: list[int] = field(default_factory=list)
    final_url: str = ""
    format: str = ""  # "html", "urlset", "sitemapindex", "rss", "atom"; "" if it did not parse
    found: int = 0  # links, locations or items read
    matched: int = 0  # of which match the profile's article regexes
    follow: int = 0  # listing links matching the profile's follow regexes
    samples: list[str] = field(default_factory=list)
    error: str = ""
    done: bool = False
    children: list[EntryCheck] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return 200 <= self.status < 300

    def record_match(self, url: str) -> None:
        self.matched += 1
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append(url)

    @property
    def state(self) -> str:
        if self.kind == "robots":
            return "ok" if self.answered or self.status == 404 else self._failure_state()
        if self.format == "sitemapindex" and self.answered:
            return self._index_state()
        if not self.done:
            return "pending"
        if not self.answered:
            return self._failure_state()
        if not self.format:
            return "unparsable"
        return "ok" if self.matched else "no-match"

    def _failure_state(self) -> str:
        if "robots.txt" in self.error:
            return "blocked"
        if 400 <= self.status < 500:
            return "http-error"
        return "unreachable"

    def _index_state(self) -> str:
        states = [child.state for child in self.children]
        if any(state == "ok" for state in states):
            return "ok"
        if states and all(STATES[state] == UNREACHABLE for state in states):
            return "unreachable"
        return "no-match"

    @property
    def total_matched(self) -> int:
        return self.matched + sum(child.total_matched for child in self.children)

    @property
    def total_found(self) -> int:
        """URLs read: an index's own count is of sitemaps, so only its children's count."""
        own = 0 if self.format == "sitemapindex" else self.found
        return own + sum(child.total_found for child in self.children)

    def describe(self) -> str:
        """What was found, in a few words."""
        if not self.done and not self.children:
            return "no result (a bug: see the error log above)"
        if self.kind == "robots" and (self.answered or self.status == 404):
            return "read" if self.answered else "none (HTTP 404)"
        if self.error and not self.answered:
            return self.error
        if not self.format:
            return self.error or "did not parse"
        if self.format == "sitemapindex":
            return (f"index of {self.found} sitemaps; sampled {len(self.children)}: "
                    f"{self.total_matched} of {self.total_found} URLs match article")
        what = {"html": "links", "urlset": "URLs", "rss": "items", "atom": "entries"}.get(self.format, "URLs")
        text = f"{self.matched} of {self.found} {what} match article"
        if self.kind == "listing":
            text += f", {self.follow} match follow"
        return text

    def http(self) -> str:
        chain = [str(status) for status in self.redirects] + [str(self.status) if self.status else "—"]
        return "→".join(chain)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "url": self.url, "final_url": self.final_url or None,
            "status": self.status or None, "redirects": self.redirects, "answered": self.answered,
            "state": self.state, "format": self.format or None, "found": self.total_found,
            "matched": self.total_matched, "follow": self.follow if self.kind == "listing" else None,
            "samples": self.samples + [s for child in self.children for s in child.samples][:MAX_SAMPLES],
            "error": self.error or None, "detail": self.describe(),
            "children": [child.to_json() for child in self.children],
        }


@dataclass
class SourceCheck:
    """A profile's entry points checked; ``verdict`` is ok, changed or unreachable."""

    name: str
    origin: str = ""
    entries: list[EntryCheck] = field(default_factory=list)
    robots: list[EntryCheck] = field(default_factory=list)

    def add(self, kind: str, url: str) -> EntryCheck:
        entry = EntryCheck(kind=kind, url=url)
        (self.robots if kind == "robots" else self.entries).append(entry)
        return entry

    @property
    def verdict(self) -> str:
        verdicts = {STATES[entry.state] for entry in self.entries}
        for verdict in (CHANGED, UNREACHABLE):
            if verdict in verdicts:
                return verdict
        return OK

    @property
    def reason(self) -> str:
        """The first entry point that decided a verdict other than ok."""
        verdict = self.verdict
        for entry in self.entries:
            if STATES[entry.state] == verdict and verdict != OK:
                return f"{entry.kind} {entry.url}: {entry.state}: {entry.describe()}"
        return ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "origin": self.origin, "verdict": self.verdict,
            "reason": self.reason or None,
            "entries": [entry.to_json() for entry in self.entries],
            "robots": [entry.to_json() for entry in self.robots],
        }
