"""The publication date of an HTML release: declared, shown beside the headline, or guessed.

What a page declares for machines (:mod:`.structured`) comes first. Next is what it shows
readers: the dateline printed beside the headline ("Berlin, 12.03.2019", "By A. Writer |
December 19, 2023", a ``<time datetime>`` under the ``<h1>``), else a date the page labels
as its publication ("Erschienen am: 13.10.2021", "Date: December 13, 2023"). htmldate's
guess (URL, scattered ``<time>`` elements, text) comes after, and the date the crawler saw
in a listing, feed or sitemap last. A declared time in UTC gives way to the shown date when
the two are a day apart: the conversion moved the release to the neighbouring day, and the
dateline has the publisher's own. Every date passes :func:`.dates.is_plausible` against the
capture's day; an unknown date stays ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urljoin, urlsplit

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement

from pressarchive.extract.dates import (
    date_spans,
    is_plausible,
    is_update_labelled,
    labelled_dates,
    parse_declared_date,
    text_dates,
)
from pressarchive.extract.structured import StructuredData

_SUBHEADINGS = frozenset({"h2", "h3", "h4"})  # titles; h5 and h6 often hold a byline
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "svg", "select", "iframe"})
_AFTER_HEADLINE = 350  # characters after the headline that hold its dateline
_BEFORE_HEADLINE = 150  # some pages print the date above the headline
_OPENING_CHARS = 300  # a release's own dateline opens its text
_OPENING_LINES = 3
_PLACE_WORDS = 2  # "Wiesbaden, den 10.12.2019", "Berlin (ots) - 10.12.2019"
_MIN_TITLE_CHARS = 10  # shorter titles are found all over a page
_ONE_DAY = timedelta(days=1)


@dataclass(slots=True)
class PageText:
    """A page's visible text in document order, with where its headings and date stamps are."""

    text: str = ""
    headings: list[tuple[int, int]] = field(default_factory=list)  # <h1> spans
    links: list[tuple[int, int, str]] = field(default_factory=list)  # <a href> spans and targets
    subheadings: list[tuple[int, int]] = field(default_factory=list)  # <h2>-<h4> spans
    stamps: list[tuple[int, str]] = field(default_factory=list)  # <time datetime>, itemprop values


def choose_date(
    tree: HtmlElement,
    url: str,
    declared: StructuredData,
    title: str,
    text: str,
    language: str,
    *,
    today: date | None = None,
    listed_date: date | None = None,
) -> date | None:
    """The release's publication date, or ``None`` when nothing trustworthy gives one.

    ``language`` is the page's language tag, region included where the page gives one
    (:func:`date_locale`); ``today`` the capture's day.
    """
    if declared.published is not None and not declared.published_in_utc:
        return declared.published
    shown = shown_date(tree, url, title, text, language, today) or opening_date(text, language, today)
    if declared.published is not None:
        if shown is not None and abs(shown - declared.published) == _ONE_DAY:
            return shown
        return declared.published
    if shown is not None:
        return shown
    guessed = _vouched(guess_date(tree, url, today), tree, url, text, today)
    if guessed is not None:
        return guessed
    return listed_date if listed_date is not None and is_plausible(listed_date, today) else None


def date_locale(tree: HtmlElement, language: str) -> str:
    """``language`` with the region the page's ``<html lang>`` or og:locale adds ("en-GB").

    The region decides whether "04/05/2019" is the 4th of May or April the 5th.
    """
    for value in tree.xpath("/html/@lang | //meta[@property='og:locale']/@content"):
        tag = str(value).strip().replace("_", "-")
        if tag.split("-")[0].lower() == language:
            return tag
    return language


def shown_date(
    tree: HtmlElement, url: str, title: str, text: str, language: str, today: date | None = None,
) -> date | None:
    """The dateline beside the headline, else the first date labelled as the publication's
    in the main ``text`` or in the meta description ("Notizia del 14 gennaio 2020").

    Labels elsewhere on the page belong to comments and related items as often as not.
    """
    page = page_text(tree)
    span = headline_span(page, title)
    if span is not None:
        day = _dateline(page, span, url, language, today)
        if day is not None:
            return day
    for where in (text, " ".join(tree.xpath("//meta[@name='description']/@content")[:1])):
        labelled = labelled_dates(where, today, language, anywhere=False)
        if labelled:
            return labelled[0][1]
    return None


def opening_date(text: str, language: str, today: date | None = None) -> date | None:
    """A dateline that opens a line of the main text's first lines: "Wiesbaden, 10.12.2019 -
    Das BKA ...", "(21. November 2022)". At most a place name may precede it on its line; a
    date further into a sentence ("Mit der am 15. Januar 2022 ...") is an event."""
    for line in text[:_OPENING_CHARS].splitlines()[:_OPENING_LINES]:
        found = text_dates(line, today, language)
        if found and len(_words(line[: found[0][0]])) <= _PLACE_WORDS:
            return found[0][1]
    return None


def _elsewhere(page: PageText, url: str, first: int, last: int) -> bool:
    """Whether the date at ``first:last`` is another page's: it sits in a link to another
    page (a menu, a related item) or in another heading, and that element says more than it."""
    for start, end in page.subheadings:
        if start <= first < end and _names_more(page.text, (start, end), (first, last)):
            return True
    for start, end, href in page.links:
        if (start <= first < end and not href.startswith("#") and _names_more(page.text, (start, end), (first, last))
                and _page_key(urljoin(url, href.strip())) != _page_key(url)):
            return True
    return False


