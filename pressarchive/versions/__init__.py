"""A document's versions side by side: which one a request means, and what changed between two."""

from __future__ import annotations

from pressarchive.versions.choice import as_of_version, diff_pair, pick_version
from pressarchive.versions.diff import Segment, VersionDiff, diff_versions, word_diff

__all__ = ["Segment", "VersionDiff", "as_of_version", "diff_pair", "diff_versions", "pick_version", "word_diff"]
