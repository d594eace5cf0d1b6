"""What an engine cannot do exactly as the contract asks, and why, in one line each.

``DIFFERENCES[engine_kind][capability]`` is the reason; a test of that capability asserts the
engine's documented alternative behaviour when the engine is listed, and the exact behaviour
otherwise. An engine listed for nothing passes the whole contract as written; every entry
must also be documented in the README's engine section.
"""

from __future__ import annotations

DIFFERENCES: dict[str, dict[str, str]] = {
    "whoosh": {},
    "opensearch": {},
}


def differs(engine_kind: str, capability: str) -> bool:
    """True when ``engine_kind`` documents an alternative behaviour for ``capability``."""
    return capability in DIFFERENCES.get(engine_kind, {})
