"""Figures a release reports (people arrested, devices seized, victims identified), with their sentence.

A figure is a number (``numbers.py``) that counts something: it is followed, after at most three
modifying words, by a counted noun. Some nouns say the kind by themselves ("12 arrests",
"39 detenidos", "in 11 countries"); the others take it from the nearest trigger word in the same
clause ("arrested 12 people", "vier Personen wurden festgenommen", "seized 300 devices"). A number
with no counted noun is never a figure, which is what keeps dates, ages, years, article numbers,
prison terms and phone numbers out. The words live per language in ``data/figures.toml``.

Conventions (the labels in ``bench/labels/figures.jsonl`` follow them):

- Only stated counts: "the arrest of a man" has no number and gives no figure; "one man" does.
- A part of a stated count ("of whom 17 in Spain", "including four minors", "among the 23
  arrested are five minors") is not a figure; a count without a noun ("17 people in Spain and 9
  in other countries": the 9) is not either. "Convicted 4 of the 6 defendants" reports the 4.
- Spanish "detenidos" and Portuguese "detidos" are arrests; ``detained`` is custody that the
  language names apart (English "detained", "garde à vue", "fermati", "Untersuchungshaft").
- Money needs a seizure word and a currency (``unit`` is its ISO 4217 code; "$" is read as USD).
- Data volumes ("3 TB") are not files; prison terms and ages are not figures.
- A count whose noun is left out is read after "other" ("denunciate altre 21": people), or after
  "and" when a verb of its own follows ("42 arrested and 35 placées en garde à vue": 35 detained).
- Roles in a network ("40 administrators", "3,000 users") take a verb only from their own clause.
- Files count when seized or found on what was seized.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files

from pressarchive.extract.numbers import LANGUAGES, Number, find_numbers
from pressarchive.extract.wordtrie import trie_pattern
from pressarchive.record import Figure

#: Nouns that give the kind by themselves.
_NOUN_KINDS: dict[str, str] = {
    "arrest_noun": "arrested", "detain_noun": "detained", "search_noun": "searches", "country": "countries",
    "charge_noun": "charged",
}
#: Nouns that need a trigger: noun class -> trigger class -> kind.
_PEOPLE = {"arrest": "arrested", "detain": "detained", "identify": "identified", "charge": "charged",
           "convict": "convicted", "rescue": "victims_safeguarded"}
_TRIGGERED: dict[str, dict[str, str]] = {
    "person": _PEOPLE,
    "pronoun": _PEOPLE,
    "member": _PEOPLE,
    # Victims are not charged or convicted: "charged with three victims' murders" counts no one.
    "victim": {"arrest": "arrested", "detain": "detained", "identify": "victims_identified",
               "rescue": "victims_safeguarded"},
    "premises": {"search": "searches"},
    "device": {"seize": "devices"},
    "file": {"seize": "files", "find": "files"},  # files are seized, or found on what was seized
    "money": {"seize": "money"},
}
_TRIGGERS = ("arrest", "detain", "identify", "charge", "convict", "rescue", "search", "seize", "find")
_CLASSES = (*_NOUN_KINDS, *(c for c in _TRIGGERED if c != "money"))

#: Currency written before or after an amount -> ISO 4217.
_CURRENCY_BEFORE = re.compile(r"(?:(€|EUR|US\$|\$|USD|£|GBP)\s?)$")
_CURRENCY_AFTER = re.compile(
    r"^\s*(?:(?:de|di|d['’])\s?)?(€|eur\b|euros?\b|dollars?\b|dólares\b|dollari\b|dollaro\b|usd\b|\$|£|gbp\b|pounds?\b|libras?\b|"
    r"sterline\b|sterlina\b|livres?\b|pfund\b|sterling\b)", re.I)
_ISO = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "$": "USD", "us$": "USD", "usd": "USD",
        "dollar": "USD", "dollars": "USD", "dólares": "USD", "dollari": "USD", "dollaro": "USD", "£": "GBP",
        "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "libra": "GBP", "libras": "GBP", "sterline": "GBP",
        "sterlina": "GBP", "livre": "GBP", "livres": "GBP", "pfund": "GBP", "sterling": "GBP"}

#: Right after the number: an age, a date or a length of time, never a count.
_NOT_A_COUNT_AFTER = re.compile(
    r"^(?:-?\s?(?:year|jahr|jähr|an[sn]|años|anni|anos)|\s?(?:%|º|ª|°)|(?:st|nd|rd|th)\b|\.\s?\w)", re.I)
#: Right before the number: it names or dates something (Article 12, Operation 2020, No. 45, +34).
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?:\b(?:art|arts|article|artículo|articolo|artigo|artikel|no|nr|n|nº|n°|núm|num|§|operation|"
    r"operación|operazione|operação|opération|op|aged|edad de|età di|idade de|âgé|âgés|âgée|âgées|alter von|"
    r"year|año|anno|ano|année|jahr|tel|phone|teléfono|telefono|telefone|téléphone|telefon)\.?\s*|[+#/§-]\s*)$",
    re.I)
#: A point after a scale abbreviation ("1,2 Mio. Euro", "3 Mrd. Euro") does not end the sentence.
_SENTENCE_END = re.compile(r"(?=[.!?…\n;])(?:(?<!\b[Mm]io)(?<!\b[Mm]rd)(?<!\b[Mm]ill)(?<!\b[Tt]sd)[.!?…]+[\"”»)']?\s+"
                           r"(?=[\"“«(¿¡]?[^\s\da-zà-ÿ])|\n\s*|;\s)")
_WINDOW = 110
_TAIL = 40
_RIGHT = 60  # a trigger after the noun is the count's own only when close ("12 people were later arrested")
#: "charged with the murders of three women": what follows names the offence, not who was charged.
_OFFENCE = re.compile(r"\s+(?:with|of|for|de|di|wegen|pour)\b", re.I)
_CLAUSE_END = re.compile(r"(?<![\d.,])\d|[;:(]")
#: The particle of a split verb closes its own clause: "nahmen 12 Personen teil und stellten fest".
_SPLIT_END = re.compile(r",|\b(?:und|oder|sowie)\b", re.I)
_DIGITS = re.compile(r"[\d.,\u00a0\u202f\u2009]*\d")
_COORDINATED = re.compile(r"(?:,|\band|\by|\be|\bet|\bed|\bund|\bas well as)\s*$", re.I)
_OF = re.compile(r"^\s*(?:de|di|d'|d’|of|von|do|da)\b", re.I)


def _scaled(text: str, number: Number) -> bool:
    """Digits with a scale word after them ("3 milioni"), which may take "di", "de", "of"."""
    return text[number.start].isdigit() and text[number.end - 1].isalpha()


def _blank(match: re.Match[str]) -> str:
    """Spaces as long as ``match``, so offsets after it stay right."""
    return " " * len(match.group())


@dataclass(frozen=True, slots=True)
class _Language:
    """The compiled word lists of one language (or all six, for an unknown language)."""

    qualifier_before: re.Pattern[str]
    qualifier_after: re.Pattern[str]
    noun: re.Pattern[str]
    trigger: re.Pattern[str]  # any trigger word, as a trie; ``trigger_class`` says which
    trigger_class: tuple[tuple[str, re.Pattern[str]], ...]
    partitive: re.Pattern[str]
    others: re.Pattern[str]
    of_total: re.Pattern[str]  # "of the" in "4 of the 6 defendants", matched whole
    among: re.Pattern[str]  # "among the" right before a total
    split: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]  # (trigger, head, particle)
    #: trigger word as written, lower-cased -> its class; filled as pages are read (a few hundred words)
    known: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


def find_figures(text: str, language: str = "") -> tuple[Figure, ...]:
    """Every figure ``text`` reports, in text order, each with the sentence that states it."""
    if not text:
        return ()
    language = language if language in LANGUAGES else ""
    words = _language(language)
    bounds: list[int] = []
    found: list[Figure] = []
    claimed: set[int] = set()  # triggers after a noun that already gave it its kind
    numbers = find_numbers(text, language)
    skip = -1  # start of a total an earlier count was taken from ("4 of the 6 defendants": the 6)
    parts = (-1, -1)  # after "among the 23 arrested", people counts in (total, sentence end) are parts of it
    for i, number in enumerate(numbers):
        if number.start == skip:
            continue
        if words.among.search(text, max(0, number.start - 24), number.start):
            bounds = bounds or _sentence_bounds(text)
            parts = (number.start, _sentence_of(bounds, number.start, len(text))[1])
        total = _total_after(text, numbers, i, words)
        if total is not None:
            if _self_kinded(text, total.end, words):
                continue  # "3 de los 10 detenidos": the 10 is the figure, the 3 a part of it
            skip, number = total.start, Number(number.value, number.start, total.end, number.approximate)
        prior = _prior(found, number.start)
        if not (_may_count(text, number, words) or (prior and _elided_trigger(text, number.end, words))):
            continue  # most numbers: no counted noun after them, no need to find their sentence
        bounds = bounds or _sentence_bounds(text)
        s0, s1 = _sentence_of(bounds, number.start, len(text))
        figure = _figure(text, number, (s0, s1, prior), words, claimed)
        if number.start == parts[0] and figure is not None and figure.kind not in _PEOPLE_KINDS:
            parts = (-1, -1)  # "among the 12 countries taking part, police arrested 30 people"
        if figure is not None and not (parts[0] < number.start < parts[1] and figure.kind in _PEOPLE_KINDS):
            found.append(figure)
    return tuple(found)


#: Kinds that count people, which a later count of people in the same sentence may be part of.
_PEOPLE_KINDS = frozenset({*_PEOPLE.values(), "victims_identified"})


def _prior(found: list[Figure], start: int) -> str:
    """The kind of the figure just before, when it counts people and its sentence reaches ``start``."""
    if found and found[-1].kind in _PEOPLE_KINDS and found[-1].end > start:
        return found[-1].kind
    return ""


def _total_after(text: str, numbers: list[Number], i: int, words: _Language) -> Number | None:
    """The M of "N of the M <noun>", the total a count is taken from, or None."""
    if i + 1 >= len(numbers):
        return None
    nxt = numbers[i + 1]
    gap = text[numbers[i].end:nxt.start]
    if not gap or len(gap) > 16 or not words.of_total.fullmatch(gap):
        return None
    return nxt


def _self_kinded(text: str, end: int, words: _Language) -> bool:
    """Whether the noun after ``end`` gives its kind by itself ("detenidos", "arrests")."""
    noun = words.noun.match(text, end, end + _WINDOW)
    return noun is not None and noun.lastgroup in _NOUN_KINDS


def _elided_trigger(text: str, end: int, words: _Language) -> str:
    """The trigger class right after a count with its noun left out ("et 35 placées en garde à vue")."""
    gap = _LEAD_WORDS.match(text, end, end + _WINDOW)
    for match in _WORD_STARTS.finditer(text, end, gap.end() if gap else end):
        trigger = words.trigger.match(text, match.end())
        if trigger:
            return _trigger_of(trigger, words)
    return ""


def _may_count(text: str, number: Number, words: _Language) -> bool:
    """A quick look around the number: could a counted noun or a currency go with it?"""
    after = text[number.end:number.end + _WINDOW]
    if words.noun.match(after) or _CURRENCY_AFTER.match(after) or words.qualifier_after.match(after):
        return True
    if number.approximate or _scaled(text, number):  # "une vingtaine de", "3 milioni di"
        return True
    return bool(words.others.search(text, max(0, number.start - 10), number.start)
                or _CURRENCY_BEFORE.search(text, max(0, number.start - 6), number.start))


#: The words a trigger may sit after, in a count whose noun is left out: "and 5 were detained".
_LEAD_WORDS = re.compile(r"(?:\s+[^\W\d_][\w'’]*){0,3}")
_WORD_STARTS = re.compile(r"\s+(?=[^\W\d_])")


def _figure(text: str, number: Number, where: tuple[int, int, str], words: _Language,
            claimed: set[int]) -> Figure | None:
    """The figure ``number`` states, if any; ``where`` is (sentence start, end, kind of the figure before)."""
    s0, s1, prior = where
    after = text[number.end:min(s1, number.end + _WINDOW)]
    if number.approximate or _scaled(text, number):
        after = _OF.sub(_blank, after, count=1)  # "une vingtaine de personnes", "3 milioni di file"
    after = words.qualifier_after.sub(_blank, after, count=1)
    tail = text[max(s0, number.start - _TAIL):number.start]  # for what must end right before the number
    elided = ""
    if not (words.noun.match(after) or _CURRENCY_AFTER.match(after) or _CURRENCY_BEFORE.search(tail)
            or words.others.search(tail)):
        # "42 personnes ont été interpellées et 35 placées en garde à vue": the people of the count before
        elided = _PEOPLE.get(_elided_trigger(text, number.end, words), "") \
            if prior and _COORDINATED.search(tail) and not _looks_like_year(number, text) else ""
        if not elided:
            return None  # its noun is in the next sentence
    if _NOT_A_COUNT_AFTER.match(after) or _NOT_A_COUNT_BEFORE.search(tail) or words.partitive.search(tail):
        return None
    before = text[max(s0, number.start - _WINDOW):number.start]
    kind, unit, noun_end = (elided, "", 0) if elided else \
        _kind(_Context(before, after, number.start, number.end, claimed), words)
    if kind is None or (kind != "money" and not float(number.value).is_integer()):
        return None
    if _looks_like_year(number, text) and noun_end > 12:
        return None  # "in 2019 police arrested..." but "2000 files were seized"
    sentence = text[s0:s1]
    lead = len(sentence) - len(sentence.lstrip())
    sentence = sentence.strip()
    qualifier = _qualifier(tail, text[number.end:number.end + 20], number, words)
    return Figure(kind, number.value, qualifier, sentence, s0 + lead, s0 + lead + len(sentence), unit)


def _qualifier(before: str, after: str, number: Number, words: _Language) -> str:
    match = words.qualifier_before.search(_CURRENCY_BEFORE.sub("", before))
    if match:
        return next(name for name, value in match.groupdict().items() if value)
    if words.qualifier_after.match(after):
        return "at_least"
    return "about" if number.approximate else "exact"


@dataclass(frozen=True, slots=True)
class _Context:
    """The clause around one number: text before it, text after it, and where both sit in the page."""

    before: str
    after: str
    start: int
    end: int
    claimed: set[int]


def _kind(ctx: _Context, words: _Language) -> tuple[str | None, str, int]:
    """(kind, unit, how far after the number its noun ends) or (None, "", 0) when it counts nothing."""
    currency = _CURRENCY_BEFORE.search(ctx.before) or _CURRENCY_AFTER.match(ctx.after)
    if currency:
        noun_end = currency.end() if currency.re is _CURRENCY_AFTER else 0
        return _triggered("money", ctx, noun_end, words), _ISO[currency.group(1).lower()], noun_end
    noun = words.noun.match(ctx.after)
    if noun is None:  # "ne ha denunciate altre 21": more people, the noun left out
        return (_triggered("person", ctx, 0, words), "", 0) if words.others.search(ctx.before) else (None, "", 0)
    cls = noun.lastgroup or ""
    if cls in _NOUN_KINDS:
        return _NOUN_KINDS[cls], "", noun.end()
    return _triggered(cls, ctx, noun.end(), words), "", noun.end()


def _clause(after: str, words: _Language) -> str:
    """The rest of the clause after a counted noun, up to the next count (which has its own verb).

    A count joined by "and" or a comma does not end it ("4,000 images and 250 videos were
    seized": the verb is the first count's too), nor does a number that counts nothing ("the
    12 suspects, aged 20 to 45, were arrested").
    """
    for cut in _CLAUSE_END.finditer(after):
        if cut.group() in ";:(":
            return after[: cut.start()]
        if _COORDINATED.search(after, 0, cut.start()):
            continue
        digits = _DIGITS.match(after, cut.start())
        if digits and words.noun.match(after, digits.end()):
            return after[: cut.start()]
    return after


def _triggered(cls: str, ctx: _Context, noun_end: int, words: _Language) -> str | None:
    """The kind the nearest trigger word (before the number or after its noun) gives ``cls``.

    A trigger after an earlier number's noun belongs to that number ("the 17 people arrested by
    the police, nine more are being questioned"), so it is not read again from the left.
    """
    kinds = _TRIGGERED[cls]
    best: tuple[int, str, int] | None = None
    offset = ctx.start - len(ctx.before)
    for match in words.trigger.finditer(ctx.before):
        trigger = _trigger_of(match, words)
        if trigger in kinds and offset + match.start() not in ctx.claimed \
                and _reaches(cls, ctx.before[match.end():], before=True) \
                and not (trigger in ("charge", "convict") and _OFFENCE.match(ctx.before, match.end())):
            best = (len(ctx.before) - match.end(), kinds[trigger], -1)
    after = _clause(ctx.after[noun_end:noun_end + _RIGHT], words)
    for match in words.trigger.finditer(after):
        trigger = _trigger_of(match, words)
        if trigger in kinds and _reaches(cls, after[:match.start()], before=False):
            if best is None or match.start() < best[0] or cls == "pronoun":  # its own verb comes after it
                best = (match.start(), kinds[trigger], ctx.end + noun_end + match.start())
            break
    for trigger, head, particle in words.split:  # "nahm 13 Verdächtige fest"
        if trigger in kinds and best is None and cls not in ("pronoun", "member") and head.search(ctx.before) \
                and particle.search(_SPLIT_END.split(after, maxsplit=1)[0]):
            best = (0, kinds[trigger], -1)
    if best is None:
        return None
    if best[2] >= 0:
        ctx.claimed.add(best[2])
    return best[1]


#: Where a clause of its own begins: a trigger past it is another subject's.
_BREAK = re.compile(r"[,;]|\b(?:and|but|while|y|pero|e|ed|ma|mas|et|und|aber)\b", re.I)


def _reaches(cls: str, gap: str, before: bool) -> bool:
    """Whether a trigger ``gap`` away from the count may give it its kind.

    "of them" stands for people named before: a verb before them is theirs ("arrested 12
    people, 5 of them in Madrid", "the detainees, four of them minors"), so only a verb right
    before the count ("and charged 4 of them") or after it counts. A role in a
    network ("40 administrators") takes only a trigger of its own clause ("arrested 12 members",
    "40 users were arrested", not "had 500 members and police arrested its founder").
    """
    if cls == "pronoun" and before:
        return not gap.strip()
    if cls == "member":
        return not _BREAK.search(gap) and (len(gap) <= 30 or not before)
    return True


def _trigger_of(match: re.Match[str], words: _Language) -> str:
    """Which trigger class ("arrest", "seize", ...) a trigger word belongs to."""
    word = match.group().lower()
    known = words.known.get(word)
    if known is None:
        known = next((t for t, pattern in words.trigger_class if pattern.fullmatch(word)), "")
        if len(words.known) < 10_000:
            words.known[word] = known
    return known


def _looks_like_year(number: Number, text: str) -> bool:
    raw = text[number.start:number.end]
    return raw.isdigit() and len(raw) == 4 and 1900 <= number.value <= 2100


def _sentence_bounds(text: str) -> list[int]:
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text))]


def _sentence_of(bounds: list[int], position: int, length: int) -> tuple[int, int]:
    i = bisect_right(bounds, position) - 1
    return bounds[i], bounds[i + 1] if i + 1 < len(bounds) else length


# --- the word lists ---------------------------------------------------------------------------

@cache
def _language(language: str) -> _Language:
    data = _data()
    sections = [data[language]] if language in data else list(data.values())

    def merged(*path: str) -> list[str]:
        out: list[str] = []
        for section in sections:
            value = section
            for key in path:
                value = value.get(key, {})
            out.extend(value or [])
        return out

    stop = _alternation(merged("stop"))
    modifier = rf"(?:(?!(?:{stop})\b)[^\W\d_][\w'’.-]*\s+){{0,3}}?"
    lead = rf"(?:(?:{_alternation(merged('lead'))})\s+)?"
    nouns = "|".join(f"(?P<{cls}>{_alternation(merged(cls))})" for cls in _CLASSES if merged(cls))
    return _Language(
        qualifier_before=_named_end({q: merged("qualifier", q) for q in ("at_least", "about", "at_most")}),
        qualifier_after=re.compile(rf"^\s*(?:{_alternation(merged('qualifier_after', 'at_least'))})\b", re.I),
        noun=re.compile(rf"\s*{lead}{modifier}(?:{nouns})(?![\w-])", re.I),
        trigger=re.compile(rf"(?<!\w){_trie([e for t in _TRIGGERS for e in merged('trigger', t)])}(?!\w)", re.I),
        trigger_class=tuple((t, re.compile(_alternation(merged("trigger", t)), re.I))
                            for t in _TRIGGERS if merged("trigger", t)),
        partitive=re.compile(rf"(?<!\w)(?:{_alternation(merged('partitive'))})\s*$", re.I),
        others=re.compile(rf"(?<!\w)(?:{_alternation(merged('others'))})\s+$", re.I),
        of_total=re.compile(rf"\s+(?:{_alternation(merged('of_total'))})\s+", re.I),
        among=re.compile(rf"(?<!\w)(?:{_alternation(merged('among'))})\s+$", re.I),
        split=tuple((t, re.compile(rf"(?<!\w){_alternation([head])}(?!\w)", re.I),
                     re.compile(rf"(?<!\w){_alternation([particle])}(?!\w)", re.I))
                    for t in _TRIGGERS for head, particle in (e.rsplit(" ", 1) for e in merged("split", t))),
    )


def _trie(entries: list[str]) -> str:
    """The word list as one trie-shaped regex (same entry syntax as ``_alternation``)."""
    return trie_pattern(_atoms(entry) for entry in entries)


def _atoms(entry: str) -> list[str]:
    atoms: list[str] = []
    for i, word in enumerate(entry.split()):
        atoms += ([r"\s+"] if i else []) + [re.escape(ch) for ch in word.rstrip("*")]
        atoms += [r"\w*"] if word.endswith("*") else []
    return atoms


def _named_end(groups: dict[str, list[str]]) -> re.Pattern[str]:
    """One pattern matching any of the phrases at the very end of a text, naming which group."""
    body = "|".join(f"(?P<{name}>{_alternation(phrases)})" for name, phrases in groups.items() if phrases)
    return re.compile(rf"(?<!\w)(?:{body})\s*$", re.I)


def _alternation(entries: list[str]) -> str:
    """The regex for a word list: "arrest*" is a stem, spaces match any spacing, longest first."""
    parts = []
    for entry in sorted(set(entries), key=len, reverse=True):
        parts.append(r"\s+".join(re.escape(word.rstrip("*")) + (r"\w*" if word.endswith("*") else "")
                                 for word in entry.split()))
    return "|".join(parts) or r"(?!x)x"


@lru_cache(maxsize=1)
def _data() -> dict[str, dict]:
    return tomllib.loads(files("pressarchive.extract").joinpath("data/figures.toml").read_text("utf-8"))
