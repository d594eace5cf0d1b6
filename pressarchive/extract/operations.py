"""Find the code names of police operations in a release ("Operation Tantalio", "operación 'X'").

The archive's main use is answering "what was published about Operation X, in any language",
so the names are pulled out at extraction time, normalised to one display form per release and
to a case- and accent-folded key that the store and index match on.

A name follows a keyword (Operation, operación, operazione, opération, operação, ...), maybe
after a connector ("denominada", "codenamed", "namens", ...) that an adjective or a passive
auxiliary may precede ("operazione internazionale denominata", "è stata chiamata"), either
quoted or as 1-3 capitalised words. A quoted name may also follow another word for a police
action with a connector ("a ação, batizada de 'X'", "die Aktion mit dem Namen „X“"), or come
first ("Baptisée « X », l'opération ..."). Capitalised words are cheap evidence, so several guards keep the false
positives out: articles and other function words, month and weekday names, lower-case English
"operation" ("an operation Europol led"), and headlines in Title Case, where every word is
capitalised and only punctuation or a confirming mention elsewhere shows where a name ends.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from babel.dates import get_day_names, get_month_names

# Spellings of "operation" in the archive's languages, with and without accents (some sites
# strip them); English and German share "operation".
_KEYWORD = r"operation|operaci[oó]n|operazione|op[ée]ration|opera[çc][ãa]o|operatie"
# Other words for a police action ("A ação, batizada de 'X'", "Die Aktion mit dem Namen „X“"):
# only with a connector and a quoted name, as they are common nouns otherwise.
_ACTION = (
    r"a[çc][ãa]o|ac[çc][ãa]o|aktion|action|acci[oó]n|azione|investigaci[oó]n|investiga[çc][ãa]o"
    r"|indagine|inchiesta|enqu[êe]te|ermittlungen|einsatz"
)
# What may stand between the keyword and its connector: one adjective ("l'operazione
# internazionale denominata"), a passive auxiliary ("è stata chiamata", "foi batizada", "wurde genannt").
_ADJECTIVE = r"(?:[^\W\d_A-Z][^\W\d_]*,?[^\S\n]+)"
_AUXILIARY = (
    r"(?:(?:è|e|fu|è\s+stat[aoie]|fu\s+stat[aoie]|fue|ha\s+sido|foi|a\s+été|est|wurde|ist|was|is|has\s+been)[^\S\n]+)"
)

# Words that introduce a name: "la operación denominada 'Tantalio'", "an operation codenamed".
_CONNECTOR = (
    r"code[- ]?named|dubbed|named|called|known\s+as|under\s+the\s+(?:code\s*)?name"
    r"|denominad[ao]|llamad[ao]|bautizad[ao]|conocid[ao]\s+como"
    r"|(?:con|bajo)\s+el\s+nombre(?:\s+de)?"
    r"|denominata|chiamata|(?:ri)?battezzata|detta|nome\s+in\s+codice|con\s+il\s+nome"
    r"|chamad[ao]|batizad[ao]|designad[ao]|intitulad[ao]|apelidad[ao]|conhecid[ao]\s+como"
    r"|nomm[ée]e|baptis[ée]e|d[ée]nomm[ée]e|appel[ée]e|dite|intitul[ée]e"
    r"|namens|genannt|mit\s+(?:dem\s+)?(?:code)?namen|codename"
)
# "bautizada como", "denominata in codice", "dubbed as"
_CODE_SUFFIX = (
    r"(?:[^\S\n]+(?:in\s+codice|en\s+clave|de\s+c[oó]digo|em\s+c[oó]digo"
    r"|como|as|come|comme|als|de))?"
)
_QUOTES = "\"'“”‘’«»„‚‹›"
_WORD = r"[^\W\d_](?:[\w-]*[^\W_])?"
_SPACE = r"[^\S\n]+"  # a name never spans lines (paragraphs are separate lines)
_QUOTED = rf"[{_QUOTES}][^\S\n]*(?P<quoted>[^{_QUOTES}\n]{{1,60}}?)[^\S\n]*[{_QUOTES}]"

_PATTERN = re.compile(
    rf"(?<![\w-])(?P<kw>(?i:{_KEYWORD}))(?![\w-])"
    rf"(?:[^\S\n]*,?{_SPACE}{_ADJECTIVE}?{_AUXILIARY}?(?P<conn>(?i:{_CONNECTOR})){_CODE_SUFFIX})?"
    rf"{_SPACE}(?:{_QUOTED}"
    # Only the first word is consumed, so "Operation A and operation B" still finds B.
    # A keyword is never the name: "the operation, called Operation Sentinel" is matched again
    # from its second keyword.
    rf"|(?P<bare>(?!(?i:{_KEYWORD})(?![\w-])){_WORD})(?=(?P<more>(?:{_SPACE}{_WORD}){{0,2}})))"
)
# A quoted name with no keyword just before it counts in two forms, checked around each quoted
# phrase (cheaper than scanning every line for them):
#   after an action noun and its connector: "A ação, batizada de 'Tempestade'";
#   before its keyword: "Baptisée « Cerf-volant », l'opération a mobilisé ...".
_QUOTED_RE = re.compile(rf"(?<!\w){_QUOTED}(?!\w)")  # not an apostrophe: "d'une", "l'opération"
_ACTION_BEFORE = re.compile(
    rf"(?<![\w-])(?i:{_ACTION})(?![\w-])[^\S\n]*,?{_SPACE}{_ADJECTIVE}?{_AUXILIARY}?"
    rf"(?i:{_CONNECTOR}){_CODE_SUFFIX}{_SPACE}\Z"
)
_CONNECTOR_BEFORE = re.compile(rf"(?:^|(?<=[^\w-]))(?i:{_CONNECTOR}){_CODE_SUFFIX}{_SPACE}\Z")
_KEYWORD_AFTER = re.compile(
    rf"[^\S\n]*,[^\S\n]*(?:(?i:l'|l’|la|el|il|a|o|the|die|das|der|de)[^\S\n]*)?(?i:{_KEYWORD}|{_ACTION})(?![\w-])"
)
_LOOK_BACK = 80  # characters before a quoted name searched for its connector
_MAX_WORDS = 3
_KEYWORD_RE = re.compile(_KEYWORD, re.I)
# After a Title Case name, only punctuation shows reliably that the name ended there.
_DELIMITER = re.compile(rf"[^\S\n]*(?:[.,;:!?()\[\]–—{_QUOTES}]|-[^\S\n])")
_WORD_RE = re.compile(_WORD)
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")

# Function words that may be capitalised after "Operation" at the start of a clause or in a
# headline but never begin a code name (en, es, it, pt, fr, de, nl); compared folded.
_STOPWORDS = frozenset(
    """
    a an the and or but nor of in on at to for with by from into onto over under after before
    during between against about across within without than then as is are was were be been
    being has had have will would can could should may might must this that these those it its
    our their his her he she they we you i who whom which what where when while how so not no
    also only more most other another new all any each every some such both first last here there
    el la los las lo un una unos unas de del al en con por para contra y e o u que se su sus es
    fue ha han este esta estos estas ese esa como segun sobre entre desde hasta tras durante sin
    il gli le uno di dello della dei degli delle da dal dallo dalla dai dagli dalle nel nello
    nella nei negli nelle su sul sulla per tra fra che ed hanno questo questa secondo
    os as um uma uns umas do da dos das em no na nos nas pelo pela pelos pelas foi seu sua
    les l d un une des du au aux et ou qui dans par pour sur avec est ont cette ce ces son sa ses
    selon lors durant
    der die das den dem des ein eine einer eines einem einen und oder im am an zum zur von vom mit
    bei gegen wurde wurden ist sind war hat haben auch nach seit fur auf aus durch uber unter
    wegen wahrend zwischen sowie
    het een van op voor door tegen
    """.split()
)
_CALENDAR_LOCALES = ("en", "es", "it", "pt", "fr", "de", "nl")


@dataclass(frozen=True, slots=True)
class _Candidate:
    position: tuple[int, int]  # (which text, offset) orders names by first appearance
    name: str
    confirmed: bool  # False: a bare Title Case match that needs a confirming mention


def normalise_operation(name: str) -> str:
    """Case- and accent-folded key of an operation name: "Operación TANTALIO" -> "tantalio"."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().replace("-", " ").split())


