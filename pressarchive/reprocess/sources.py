"""How each source's captures are extracted again: the language and site extractor its crawl used.

A crawl extracts with its profile's ``language`` (the default for pages that do not say) and
``extractor``. Reprocessing uses the profile as it is configured now (built-in or in the data
directory), else what the archive recorded of the source at its last crawl, so a source
crawled from a profile file kept elsewhere is still read its own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pressarchive.errors import UserError
from pressarchive.extract import site_extractor_names
from pressarchive.profiles import Profile


@dataclass(frozen=True, slots=True)
class SourceExtraction:
    """The options :func:`pressarchive.extract.extract_document` gets for one source's pages."""

    language: str = ""
    extractor: str | None = None
    country: str = ""

    def options(self) -> dict[str, Any]:
        return {"default_language": self.language, "extractor": self.extractor, "country": self.country}


def source_extractions(
    recorded: Iterable[Mapping[str, Any]], profiles: Mapping[str, Profile],
) -> dict[str, SourceExtraction]:
    """Source name -> how to extract it, for every source the archive holds (``recorded``:
    its ``sources`` rows); a configured profile of the same name wins."""
    found = {}
    for row in recorded:
        name = str(row["name"])
        profile = profiles.get(name)
        if profile is not None:
            found[name] = SourceExtraction(profile.language, profile.extractor or None, profile.country)
        else:
            found[name] = SourceExtraction(str(row.get("language") or ""), row.get("extractor") or None,
                                           str(row.get("country") or ""))
    return found


def check_selection(extractions: Mapping[str, SourceExtraction], source: str | None) -> None:
    """One clear error for an unknown ``--source`` or a site extractor this version lacks."""
    if source is not None and source not in extractions:
        known = ", ".join(sorted(extractions)) or "none"
        raise UserError(f"unknown source {source!r}: the archive holds {known}")
    names = set(site_extractor_names())
    for name, extraction in extractions.items():
        if (source is None or name == source) and extraction.extractor and extraction.extractor not in names:
            raise UserError(f"source {name!r} was crawled with site extractor {extraction.extractor!r}, "
                            "which this version of pressarchive does not have")
