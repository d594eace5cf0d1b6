"""A word list as one regex shaped like a trie, for lists scanned across whole pages.

Python's ``re`` tries the alternatives of ``a|b|c`` one after another at every position; a
trie-shaped pattern (``t(?:wo|hree|welve)``) lets an ordinary word fail at its first letters,
which made the number-word and trigger-word scans of ``numbers.py`` and ``figures.py`` several
times faster than a flat alternation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def trie_pattern(entries: Iterable[Sequence[str]]) -> str:
    """A regex matching any entry, each given as its sequence of regex atoms; longest match first."""
    tree: dict = {}
    for atoms in entries:
        node = tree
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}
    return _node(tree) or r"(?!x)x"


def _node(node: dict) -> str:
    branches = sorted((atom + _node(child) for atom, child in node.items() if atom), key=len, reverse=True)
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body
