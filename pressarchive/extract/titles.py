"""Choose the headline of an HTML release.

trafilatura's title is the Open Graph / JSON-LD / ``<title>`` text, which often carries the
site name ("Operation Tantalio | Europol", "BKA - Pressemitteilungen - ...") or an SEO
rewording. Readers and the search index want the visible headline, so an ``<h1>`` that agrees
with the page's own title metadata is preferred; otherwise the metadata title is used with
the site-name part cut off.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from urllib.parse import urlsplit

from lxml.html import HtmlElement

_MAX_CHARS = 300  # longer "headlines" are paragraphs or markup soup
_MIN_AGREEMENT = 0.5  # token F1 between an <h1> and the metadata title
# Separators sites put between headline and site name; spaces around them are required so
# that hyphenated words and "10:30" survive.
_SEPARATOR = re.compile(r"\s+(?:[|•·»«/:~]|::|//|-{1,2}|–|—)\s+")
_MAX_SITE_TOKENS = 5
_HOST_NOISE = frozenset({"www", "com", "org", "net", "gov", "gob", "gouv", "html"})
_TOKEN = re.compile(r"\w+")
_SOFT_HYPHEN = "\u00ad"


def choose_title(
    tree: HtmlElement, declared: Sequence[str | None], sitename: str | None, url: str
) -> str:
    """The release's headline, from its ``<h1>`` or its cleaned-up metadata title.

    ``declared`` are the titles the page's metadata gives (JSON-LD headline, og:title,
    trafilatura's pick), best first: an ``<h1>`` may agree with any of them or with the
    ``<title>``, and the first stands in when none does.
    """
    references = [t for t in (*declared, _title_tag(tree)) if t]
    headline = _agreeing_h1(tree, references)
    if headline:
        return headline
    names = _site_tokens(sitename, url)
    headlines = _h1_texts(tree)
    generic = not any(declared) or all(_names_site(ref, names, strict=True) for ref in references)
    if generic and len(headlines) == 1 and not _names_site(headlines[0], names):
        # Only a <title> (CMSs often put "Agency - Press release" in every page) or only the
        # site's name: a lone <h1> that is not the site's logo is the headline.
        return headlines[0]
    fallback = _tidy(references[0] if references else "")
    return strip_site_name(fallback, sitename, url)


def strip_site_name(title: str, sitename: str | None, url: str) -> str:
    """Drop a leading or trailing segment that names the site ("... | Europol")."""
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    names = _site_tokens(sitename, url)
    while len(parts) > 1 and _names_site(parts[-1], names):
        parts.pop()
    while len(parts) > 1 and _names_site(parts[0], names, strict=True):
        parts.pop(0)
    # Rejoin with the original separators by slicing the title between the kept parts.
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else title


def _h1_texts(tree: HtmlElement) -> list[str]:
    """The texts of the page's ``<h1>`` elements that could be a headline."""
    texts = (_tidy("".join(element.xpath(".//text()[not(ancestor::style or ancestor::script)]")))
             for element in tree.iterfind(".//h1"))
    return [text for text in texts if text and len(text) <= _MAX_CHARS]


def _agreeing_h1(tree: HtmlElement, references: list[str]) -> str:
    best, best_score = "", 0.0
    for text in _h1_texts(tree):
        score = max((_token_f1(text, ref) for ref in references), default=0.0)
        if score > best_score:
            best, best_score = text, score
    return best if best_score >= _MIN_AGREEMENT else ""


def _title_tag(tree: HtmlElement) -> str:
    element = tree.find(".//head/title")
    return _tidy(element.text_content()) if element is not None else ""


def _site_tokens(sitename: str | None, url: str) -> set[str]:
    """Lower-case tokens naming the site: its declared name and the labels of its host."""
    host = urlsplit(url).hostname or ""
    return set(_tokens(sitename or "")) | (set(_tokens(host.replace(".", " "))) - _HOST_NOISE)


def _names_site(segment: str, site_tokens: set[str], *, strict: bool = False) -> bool:
    """Whether a title segment is the site's name ("Europol", "CBC News", "MLSSoccer.com").

    A leading segment must consist of site tokens only (``strict``), because headlines often
    begin with the agency's name ("Europol supports ...").
    """
    tokens = _tokens(segment)
    if not tokens or not site_tokens or len(tokens) > _MAX_SITE_TOKENS:
        return False
    if "".join(tokens) in site_tokens or all(t in site_tokens for t in tokens):
        return True
    if strict:
        return False
    # "CBC News" for site "CBC"; but not "la police nationale frappe" for "Police nationale".
    share = sum(t in site_tokens for t in tokens) / len(tokens)
    return share > 0.5 or (share == 0.5 and len(tokens) <= 3)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def _token_f1(a: str, b: str) -> float:
    ta, tb = Counter(_tokens(a)), Counter(_tokens(b))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(ta.values()), common / sum(tb.values())
    return 2 * precision * recall / (precision + recall)


def _tidy(text: str) -> str:
    return " ".join(text.replace(_SOFT_HYPHEN, "").split())
