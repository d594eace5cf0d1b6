"""Publication dates written in text, and the plausibility test every date must pass.

Releases print their date in a handful of shapes: ISO ("2019-12-10"), numerals in the
language's order ("10.12.2019", "10/12/2019" day first in es, it, pt, fr and de; "12/10/2019"
month first in American English), a day with a month name ("10 December 2019", "December 10,
2019", "10 de diciembre de 2019", "10. Dezember 2019", "le 1er mars 2019", "06-October-2020")
and the East Asian "2019年12月10日". Month names come from babel's CLDR data rather than hand
lists. A numeral date whose order the language does not settle ("04/05/2019" on a page that
says only "en") is not guessed: it is no date. A date labelled as an update ("Updated",
"Zuletzt geändert am", "mis à jour le") is not the release's own date; one labelled as its
publication ("Published", "Erschienen am", "Publicado el") is. Machine-readable dates that
pages declare (JSON-LD, Open Graph, JSON payloads) are parsed here too, so that every source
of a date passes the same plausibility test: from 1990 on and not after the capture.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from babel.dates import get_month_names

_LOCALES = ("en", "es", "it", "pt", "fr", "de", "nl")
EARLIEST = date(1990, 1, 1)  # older "dates" in a release are history, not its own date
# A page written in a time zone ahead of the crawler's may be dated "tomorrow" here.
_CLOCK_SLACK = timedelta(days=1)
_ISO_DAY = re.compile(r"\s*((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_SEARCH_CHARS = 3000  # the dateline is in the heading; later dates are events in the text
# English outside the United States writes the day first; a bare "en" does not say which.
_DAY_FIRST_ENGLISH = frozenset({"gb", "uk", "ie", "au", "nz", "in", "za", "sg", "mt", "ng", "ke", "pk"})
_YEAR = r"(?P<y>(?:19|20)\d\d)(?!\d)"
_UTC_SUFFIX = re.compile(r"(?:Z|[+-]00:?00|\b(?:GMT|UTC))\s*$", re.IGNORECASE)
_UPDATE_LABEL = re.compile(
    r"\b(?:updated?|modified|edited|revised|changed|aktualisiert|geändert|stand|actualizad[oa]"
    r"|modificad[oa]|aggiornat[oa]|modificat[oa]|mis\s+à\s+jour|modifié|actualisé|atualizad[oa]"
    r"|alterad[oa])\b[^\d]{0,16}$",
    re.IGNORECASE,
)
# Words that say a publication date follows. The nouns ("Date", "Fecha") only before a colon.
# The verbs also run in sentences ("released on bail on 12 March", "published on 3 May in a
# report"): in running text (``anywhere=False``), and always for the weak ones ("posted",
# "released", "issued"), a label must open a line or end with a colon.
_PUBLISHED_LABEL = re.compile(
    r"\b(?:"
    r"(?:date|datum|fecha|data|date\s+de\s+publication|fecha\s+de\s+publicaci[oó]n"
    r"|data\s+de\s+publica[cç][aã]o|data\s+di\s+pubblicazione|publication\s+date)(?=\s*:)"
    r"|(?P<weak>posted|released|issued|dated|erstellt)"  # also verbs of police work and web posts
    r"|published|veröffentlicht|erschienen|publicad[oa]|pubblicat[oa]"
    r"|publié|publiée|publicação"
    # "Pressemitteilung vom 12.03.2019", "Notizia del ...", "Communiqué de presse du ..."
    r"|(?:presse)?(?:mitteilung|meldung)\s+vom|nachricht\s+vom|(?:notizia|comunicato(?:\s+stampa)?)\s+del"
    r"|(?:comunicado|nota\s+de\s+prensa|nota\s+informativa)\s+del?|communiqué(?:\s+de\s+presse)?\s+du)"
    r"(?:\s+(?:on|am|el|il|le|em|en|at|the))?\s*(?P<colon>:)?\s*",
    re.IGNORECASE,
)
_LINE_OPENERS = "\n|•·/–—(["  # what may come just before a label that opens a line
_LABEL_REACH = 24  # characters between a label's end and the date it labels


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """Folded month name or abbreviation -> month number, over the archive's languages."""
    names: dict[str, int] = {}
    for locale in _LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    names[name.casefold().rstrip(".")] = number
    return names


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    month = "|".join(sorted(map(re.escape, _months()), key=len, reverse=True))
    return (
        re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d\d)([-/.])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?!\d|\.\d)"),
        re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
        re.compile(rf"(?<![\d.])(?P<a>\d{{1,2}})(?P<sep>[./])(?P<b>\d{{1,2}})(?P=sep){_YEAR}"),
        # "31.10.23": a two-digit year, dotted and zero-padded only ("1.2.23" is a version
        # number as often as a date; slashes also write fractions and scores)
        re.compile(r"(?<![\w.])(?P<d>\d\d)\.(?P<m>\d\d)\.(?P<yy>\d\d)(?!\d|\.\d)"),
        re.compile(
            rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º|°|ª|\.)?(?:\s+|-)(?:de\s+)?(?P<mn>{month})\.?,?"
            rf"(?:\s+|-)(?:de\s+|del\s+)?{_YEAR}",
            re.IGNORECASE,
        ),
        re.compile(
            rf"\b(?P<mn>{month})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}",
            re.IGNORECASE,
        ),
    )


