"""Which source an imported page belongs to: the one named, else the profile whose domains
hold its host, else a source named after the host (so nothing is left without a source)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pressarchive.profiles import Profile
from pressarchive.profiles.loader import domain_allowed
from pressarchive.urls import host_of

#: Source names are at most this long in the store.
MAX_SOURCE_CHARS = 100


@dataclass(frozen=True, slots=True)
class SourceChoice:
    """The source's name, and its profile when one is configured (for extraction options)."""

    name: str
    profile: Profile | None = None


class SourceResolver:
    """Resolves each page's source; ``forced``: ``--source NAME``, for every page."""

    def __init__(self, profiles: Mapping[str, Profile], forced: str | None = None) -> None:
        self.profiles = dict(profiles)
        self.forced = forced

    def resolve(self, url: str, named: str | None = None) -> SourceChoice:
        """``named``: the source a pressarchive export recorded for the capture."""
        for name in (self.forced, named):
            if name:
                return SourceChoice(name, self.profiles.get(name))
        host = host_of(url)
        for profile in self.profiles.values():
            if profile.allowed_domains and domain_allowed(host, profile.allowed_domains):
                return SourceChoice(profile.name, profile)
        return SourceChoice(host.removeprefix("www.")[:MAX_SOURCE_CHARS] or "unknown")
