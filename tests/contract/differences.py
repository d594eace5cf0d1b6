"""What an engine cannot do exactly as the contract asks, and why, in one line each.

``DIFFERENCES[engine_kind][capability]`` is the reason. A test of that capability asserts the
contract's exact behaviour through :func:`expected`, which gives the test's stated
alternative instead for an engine listed here, and fails when an engine is listed but the
test does not say what it does instead (or says so for an engine that is not listed). An
engine listed for nothing passes the whole contract as written. Every entry is also
documented in the README (``test_differences.py`` checks that the README names it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")

#: The capabilities an engine may differ in, each asserted by the tests that name it.
CAPABILITIES: dict[str, str] = {
    "prefix_matches_stems": "prefixes and patterns reach stemmed words, and only those their typed text reaches",
    "relevance_order": "the order of matches by score: title matches first, more occurrences first, boosts",
    "phrase_slop": 'how far apart the words of "a b"~N may be',
    "more_like_this": "which documents are most like a document, best first",
    "snippet_marks": "which words of a snippet are marked as matched (stemmed and folded forms as written)",
}

DIFFERENCES: dict[str, dict[str, str]] = {
    "whoosh": {},
    "opensearch": {},
}


def differs(engine_kind: str, capability: str) -> bool:
    """True when ``engine_kind`` documents an alternative behaviour for ``capability``."""
    assert capability in CAPABILITIES, f"unknown capability {capability!r}: add it to CAPABILITIES"
    return capability in DIFFERENCES.get(engine_kind, {})


def expected(engine_kind: str, capability: str, exact: T, instead: Mapping[str, T] | None = None) -> T:
    """What a test asserts for ``capability``: ``exact``, or for an engine that documents a
    difference, the alternative the test states for it in ``instead``."""
    instead = instead or {}
    stale = sorted(kind for kind in instead if not differs(kind, capability))
    assert not stale, f"{capability}: the test states an alternative for {stale}, which document no difference"
    if not differs(engine_kind, capability):
        return exact
    reason = DIFFERENCES[engine_kind][capability]
    assert engine_kind in instead, (
        f"{engine_kind} differs in {capability} ({reason}), but the test does not say what it does instead")
    return instead[engine_kind]
