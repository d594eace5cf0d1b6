"""Numbers written in a text, as digits or words, in the archive's six languages.

Releases state counts as "1,200" (en), "1.200" (es, it, pt, de), "1 200" (fr), "doce",
"vierundzwanzig", "trentatré", "a dozen" or "une vingtaine". Reading them is separate from
deciding what they count (``figures.py``), so both can be tested and improved on their own.

Word numbers come from tables generated once per language (1 to 999 where the language writes
them as one word, plus the scale words), matched by one trie-shaped pattern so ordinary words
fail at their first letters. The article ("a", "un", "ein", "um") is never read as 1: it is too
often just an article; "one" is.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from pressarchive.extract.wordtrie import trie_pattern

LANGUAGES: tuple[str, ...] = ("en", "es", "it", "pt", "fr", "de")


@dataclass(frozen=True, slots=True)
class Number:
    """A number found at ``text[start:end]``; ``approximate`` for "a dozen", "une vingtaine"."""

    value: float
    start: int
    end: int
    approximate: bool = False


# --- digits -----------------------------------------------------------------------------------

_SPACES = "\u00a0\u202f\u2009"  # no-break, narrow no-break and thin space
#: (thousands separators, decimal mark) per language; a plain space groups thousands only in French.
_SEPARATORS: dict[str, tuple[str, str]] = {
    "en": (",'" + _SPACES, "."),
    "es": ("." + _SPACES, ","),
    "it": (".'" + _SPACES, ","),
    "pt": ("." + _SPACES, ","),
    "fr": (". " + _SPACES, ","),
    "de": (".'" + _SPACES, ","),
}


#: What may follow digits: not a letter, "%" or more digits, except a scale glued on ("£1.3m", "€2bn").
_NUMBER_END = r"(?:(?=(?:m|bn)(?!\w))|(?![\w%]|[.,:/\-]\d))"


def _digit_pattern(thousands: str, decimal: str) -> str:
    group = f"[{re.escape(thousands)}]"
    return (r"(?<![\w.,/:+\-])(?:[1-9]\d{0,2}(?:" + group + r"\d{3})+|\d+)"
            r"(?:" + re.escape(decimal) + r"\d+)?" + _NUMBER_END)


@cache
def _digits(language: str) -> re.Pattern[str]:
    if language in _SEPARATORS:
        thousands, decimal = _SEPARATORS[language]
        return re.compile(_digit_pattern(thousands, decimal))
    # Unknown language: a 3-digit group after "," or "." is a thousands group (counts are whole).
    return re.compile(r"(?<![\w.,/:+\-])(?:[1-9]\d{0,2}(?:[,.\u00a0\u202f\u2009]\d{3})+|\d+)"
                      r"(?:[.,]\d{1,2})?" + _NUMBER_END)


def _digit_value(raw: str, language: str) -> float:
    thousands, decimal = _SEPARATORS.get(language, (",." + _SPACES, ""))
    if not decimal:  # unknown language: a final 1-2 digit group is decimals
        match = re.search(r"[.,](\d{1,2})$", raw)
        decimals = match.group(1) if match else ""
        whole = raw[: match.start()] if match else raw
        return float(re.sub(r"\D", "", whole) + ("." + decimals if decimals else ""))
    whole, _, decimals = raw.partition(decimal)
    digits = "".join(ch for ch in whole if ch not in thousands)
    return float(digits + ("." + decimals if decimals else ""))


# --- words ------------------------------------------------------------------------------------

_UNITS: dict[str, list[str]] = {
    "en": "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen".split(),
    "es": "uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis "
          "diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro veinticinco "
          "veintiséis veintisiete veintiocho veintinueve".split(),
    "it": "uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici "
          "sedici diciassette diciotto diciannove".split(),
    "pt": "um dois três quatro cinco seis sete oito nove dez onze doze treze catorze quinze dezasseis "
          "dezassete dezoito dezanove".split(),
    "fr": "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
          "dix-sept dix-huit dix-neuf".split(),
    "de": "eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn "
          "sechzehn siebzehn achtzehn neunzehn".split(),
}
#: Other spellings of the same numbers (Brazilian Portuguese, feminine forms).
_VARIANTS: dict[str, dict[str, int]] = {
    "en": {}, "es": {"una": 1, "veintiún": 21}, "it": {"tré": 3}, "fr": {"une": 1, "vingts": 20},
    "de": {"ein": 1, "zwo": 2},
    "pt": {"uma": 1, "duas": 2, "quatorze": 14, "dezesseis": 16, "dezessete": 17, "dezenove": 19,
           "duzentas": 200, "trezentas": 300, "quatrocentas": 400, "quinhentas": 500},
}
_TENS: dict[str, list[str]] = {  # 20, 30, ... 90
    "en": "twenty thirty forty fifty sixty seventy eighty ninety".split(),
    "es": "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa".split(),
    "it": "venti trenta quaranta cinquanta sessanta settanta ottanta novanta".split(),
    "pt": "vinte trinta quarenta cinquenta sessenta setenta oitenta noventa".split(),
    "fr": "vingt trente quarante cinquante soixante soixante-dix quatre-vingt quatre-vingt-dix".split(),
    "de": "zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig".split(),
}
#: Hundreds written as one word (Spanish, Portuguese); the others say "two hundred".
_HUNDREDS: dict[str, list[str]] = {
    "es": "cien doscientos trescientos cuatrocientos quinientos seiscientos setecientos ochocientos "
          "novecientos".split(),
    "pt": "cem duzentos trezentos quatrocentos quinhentos seiscentos setecentos oitocentos novecentos".split(),
}
_HUNDRED: dict[str, tuple[str, ...]] = {
    "en": ("hundred",), "es": ("ciento",), "it": ("cento",), "pt": ("cento",), "fr": ("cent", "cents"),
    "de": ("hundert", "einhundert"),
}
_THOUSAND: dict[str, tuple[str, ...]] = {
    "en": ("thousand",), "es": ("mil",), "it": ("mille", "mila"), "pt": ("mil",), "fr": ("mille",),
    "de": ("tausend", "eintausend"),
}
_MILLION: dict[str, tuple[str, ...]] = {
    "en": ("million", "millions", "m"), "es": ("millón", "millones"), "it": ("milione", "milioni"),
    "pt": ("milhão", "milhões"), "fr": ("million", "millions"), "de": ("million", "millionen", "mio"),
}
#: Words joining the parts of one number ("twenty and", "treinta y dos", "vinte e cinco").
_JOINERS: dict[str, tuple[str, ...]] = {
    "en": ("and",), "es": ("y",), "it": (), "pt": ("e",), "fr": ("et",), "de": ("und",),
}
#: "a dozen", "une vingtaine", "un centinaio": a round number meant as approximate.
_ROUND: dict[str, dict[str, int]] = {
    "en": {"dozen": 12, "score": 20},
    "es": {"docena": 12, "veintena": 20, "treintena": 30, "centenar": 100, "millar": 1000},
    "it": {"dozzina": 12, "decina": 10, "ventina": 20, "trentina": 30, "quarantina": 40, "cinquantina": 50,
           "centinaio": 100, "migliaio": 1000},
    "pt": {"dúzia": 12, "dezena": 10, "vintena": 20, "centena": 100, "milhar": 1000},
    "fr": {"douzaine": 12, "dizaine": 10, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
           "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "millier": 1000},
    "de": {"dutzend": 12},
}
_ROUND_ARTICLES = frozenset({"a", "one", "una", "uno", "un", "uma", "um", "une", "ein", "einem", "einer"})
#: Words that are numbers in the table but are too often something else to read alone.
_NOT_ALONE: dict[str, frozenset[str]] = {
    "es": frozenset({"uno", "un", "una"}), "it": frozenset({"uno", "un", "una"}), "pt": frozenset({"um", "uma"}),
    "fr": frozenset({"un", "une"}), "de": frozenset({"eins", "ein"}), "en": frozenset({"m"}),
}


def _below_hundred(language: str) -> dict[str, int]:
    """Every spelling of 1..99 in ``language``."""
    units, tens = _UNITS[language], _TENS[language]
    words = {word: n for n, word in enumerate(units, 1)}
    for i, ten in enumerate(tens):
        base = 20 + 10 * i
        if language == "es" and base == 20:
            continue  # veintiuno... are in the units list
        words.setdefault(ten, base)
        for unit in range(1, 10):
            words.update({spelled: base + unit for spelled in _compound(language, ten, base, unit)})
    if language == "fr":  # 70-79 and 90-99 count on from 60 and 80
        for n in range(10, 20):
            for base, ten in ((60, "soixante"), (80, "quatre-vingt")):
                teen = units[n - 1]
                words[f"{ten}-{teen}"] = base + n
                words[f"{ten} {teen}".replace("-", " ")] = base + n
        words.update({"soixante et onze": 71, "quatre-vingts": 80, "septante": 70, "nonante": 90})
        for unit in range(1, 10):
            words[f"septante-{units[unit - 1]}"] = 70 + unit
            words[f"nonante-{units[unit - 1]}"] = 90 + unit
    return words


def _compound(language: str, ten: str, base: int, unit: int) -> list[str]:
    one = _UNITS[language][unit - 1]
    if language == "en":
        return [f"{ten}-{one}", f"{ten} {one}"]
    if language == "es":
        return [f"{ten} y {one}"]
    if language == "pt":
        return [f"{ten} e {one}"]
    if language == "it":
        stem = ten[:-1] if unit in (1, 8) else ten
        return [stem + one.replace("tre", "tré") if unit == 3 else stem + one, stem + one]
    if language == "fr":
        if base >= 70:
            return []
        return [f"{ten} et un" if unit == 1 else f"{ten}-{one}", f"{ten}-{one}", f"{ten} {one}"]
    one = "ein" if unit == 1 else one
    return [f"{one}und{ten}"]


@cache
def _word_values(language: str) -> dict[str, int]:
    """Every number word of ``language`` (1..999 where the language writes them as one word)."""
    if language not in _UNITS:
        merged: dict[str, int] = {}
        for lang in LANGUAGES:
            merged.update({w: v for w, v in _word_values(lang).items() if w not in merged})
        return merged
    small = _below_hundred(language)
    words = {**small, **_VARIANTS[language]}
    words.update({word: 100 * (n + 1) for n, word in enumerate(_HUNDREDS.get(language, []))})
    if language in ("de", "it"):  # one word up to 999: zweihundertdreiundzwanzig, duecentotrentatré
        hundred = _HUNDRED[language][0]
        heads = {"": 1, **{w: v for w, v in small.items() if v < 10 and w not in ("eins", "uno")}}
        heads.update({"ein": 1} if language == "de" else {})
        for head, h in heads.items():
            for tail, t in [("", 0), *small.items()]:
                words[f"{head}{hundred}{tail}"] = h * 100 + t
        for head, h in small.items():
            if head not in ("eins", "uno"):
                words[f"{head}{'tausend' if language == 'de' else 'mila'}"] = h * 1000
    return words


@cache
def _word_tables(language: str) -> tuple[dict[str, int], dict[str, int], dict[str, int], frozenset[str],
                                         frozenset[str]]:
    """(values, scale words, round nouns, joiners, words not read alone) for ``language``."""
    langs = (language,) if language in _UNITS else LANGUAGES
    values: dict[str, int] = {}
    scales: dict[str, int] = {}
    rounds: dict[str, int] = {}
    joiners: set[str] = set()
    not_alone: set[str] = set()
    for lang in langs:
        for word, value in _word_values(lang).items():
            for part in re.split(r"[\s-]+", word):  # multi-word spellings are folded from their parts
                values.setdefault(part, value if part == word else _word_values(lang).get(part, 0))
        scales.update({w: 100 for w in _HUNDRED[lang]})
        scales.update({w: 1000 for w in _THOUSAND[lang]})
        scales.update({w: 1_000_000 for w in _MILLION[lang]})
        rounds.update(_ROUND[lang])
        joiners.update(_JOINERS[lang])
        not_alone.update(_NOT_ALONE[lang])
    values = {w: v for w, v in values.items() if v}
    return values, scales, rounds, frozenset(joiners), frozenset(not_alone)


_ROUND_ARTICLE = re.compile(r"(?<!\w)(?:a|one|una|uno|un|uma|um|une|ein|einem|einer)\s+$", re.I)
_GAP = re.compile(r"[\s\-\u00a0]*")
_JOINED = re.compile(r"\s+(\w+)\s+")


@cache
def _word_pattern(language: str) -> re.Pattern[str]:
    """One regex matching any number word of ``language``, shaped as a trie so ordinary words fail fast."""
    values, scales, rounds, _, _ = _word_tables(language)
    words = {*values, *scales, *rounds}
    return re.compile(r"(?<!\w)" + trie_pattern([re.escape(ch) for ch in word] for word in words) + r"(?!\w)",
                      re.I)


def _word_numbers(text: str, language: str) -> list[Number]:
    values, scales, rounds, joiners, not_alone = _word_tables(language)
    found: list[Number] = []
    tokens = [(m.group().lower(), m.start(), m.end()) for m in _word_pattern(language).finditer(text)]
    i = 0
    while i < len(tokens):
        word, start, end = tokens[i]
        if word in rounds:
            article = _ROUND_ARTICLE.search(text, max(0, start - 8), start)
            if article:
                found.append(Number(float(rounds[word]), article.start(), end, approximate=True))
            i += 1
            continue
        if word not in values and (word not in scales or word == "m"):
            i += 1
            continue
        value, j, end = _fold(tokens, i, text, values, scales, joiners)
        if j == i + 1 and word in not_alone:
            i = j
            continue
        found.append(Number(float(value), start, end))
        i = j
    return found


def _fold(tokens: list[tuple[str, int, int]], i: int, text: str, values: dict[str, int],
          scales: dict[str, int], joiners: frozenset[str]) -> tuple[int, int, int]:
    """Read the number starting at token ``i``: (value, index after it, end offset).

    Stops at the first word that cannot continue a well-formed number, so "dos y tres" is two
    numbers and "twenty-one" one.
    """
    total, current, end, j = 0, 0, tokens[i][2], i
    while j < len(tokens):
        word, start, stop = tokens[j]
        if j > i and not _adjacent(text, tokens[j - 1][2], start):
            joined = _JOINED.fullmatch(text, tokens[j - 1][2], start)
            if not (joined and joined.group(1).lower() in joiners and word in values
                    and _joins(current, values[word])):
                break
        if word in scales and (j > i or word != "m"):
            scale = scales[word]
            if scale == 100:
                if current >= 10:
                    break
                current = (current or 1) * 100
            else:
                total, current = total + (current or 1) * scale, 0
            end, j = stop, j + 1
            continue
        if word not in values:
            break
        value = values[word]
        if word == "quatre" and j + 1 < len(tokens) and tokens[j + 1][0] in ("vingt", "vingts") \
                and _adjacent(text, stop, tokens[j + 1][1]):
            value, j, stop = 80, j + 1, tokens[j + 1][2]
        if not _continues(current, value):
            break
        current += value
        end, j = stop, j + 1
    return total + current, j, end


def _continues(current: int, value: int) -> bool:
    """Whether ``value`` can follow a number standing at ``current`` (twenty + one, not three + two)."""
    small = current % 100
    if value >= 100:
        return current == 0
    if small == 0:
        return True
    return ((small >= 20 and small % 10 == 0 and value < 10) or (small in (60, 80) and 10 <= value < 20)
            or (small == 10 and 7 <= value <= 9))


def _joins(current: int, nxt: int) -> bool:
    """Whether a joining word ("y", "and", "und") between ``current`` and ``nxt`` is inside one number."""
    small = current % 100
    return (small >= 20 and small % 10 == 0 and nxt < 10) or (current >= 100 and small == 0 and nxt < 100)


def _adjacent(text: str, stop: int, start: int) -> bool:
    gap = text[stop:start]
    return len(gap) <= 3 and _GAP.fullmatch(gap) is not None


# --- scale after digits -----------------------------------------------------------------------

_SCALE_AFTER = re.compile(
    r"\s?(millions?|millones|millón|milioni|milione|milhões|milhão|millionen|mio\.?|mil|mila|thousand|tausend|"
    r"billions?|bn|m|milliards?|milliarden|milliarde|mrd\.?|miliardi|miliardo|bilhões|bilhão)(?![\w])", re.I)
_SCALE_VALUES = {"million": 1e6, "millions": 1e6, "millones": 1e6, "millón": 1e6, "milioni": 1e6, "milione": 1e6,
                 "milhões": 1e6, "milhão": 1e6, "millionen": 1e6, "mio": 1e6, "mio.": 1e6, "m": 1e6,
                 "mil": 1e3, "mila": 1e3, "thousand": 1e3, "tausend": 1e3, "billion": 1e9, "billions": 1e9, "bn": 1e9,
                 "milliard": 1e9, "milliards": 1e9, "milliarde": 1e9, "milliarden": 1e9, "mrd": 1e9, "mrd.": 1e9,
                 "miliardi": 1e9, "miliardo": 1e9, "bilhões": 1e9, "bilhão": 1e9}


def find_numbers(text: str, language: str = "") -> list[Number]:
    """Every number in ``text``, in order; ``language`` decides "1.200" (1200 or 1.2) and the words."""
    lang = language if language in LANGUAGES else ""
    found = []
    pattern = _digits(lang)
    for match in pattern.finditer(text):
        value, end = _digit_value(match.group(), lang), match.end()
        scale = _SCALE_AFTER.match(text, end)
        if scale and not (scale.group(1) == "m" and not _is_money_context(text, match.start())):
            # rounded to cents: 4.1 × 10⁶ is 4099999.9999999995 in binary floating point
            value, end = round(value * _SCALE_VALUES[scale.group(1).lower()], 2), scale.end()
        found.append(Number(value, match.start(), end))
    ends = {n.end for n in found}
    digits = list(found)  # in text order, none overlapping
    starts = [n.start for n in digits]
    found.extend(w for w in _word_numbers(text, lang) if w.end not in ends and not _inside(digits, starts, w.start))
    found.sort(key=lambda n: n.start)
    return found


def _inside(digits: list[Number], starts: list[int], position: int) -> bool:
    """Whether ``position`` falls inside one of the digit numbers ("1,2 Mio." has a word in it)."""
    i = bisect_right(starts, position) - 1
    return i >= 0 and position < digits[i].end


def _is_money_context(text: str, start: int) -> bool:
    return text[max(0, start - 4):start].rstrip().endswith(("€", "$", "£", "EUR", "USD", "GBP"))
