"""Figures a release reports (people arrested, devices seized, victims identified), with their sentence.

Being rewritten for six languages; this first version reads English "N people arrested" only.
"""

from __future__ import annotations

import re

from pressarchive.record import Figure

_ARRESTED = re.compile(r"\b(\d+)\s+(?:people|persons|suspects|men|individuals)\s+(?:were\s+)?arrested\b", re.I)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def find_figures(text: str, language: str = "") -> tuple[Figure, ...]:
    """Every figure ``text`` reports, in order."""
    found = []
    for sentence in _SENTENCE.finditer(text or ""):
        for match in _ARRESTED.finditer(sentence.group()):
            found.append(Figure("arrested", float(match.group(1)), "exact", sentence.group().strip(),
                                sentence.start(), sentence.end()))
    return tuple(found)
