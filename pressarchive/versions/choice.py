"""Which version a request names, and a document as it read in that version.

A version is named by its number (1 is the first text archived for the URL). No number means
the current one; a number the document does not have is a :class:`NotFound`, the same for the
page, the API and the CLI.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from pressarchive.errors import NotFound
from pressarchive.store import StoredDocument, Version


def current(stored: StoredDocument) -> Version:
    """The version the document shows now: the newest (a version is only ever added on top,
    by a crawl that found the text changed or by ``reprocess``)."""
    if not stored.versions:
        raise NotFound(f"document {stored.document.id} has no archived version")
    return stored.versions[-1]


def pick_version(stored: StoredDocument, number: int | None) -> Version:
    """Version ``number`` of ``stored``, or its current version when ``number`` is None."""
    if number is None:
        return current(stored)
    for version in stored.versions:
        if version.number == number:
            return version
    numbers = [version.number for version in stored.versions]
    have = f"versions 1 to {max(numbers)}" if len(numbers) > 1 else "only version 1"
    raise NotFound(f"document {stored.document.id} has no version {number} (it has {have})")


def diff_pair(stored: StoredDocument, old: int | None, new: int | None) -> tuple[Version, Version]:
    """The two versions a diff compares: by default the one before ``new`` and ``new``, which
    defaults to the current version; a single-version document is compared with itself, and
    so is a version named twice."""
    to = pick_version(stored, new)
    if old is None:
        earlier = [version for version in stored.versions if version.number < to.number]
        return (earlier[-1] if earlier else to), to
    return pick_version(stored, old), to


def as_of_version(
    stored: StoredDocument, version: Version, merged_names: Callable[[Iterable[str]], tuple[str, ...]],
) -> StoredDocument:
    """``stored`` with its document's title, text, date, language, operations and mentions as
    ``version`` had them (operation names merged by hand through ``merged_names``)."""
    if version.number == stored.document.version:
        return stored
    document = stored.document.replace(
        title=version.title, text=version.text, language=version.language, published=version.published,
        operations=merged_names(version.operations), countries=version.countries,
        agencies=version.agencies, version=version.number,
    )
    return dataclasses.replace(stored, document=document)