def find_operations(*texts: str) -> tuple[str, ...]:
    """Operation names in ``texts`` (title, then body): deduplicated, in order of appearance."""
    candidates = [
        candidate
        for index, text in enumerate(texts)
        for candidate in _candidates_in(index, text or "")
    ]
    confirmed = {normalise_operation(c.name): c.name for c in candidates if c.confirmed}
    names: dict[str, str] = {}
    for candidate in sorted(candidates, key=lambda c: c.position):
        name = candidate.name
        if not candidate.confirmed:
            name = _confirmed_prefix(name, confirmed)
        if name:
            names.setdefault(normalise_operation(name), name)
    return tuple(names.values())


def _candidates_in(index: int, text: str) -> list[_Candidate]:
    """Every keyword match in ``text``, line by line (each line judged Title Case or not)."""
    found: list[_Candidate] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        headline = _is_title_case(line)
        for match in _PATTERN.finditer(line):
            candidate = _candidate(match, line, headline, (index, offset + match.start()))
            if candidate is not None:
                found.append(candidate)
        found.extend(_Candidate((index, offset + at), name, True) for at, name in _quoted_without_keyword(line))
        offset += len(line)
    return found


def _quoted_without_keyword(line: str) -> list[tuple[int, str]]:
    """(offset, name) of quoted names introduced by an action noun or followed by their keyword.

    Without the keyword right before it, only a capitalised name is taken for a code name.
    """
    if not any(quote in line for quote in _QUOTES):
        return []
    found = []
    for match in _QUOTED_RE.finditer(line):
        if not match["quoted"][:1].isupper():
            continue
        window = max(0, match.start() - _LOOK_BACK)
        if _ACTION_BEFORE.search(line, window, match.start()) or (
            _CONNECTOR_BEFORE.search(line, window, match.start()) and _KEYWORD_AFTER.match(line, match.end())
        ):
            name = _quoted_name(match["quoted"])
            if name:
                found.append((match.start(), name))
    return found


