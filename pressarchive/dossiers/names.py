"""Which operation a typed name means, once hand merges are applied.

The extractor gives each release's names in one display form and the store keys them by the
folded form (case, accents and hyphens ignored), so "Operación TANTALIO" and "Operation
Tantalio" are one key already. Merges made by hand join keys that differ in spelling
("Tantalium" into "Tantalio"); every face asks this module, so all agree on what a name means.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pressarchive.errors import NotFound, UserError
from pressarchive.extract.operations import normalise_operation
from pressarchive.store.corrections import Merge
from pressarchive.store.operations import OperationMention

#: Longest operation name accepted from a person (the store keeps keys of up to 200 characters).
MAX_NAME_CHARS = 200
#: Close matches suggested for a name the archive does not know.
SUGGESTIONS = 5
# What a person may type around a name: the keyword in the archive's languages (folded, so
# without accents) and quotes: "Operation Tantalio", 'operación "Tantalio"'.
_KEYWORD = re.compile(r"^(?:operation|operacion|operazione|operacao|operatie)\s+")
_QUOTES = "\"'“”‘’«»„‚‹›"


@dataclass(frozen=True, slots=True)
class OperationNames:
    """Every operation in the archive under its canonical key, with the keys merged into it."""

    names: dict[str, str]  # canonical key -> display name
    members: dict[str, tuple[str, ...]]  # canonical key -> every stored key it stands for
    merges: Mapping[str, Merge] = field(default_factory=dict)

    def canonical(self, key: str) -> str:
        merge = self.merges.get(key)
        return merge.key if merge is not None else key

    def resolve(self, name: str) -> str:
        """The canonical key ``name`` stands for; a clear error with close matches if none."""
        for key in readings(name):
            key = self.canonical(key)
            if key in self.names:
                return key
        raise NotFound(f"no operation named {name.strip()[:60]!r} in the archive{self._suggest(name)}")

    def _suggest(self, typed: str) -> str:
        key = readings(typed)[-1]
        close = difflib.get_close_matches(key, list(self.names), n=SUGGESTIONS, cutoff=0.6)
        close += [k for k in self.names if key and key in k and k not in close][: SUGGESTIONS - len(close)]
        if not close:
            return " (see 'pressarchive operations')"
        return "; did you mean " + ", ".join(repr(self.names[k]) for k in close) + "?"


def readings(name: str) -> list[str]:
    """The keys ``name`` may mean: as typed, then without a leading keyword and quotes.

    A clear error for a name nobody could mean (empty, or longer than any stored name).
    """
    name = name.strip()
    if not name:
        raise UserError("no operation name given")
    if len(name) > MAX_NAME_CHARS:
        raise UserError(f"operation name too long: {len(name)} characters, at most {MAX_NAME_CHARS}")
    key = normalise_operation(name)
    bare = normalise_operation(_KEYWORD.sub("", key).strip(_QUOTES + " "))
    return [key, bare] if bare and bare != key else [key]


def members_of(key: str, merges: Mapping[str, Merge]) -> set[str]:
    """The stored keys a canonical ``key`` stands for: itself and every key merged into it."""
    return {key} | {alias for alias, merge in merges.items() if merge.key == key}


def operation_names(mentions: Iterable[OperationMention], merges: Mapping[str, Merge]) -> OperationNames:
    """The canonical names of the operations ``mentions`` name, merges applied.

    A key's display name is the form most documents use (the first seen on a tie); a merged
    key shows the name the merge chose.
    """
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    members: dict[str, set[str]] = defaultdict(set)
    for mention in mentions:
        merge = merges.get(mention.key)
        canonical = merge.key if merge is not None else mention.key
        members[canonical].add(mention.key)
        spellings[canonical][merge.name if merge is not None else mention.name] += 1
    names = {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}
    for merge in merges.values():  # the name the merge chose, whatever the documents spell
        if merge.key in names:
            names[merge.key] = merge.name
    return OperationNames(names, {key: tuple(sorted(keys)) for key, keys in members.items()}, merges)