def find_text_date(text: str, today: date | None = None, language: str = "") -> date | None:
    """The first plausible calendar date written in the opening of ``text``."""
    return min(text_dates(text[:_SEARCH_CHARS], today, language), default=(0, None))[1]


def text_dates(text: str, today: date | None = None, language: str = "") -> list[tuple[int, date]]:
    """Every plausible (offset, date) written in ``text`` and not labelled as an update.

    ``language`` is the page's language tag ("de", "en-GB"): it settles the order of day and
    month in numeral dates.
    """
    return [(start, day) for start, _, day in date_spans(text, today, language)]


def date_spans(text: str, today: date | None = None, language: str = "") -> list[tuple[int, int, date]]:
    """:func:`text_dates` with where each date ends: (start, end, date), in text order."""
    found: list[tuple[int, int, date]] = []
    for pattern in _patterns():
        for match in pattern.finditer(text):
            parsed = _to_date(match, language)
            if parsed is None or not is_plausible(parsed, today):
                continue
            if not is_update_labelled(text, match.start()):
                found.append((match.start(), match.end(), parsed))
    return sorted(found)


def is_update_labelled(text: str, offset: int) -> bool:
    """Whether the words just before ``offset`` say an update follows ("Updated", "Stand:")."""
    return bool(_UPDATE_LABEL.search(text, max(0, offset - 40), offset))


def labelled_dates(
    text: str, today: date | None = None, language: str = "", *, anywhere: bool = True,
) -> list[tuple[int, date]]:
    """The (offset, date) pairs that a publication label introduces ("Published: ...").

    ``anywhere=False`` is for running text: there a label must open a line or end in a colon.
    ``anywhere=True`` is for a dateline's surroundings ("Crime Published On May 10, 2022").
    """
    found: list[tuple[int, date]] = []
    for label in _PUBLISHED_LABEL.finditer(text):
        strict = not anywhere or label.group("weak") is not None
        if strict and label.group("colon") is None and not _opens_line(text, label.start()):
            continue
        window = text[label.end(): label.end() + _LABEL_REACH + 30]
        dates = [d for offset, d in text_dates(window, today, language) if offset <= _LABEL_REACH]
        if dates:
            found.append((label.start(), dates[0]))
    return found


def _opens_line(text: str, offset: int) -> bool:
    before = text[max(0, offset - 20):offset].rstrip(" \t")
    return offset == 0 or not before or before[-1] in _LINE_OPENERS


def _to_date(match: re.Match[str], language: str) -> date | None:
    groups = match.groupdict()
    if groups.get("a"):
        order = _numeral_order(int(groups["a"]), int(groups["b"]), groups["sep"], language)
        if order is None:
            return None
        day, month = order
    else:
        day = int(groups["d"])
        month = int(groups["m"]) if groups.get("m") else _months().get(groups["mn"].casefold(), 0)
    year = int(groups["y"]) if groups.get("y") else 2000 + int(groups["yy"])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeral_order(a: int, b: int, separator: str, language: str) -> tuple[int, int] | None:
    """(day, month) of a numeral date "a/b/yyyy"; ``None`` when the language leaves it open."""
    base, _, region = language.lower().replace("_", "-").partition("-")
    if base != "en" or separator == ".":
        return a, b  # every other language of the archive, and dotted English, put the day first
    if a > 12 or b > 12:
        return (a, b) if a > 12 else (b, a)
    if region[:2] in _DAY_FIRST_ENGLISH:
        return a, b
    if region[:2] == "us":
        return b, a
    return None


def is_plausible(day: date, today: date | None = None) -> bool:
    """Whether ``day`` can be a release's own date: from 1990 on and not after ``today``
    (the capture's day), give or take a time zone."""
    return EARLIEST <= day <= (today or date.today()) + _CLOCK_SLACK


def parse_declared_date(value: object, today: date | None = None) -> date | None:
    """The plausible day of a date a page declares for machines, or ``None``.

    ISO 8601 (``2019-03-14T23:30:00-05:00`` is the 14th: the day as the publisher wrote it,
    not converted to UTC), a bare ISO day, or a written date ("14 March 2019").
    """
    if not isinstance(value, str) or not value.strip():
        return None
    day = _iso_day(value.strip()) or find_text_date(value[:100], today)
    return day if day is not None and is_plausible(day, today) else None


def is_utc_stamp(value: object) -> bool:
    """Whether a declared date is a time in UTC ("...T01:06:51Z", "+00:00", "GMT").

    A CMS that converts to UTC moves an evening release in the Americas, or a morning one in
    Asia, to the neighbouring day; the page's visible dateline then has the publisher's day.
    """
    return isinstance(value, str) and ":" in value and bool(_UTC_SUFFIX.search(value.strip()))


def _iso_day(value: str) -> date | None:
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    match = _ISO_DAY.match(value)  # an ISO day followed by a time Python cannot parse
    try:
        return date(*map(int, match.groups())) if match else None
    except ValueError:
        return None
