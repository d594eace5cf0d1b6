"""The cross-language thesaurus: policing concepts and their terms in seven languages.

A researcher searching ``arrest`` misses the Spanish ``detención`` and the German
``Festnahme``; the thesaurus lets a query say ``~arrest`` (or switch expansion on for every
word) and search all of a concept's terms at once. The data is a curated TOML file in the
package (``index/data/thesaurus.toml``); a data directory's own ``thesaurus.toml`` is read
on top of it, so a research group can add or correct terms without touching the code.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pressarchive.errors import UserError
from pressarchive.index.languages import fold

#: The languages a concept may list terms in.
THESAURUS_LANGUAGES: tuple[str, ...] = ("en", "es", "it", "pt", "fr", "de", "nl")
#: The file name of a data directory's additions.
THESAURUS_FILE = "thesaurus.toml"


@dataclass(frozen=True, eq=False)
class Thesaurus:
    """Concept id -> its terms (all languages, first spelling of each kept), and the lookup.

    Compared by identity: a parser is cached per thesaurus object.
    """

    concepts: dict[str, tuple[str, ...]]
    _lookup: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        found: dict[str, list[str]] = {}
        for concept, terms in self.concepts.items():
            for key in (concept, *terms):
                ids = found.setdefault(_key(key), [])
                if concept not in ids:
                    ids.append(concept)
        self._lookup.update({key: tuple(ids) for key, ids in found.items()})

    def terms_for(self, written: str) -> list[str] | None:
        """Every term of the concept(s) ``written`` belongs to, or None if it has no entry.

        ``written`` is compared folded with each term and concept id, so ``Detención``,
        ``detencion`` and ``arrest`` all find the arrest concept.
        """
        concepts = self._lookup.get(_key(written))
        if not concepts:
            return None
        terms: list[str] = []
        seen: set[str] = set()
        for concept in concepts:
            for term in self.concepts[concept]:
                if fold(term) not in seen:
                    seen.add(fold(term))
                    terms.append(term)
        return terms


def _key(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").split())


def parse_thesaurus(text: str, origin: str) -> dict[str, tuple[str, ...] | None]:
    """Concept id -> terms from TOML ``text``; None for a concept listed without terms."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{origin}: not valid TOML: {exc}") from None
    concepts: dict[str, tuple[str, ...] | None] = {}
    for concept, languages in data.items():
        if not isinstance(languages, dict):
            raise UserError(f"{origin}: [{concept}] must be a table of language = [terms]")
        terms: list[str] = []
        for language, words in languages.items():
            if language not in THESAURUS_LANGUAGES:
                known = ", ".join(THESAURUS_LANGUAGES)
                raise UserError(f"{origin}: [{concept}] unknown language {language!r} (known: {known})")
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                raise UserError(f"{origin}: [{concept}] {language} must be a list of non-empty strings")
            terms.extend(" ".join(word.split()) for word in words)
        concepts[concept] = tuple(terms) or None
    return concepts


@functools.cache
def builtin_thesaurus() -> Thesaurus:
    """The package's thesaurus alone."""
    text = resources.files("pressarchive.index").joinpath("data", THESAURUS_FILE).read_text("utf-8")
    return Thesaurus(_present(parse_thesaurus(text, "built-in thesaurus")))


def load_thesaurus(directory: Path | None) -> Thesaurus:
    """The package's thesaurus with ``directory/thesaurus.toml`` (if there is one) on top.

    A concept of the directory's file replaces the package's concept of the same id, a new
    id adds one, and one listed without terms removes it.
    """
    extra = directory / THESAURUS_FILE if directory is not None else None
    if extra is None or not extra.is_file():
        return builtin_thesaurus()
    try:
        text = extra.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{extra}: cannot read the thesaurus: {exc}") from None
    merged: dict[str, tuple[str, ...] | None] = dict(builtin_thesaurus().concepts)
    merged.update(parse_thesaurus(text, str(extra)))
    return Thesaurus(_present(merged))


def _present(concepts: dict[str, tuple[str, ...] | None]) -> dict[str, tuple[str, ...]]:
    return {concept: terms for concept, terms in concepts.items() if terms}
