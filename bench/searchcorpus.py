"""A deterministic multilingual corpus of synthetic police press releases for bench/search.py.

Every release is a pure function of (seed, number), so any one can be regenerated on its own:
the benchmark streams the corpus in batches (into the indexes and a SQLite table of texts)
and draws queries from it without keeping 300 MB of text in memory. The vocabularies are
generated here from per-language syllables and inflection endings (so stemmers have plural
and verb forms to conflate and accents to fold) with Zipf-distributed frequencies, mixed with
each language's stop words; metadata is realistic: real agencies with their country and language, generated
operation names shared across languages, dates from 2010 to 2026 with a few undated.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from whoosh.lang import stopwords_for_language

from pressarchive.record import Document

LANGUAGES: dict[str, float] = {"en": 30, "es": 20, "fr": 12, "it": 10, "pt": 10, "de": 10, "nl": 8}

_SYLLABLES: dict[str, str] = {
    "en": "ar ber con den for gan hal ing ker lan mer nor per quar ster tor ward wil bro cle",
    "es": "ca de fa ga la ma na pa ra sa ta ve za cio bla cre dro gue llo tra",
    "fr": "beau cha dé fen gre lou mai neu pré rou sai tré vil eau ger quel bli cou",
    "it": "ca de fi gio la ma ni pe ri sco ta ve zio bu chi glia gne stra cci tti",
    "pt": "ca ção de fa ga lha ma nha pa ra são ta ve zo bra cro gui lo tru ções",
    "de": "ber dor feld gang hau kel lin mer schaf stein tag wer zug früh grü bau ach",
    "nl": "aan berg dijk gel hof kerk lan meer oor raad stad ven wijk zee bos daal",
}
_ENDINGS: dict[str, tuple[str, ...]] = {
    "en": ("", "", "s", "ed", "ing", "ion", "ions", "er", "ers"),
    "es": ("o", "os", "a", "as", "ión", "iones", "ado", "ados", "ar", "ía"),
    "fr": ("", "e", "es", "s", "é", "ée", "ées", "er", "ion", "ions"),
    "it": ("o", "i", "a", "e", "ato", "ati", "ione", "ioni", "are"),
    "pt": ("o", "os", "a", "as", "ado", "ados", "ção", "ções", "ar"),
    "de": ("", "e", "en", "er", "ung", "ungen", "te", "ten"),
    "nl": ("", "en", "e", "ing", "ingen", "de", "te", "er"),
}
SOURCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "en": (("europol", "Europol", "NL"), ("nca", "National Crime Agency", "GB"),
           ("fbi", "Federal Bureau of Investigation", "US"), ("met", "Metropolitan Police", "GB"),
           ("garda", "An Garda Síochána", "IE"), ("afp", "Australian Federal Police", "AU")),
    "es": (("guardiacivil", "Guardia Civil", "ES"), ("policia", "Policía Nacional", "ES"),
           ("mossos", "Mossos d'Esquadra", "ES"), ("pfa", "Policía Federal Argentina", "AR")),
    "fr": (("police-nationale", "Police nationale", "FR"), ("gendarmerie", "Gendarmerie", "FR"),
           ("police-federale", "Police fédérale", "BE")),
    "it": (("carabinieri", "Arma dei Carabinieri", "IT"), ("gdf", "Guardia di Finanza", "IT"),
           ("poliziadistato", "Polizia di Stato", "IT")),
    "pt": (("pj", "Polícia Judiciária", "PT"), ("psp", "Polícia de Segurança Pública", "PT"),
           ("pf", "Polícia Federal", "BR")),
    "de": (("bka", "Bundeskriminalamt", "DE"), ("polizei-berlin", "Polizei Berlin", "DE"),
           ("bk-at", "Bundeskriminalamt Österreich", "AT")),
    "nl": (("politie", "Politie", "NL"), ("fiod", "FIOD", "NL"), ("federale", "Federale Politie", "BE")),
}
_ALL_SOURCES = [entry for entries in SOURCES.values() for entry in entries]
_OPERATION_WORD = {"en": "Operation", "es": "Operación", "fr": "Opération", "it": "Operazione",
                   "pt": "Operação", "de": "Operation", "nl": "Operatie"}
VOCABULARY_SIZE = 12_000
OPERATIONS = 3_000
FIRST_DAY = date(2010, 1, 1)
DAYS = (date(2026, 6, 30) - FIRST_DAY).days
WORDS_PER_DOC = (290, 390)  # about 3 KB of text with the stop words


@dataclass(frozen=True)
class Language:
    """One language's generated vocabulary: lemmas by rank, endings and stop words."""

    code: str
    lemmas: list[str]
    cum_weights: list[float]
    endings: tuple[str, ...]
    stops: list[str]


