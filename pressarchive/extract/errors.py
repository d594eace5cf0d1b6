"""The one exception the extract stage raises.

Most pages simply have no usable main text and yield ``None``; a separate exception type lets
the crawler tell those apart from input that is actually broken (a truncated or corrupt PDF)
and count it as an error instead of silently dropping it.
"""

from __future__ import annotations


class ExtractionError(Exception):
    """The capture is broken beyond extraction (e.g. a corrupt PDF)."""