def _candidate(
    match: re.Match[str], line: str, headline: bool, position: tuple[int, int]
) -> _Candidate | None:
    """The name a keyword match introduces, if it passes the guards."""
    if match["quoted"] is not None:
        name = _quoted_name(match["quoted"])
        return _Candidate(position, name, True) if name else None
    keyword, connector = match["kw"], match["conn"]
    # English "operation" in lower case is a common noun ("an operation Europol led");
    # the Romance keywords are written in lower case before a name as a matter of style.
    if keyword == "operation" and connector is None:
        return None
    words = _leading_name_words(f"{match['bare']}{match['more']}".split())
    if not words:
        return None
    name = _display(words)
    if not headline or connector is not None:
        return _Candidate(position, name, True)
    return _Candidate(position, name, _delimited(line, match.start("bare"), len(words)))


def _delimited(line: str, start: int, n_words: int) -> bool:
    """Whether punctuation follows the ``n_words`` name words that start at ``start``."""
    ends = [m.end() for m in _WORD_RE.finditer(line, start)][:n_words]
    return bool(_DELIMITER.match(line, ends[-1]))


def _leading_name_words(words: list[str]) -> list[str]:
    """The capitalised words a bare name consists of; [] when it starts with a common word."""
    name: list[str] = []
    for word in words[:_MAX_WORDS]:
        if not word[0].isupper() or _fold(word) in _STOPWORDS:
            break
        name.append(word)
    if not name or _fold(name[0]) in _calendar_words():
        return []
    return name


def _quoted_name(inner: str) -> str:
    """Display form of a quoted name, or '' if the quotes hold something else."""
    words = inner.split()
    if len(words) > 1 and _KEYWORD_RE.fullmatch(words[0]):  # "called 'Operation Sentinel'"
        words = words[1:]
    if not 1 <= len(words) <= _MAX_WORDS or not words[0][0].isalnum():
        return ""
    if all(_fold(w) in _STOPWORDS for w in words) or _fold(words[0]) in _calendar_words():
        return ""
    if inner.islower():
        words[0] = words[0][0].upper() + words[0][1:]
    return _display(words)


def _display(words: list[str]) -> str:
    """Display form: ALLCAPS words in title case ("TANTALIO" -> "Tantalio"), numerals kept."""
    return " ".join(_uncap(w) for w in words)


def _uncap(word: str) -> str:
    if len(word) < 2 or not word.isupper() or _ROMAN.fullmatch(word):
        return word
    return "-".join(part.capitalize() for part in word.split("-"))


def _is_title_case(line: str) -> bool:
    """A headline-style line in which nearly every longer word is capitalised."""
    words = _LONG_WORD.findall(line)
    if len(words) < 3:
        return False
    return sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _confirmed_prefix(name: str, confirmed: dict[str, str]) -> str:
    """The longest confirmed name that a Title Case match starts with, or ''."""
    words = normalise_operation(name).split()
    for size in range(len(words), 0, -1):
        found = confirmed.get(" ".join(words[:size]))
        if found:
            return found
    return ""


def _fold(word: str) -> str:
    return normalise_operation(word)


@lru_cache(maxsize=1)
def _calendar_words() -> frozenset[str]:
    """Month and weekday names in the archive's languages (babel's CLDR data), folded."""
    names: set[str] = set()
    for locale in _CALENDAR_LOCALES:
        for context in ("format", "stand-alone"):
            names.update(get_month_names("wide", context, locale).values())
            names.update(get_day_names("wide", context, locale).values())
    return frozenset(_fold(name) for name in names)