class Corpus:
    """The corpus of ``seed``: release ``n`` is ``corpus.document(n)`` (ids start at 1)."""

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        rng = random.Random(seed)
        self.languages = {code: _language(code, rng) for code in LANGUAGES}
        self.operations = _operation_names(rng)
        self._codes = list(LANGUAGES)
        self._lang_weights = list(itertools.accumulate(LANGUAGES.values()))

    def document(self, n: int) -> Document:
        """Release number ``n``, with id ``n`` and version 1."""
        rng = random.Random(self.seed * 1_000_003 + n)
        code = rng.choices(self._codes, cum_weights=self._lang_weights)[0]
        lang = self.languages[code]
        source, agency, country = rng.choice(SOURCES[code])
        operations = tuple(rng.sample(self.operations, k=rng.choice((0, 0, 1, 1, 1, 1, 2))))
        published = None if rng.random() < 0.02 else FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        title = _sentence(rng, lang, rng.randint(6, 11), stops=0.2).rstrip(".")
        if operations:
            title = f"{_OPERATION_WORD[code]} {operations[0]}: {title}"
        return Document(
            id=n, version=1, url=f"https://{source}.example/press/{n}", title=title,
            text=_body(rng, lang, operations, agency), language=code, published=published,
            operations=operations, source=source, agency=agency, country=country,
            **self._mentions(n, source, country),
        )

    def _mentions(self, n: int, source: str, country: str) -> dict[str, tuple[str, ...]]:
        # The countries and agencies the text "mentions": the source's own and up to three
        # others (from a generator of their own, so the rest of the release is unchanged).
        rng = random.Random(self.seed * 2_000_003 + n)
        others = rng.sample(_ALL_SOURCES, k=rng.choice((0, 1, 1, 2, 3)))
        return {
            "countries": tuple(dict.fromkeys([country, *(c for _, _, c in others)])),
            "agencies": tuple(dict.fromkeys([source, *(a for a, _, _ in others)])),
        }

    def documents(self, count: int, start: int = 1) -> Iterator[Document]:
        """Releases ``start`` .. ``start + count - 1``."""
        return (self.document(n) for n in range(start, start + count))


def _language(code: str, rng: random.Random) -> Language:
    # Frequent words are short (as in real languages): rank the one-syllable lemmas first,
    # then the two-syllable ones, and so on, each length shuffled.
    syllables = _SYLLABLES[code].split()
    lemmas: list[str] = []
    for length in (1, 2, 3, 4):
        combos = ["".join(parts) for parts in itertools.product(syllables, repeat=length)]
        rng.shuffle(combos)
        lemmas.extend(combos)
        if len(lemmas) >= VOCABULARY_SIZE:
            break
    lemmas = list(dict.fromkeys(lemmas))[:VOCABULARY_SIZE]
    weights = itertools.accumulate(1.0 / (rank + 10) for rank in range(len(lemmas)))
    return Language(code, lemmas, list(weights), _ENDINGS[code], sorted(stopwords_for_language(code)))


def _operation_names(rng: random.Random) -> list[str]:
    parts = "ta lio ca ro hy dre bla wolf ze fir ku mo ran sil ver ox ni ga tor pe".split()
    names: set[str] = set()
    while len(names) < OPERATIONS:
        name = "".join(rng.choice(parts) for _ in range(rng.choice((2, 3))))
        names.add(name.capitalize() if rng.random() < 0.85 else f"{name.capitalize()} {rng.choice(parts)}")
    return sorted(names)


def _words(rng: random.Random, lang: Language, count: int, stops: float) -> list[str]:
    lemmas = rng.choices(lang.lemmas, cum_weights=lang.cum_weights, k=count)
    endings = rng.choices(lang.endings, k=count)
    words = [lemma + ending for lemma, ending in zip(lemmas, endings, strict=True)]
    for i in range(count):
        if rng.random() < stops:
            words[i] = rng.choice(lang.stops)
    return words


def _sentence(rng: random.Random, lang: Language, count: int, stops: float = 0.4) -> str:
    words = _words(rng, lang, count, stops)
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, lang: Language, operations: tuple[str, ...], agency: str) -> str:
    target = rng.randint(*WORDS_PER_DOC)
    sentences: list[str] = []
    written = 0
    while written < target:
        count = rng.randint(8, 22)
        sentence = _sentence(rng, lang, count)
        if operations and rng.random() < 0.15:
            sentence = sentence.rstrip(".") + f", {_OPERATION_WORD[lang.code].lower()} {operations[0]}."
        elif rng.random() < 0.05:
            sentence = f"{agency}: {sentence} {rng.randint(2, 250)} {rng.choice(lang.lemmas[:50])}."
        sentences.append(sentence)
        written += count
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    return "\n\n".join(paragraphs)