def _names_more(text: str, link: tuple[int, int], found: tuple[int, int]) -> bool:
    """Whether a link says more than the date in it: "12M - 12. Mai 2012" names another page,
    "13 Oct 2020 18:29" linking to the day's archive is this page's dateline."""
    rest = text[link[0]:found[0]] + text[found[1]:link[1]]
    return any(char.isalpha() for char in rest)


def _page_key(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").removeprefix("www."), parts.path.rstrip("/"), parts.query


def page_text(tree: HtmlElement) -> PageText:
    """The visible text of ``tree``, whitespace collapsed, one space between text nodes."""
    page = PageText()
    parts: list[str] = []
    length = 0
    starts: dict[HtmlElement, int] = {}
    walker = etree.iterwalk(tree, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event == "start":
            if element.tag in _SKIPPED:
                walker.skip_subtree()  # its "end" still comes, with the tail
                continue
            starts[element] = length
            stamp = _stamp(element)
            if stamp:
                page.stamps.append((length, stamp))
            text = element.text
        elif event == "end":
            start = starts.get(element)
            if start is not None:
                if element.tag == "h1":
                    page.headings.append((start, length))
                elif element.tag in _SUBHEADINGS:
                    page.subheadings.append((start, length))
                elif element.tag == "a" and element.get("href"):
                    page.links.append((start, length, element.get("href", "")))
            text = element.tail if element is not tree else None
        else:  # a comment or processing instruction: only the text after it is visible
            text = element.tail
        if text and (chunk := " ".join(text.split())):
            parts.append(chunk + " ")
            length += len(chunk) + 1
    page.text = "".join(parts)
    return page


def _stamp(element: HtmlElement) -> str:
    """The machine-readable date a ``<time>`` or a ``datePublished`` microdata element holds."""
    if element.tag == "time":
        if element.get("itemprop") == "dateModified" or _marks_update(element.get("class") or ""):
            return ""
        return element.get("datetime") or ""
    if element.get("itemprop") == "datePublished":
        return element.get("content") or element.get("datetime") or ""
    return ""


def _marks_update(classes: str) -> bool:
    """A class list of an update's time stamp ("updated", but not WordPress's "published updated")."""
    words = classes.lower()
    return ("updated" in words or "modified" in words) and "published" not in words


def headline_span(page: PageText, title: str) -> tuple[int, int] | None:
    """Where the headline is: the ``<h1>`` that is the title, else the title's first mention.

    Words are compared, not characters: markup splits "Erlösabschöpfung<span>:</span>" into
    text nodes that the page text joins with a space.
    """
    wanted = " ".join(_words(title))
    if not wanted:
        return None
    for start, end in page.headings:
        heading = " ".join(_words(page.text[start:end]))
        if heading and (heading == wanted or wanted in heading
                        or (len(heading) >= _MIN_TITLE_CHARS and heading in wanted)):
            return start, end
    if len(wanted) < _MIN_TITLE_CHARS:
        return None
    found = re.search(r"\W+".join(map(re.escape, _words(title, fold=False))), page.text, re.IGNORECASE)
    return found.span() if found else None


def _words(text: str, fold: bool = True) -> list[str]:
    return re.findall(r"\w+", text.casefold() if fold else text)


def _dateline(page: PageText, span: tuple[int, int], url: str, language: str, today: date | None) -> date | None:
    """The date printed nearest the headline, above or below it; a publication label wins.

    Dates inside the headline are events it reports; dates of other pages are not its own.
    """
    start, end = span
    low, high = max(0, start - _BEFORE_HEADLINE), end + _AFTER_HEADLINE
    window = page.text[low:high]
    labelled = [day for offset, day in labelled_dates(window, today, language) if low + offset >= end]
    if labelled:
        return labelled[0]
    candidates = [(low + first, low + last, day) for first, last, day in date_spans(window, today, language)]
    candidates += [(offset, offset, day) for offset, stamp in page.stamps if low <= offset < high
                   if not is_update_labelled(page.text, offset) and (day := parse_declared_date(stamp, today))]
    distances = [(first - end if first >= end else start - last, first < end, day)
                 for first, last, day in candidates
                 if (first >= end or last <= start) and not _elsewhere(page, url, first, last)]
    return min(distances)[2] if distances else None


def guess_date(tree: HtmlElement, url: str, today: date | None = None) -> date | None:
    """htmldate's reading of the page (URL, ``<time>``, meta tags, text), if plausible."""
    # original_date: a release's date is when it was issued, not when the page was last touched.
    # max_date: a capture read again years later must not let htmldate skip to a date after it.
    latest = (today + _ONE_DAY).isoformat() if today else None
    found = _parse(find_date(tree, extensive_search=True, original_date=True, url=url, max_date=latest))
    return found if found is not None and is_plausible(found, today) else None


def _vouched(found: date | None, tree: HtmlElement, url: str, text: str, today: date | None) -> date | None:
    """``found``, unless it is a bare year or month that htmldate padded to a day.

    htmldate's last resorts turn "2017" or "December 2019" somewhere on the page into
    2017-01-01 or 2019-12-01. A release's date is a day, so a first of the month must be
    confirmed by the markup alone or be written out in the text; otherwise it is unknown.
    """
    if found is None or found.day != 1:
        return found
    if any(day == found for _, day in text_dates(text[:3000], today)):
        return found
    latest = (today + _ONE_DAY).isoformat() if today else None
    strict = find_date(tree, extensive_search=False, original_date=True, url=url, max_date=latest)
    return found if strict == found.isoformat() else None


def _parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
