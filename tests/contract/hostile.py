"""Hostile queries and a large vocabulary: what the time limit and the caps must hold against.

Shared by the contract suite (each engine, directly) and the served web tests
(``tests/test_search_limits.py``), so both face the same worst queries.
"""

from __future__ import annotations

import itertools
import random
import string
from collections.abc import Iterable


def vocabulary(count: int, seed: int = 9) -> list[str]:
    """``count`` distinct pseudo-words of 5 to 9 letters, the same every run."""
    rng = random.Random(seed)
    letters = string.ascii_lowercase
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choices(letters, k=rng.randint(5, 9))))
    return sorted(words, key=lambda _: rng.random())


def _ored(pieces: Iterable[str], most: int = 1000, budget: int = 1000) -> str:
    """Up to ``most`` pieces joined by OR, within ``budget`` characters."""
    query = ""
    for piece in itertools.islice(pieces, most):
        longer = f"{query} OR {piece}" if query else piece
        if len(longer) > budget:
            break
        query = longer
    return query


def hostile_queries(words: list[str]) -> dict[str, str]:
    """The worst queries we can write, each within the web's 1,000 characters.

    "Many" means 50 clauses (99 words with the ORs, just under the cap of 100), which run
    into the time limit; "hundreds" are over the cap and refused before parsing.
    """
    letters = string.ascii_lowercase
    pairs = [a + b for a in letters for b in letters]
    return {
        "leading ? wildcards": " ".join(f"?{c}*" for c in letters),
        "infix wildcard": "*a*",
        "rare word and wildcards": words[0] + " " + " ".join(f"?{c}*" for c in letters),
        "rare word and infix wildcards": words[0] + " " + " ".join(f"*{c}*" for c in letters),
        "no match and many ORed patterns": f"qqqqqqqqqq ({_ored((f'*{p}*' for p in pairs), 49)})",
        "many ORed infix wildcards": _ored((f"*{p}*" for p in pairs), 50),
        "many ORed leading ? wildcards": _ored((f"?{p}*" for p in pairs), 50),
        "many ORed rare patterns": _ored((f"*{p}q*" for p in pairs), 50),
        "many ORed prefixes": _ored((f"{p}*" for p in pairs), 50),
        "hundreds of ORed wildcards": _ored(f"?{p}*" for p in pairs),
        "hundreds of ORed words": _ored(iter(words)),
        "long prefix chain": " ".join(f"{c}*" for c in letters) + " " + " ".join(f"title:{c}*" for c in letters),
        "star and question runs": "*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?b",
        "nested parentheses": "(" * 450 + "europol" + ")" * 450,
        "nested NOT": "NOT (" * 160 + "europol" + ")" * 160,
        "NOT chain": "NOT " * 240 + "europol",
        "nested NOT under the word cap": "NOT (" * 40 + "europol" + ")" * 40,
        "nesting at the depth cap": "NOT (" * 20 + "europol" + ")" * 20,
        "NOT chain under the word cap": "NOT " * 99 + "europol",
        "huge phrase": '"' + " ".join(words[:110]) + '"',
        "phrase under the cap": '"' + " ".join(words[:99]) + '"',
        "phrases of common words": " OR ".join(['"operation arrests europol"'] * 24),
        "term ranges": "title:[a TO z] body:[a TO zzzz] body:[b TO y]",
        "everything": "?*",
    }
