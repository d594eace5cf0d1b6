"""Plain text from an HTML fragment held in data rather than in the page.

Some pages carry the release as an HTML string inside JSON (a site's own payload, or a
JSON-LD ``articleBody``). trafilatura never sees that markup, so it is turned into text here
the way the rest of the archive expects it: tags and scripts dropped, entities decoded,
whitespace of the source collapsed, and one paragraph (or ``<br>`` line) per line.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring

from pressarchive.extract.controls import strip_controls

_DROP = ("script", "style", "noscript", "template", "iframe", "object", "svg", "button", "form")
_BLOCKS = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "ul", "ol", "dl",
    "blockquote", "pre", "table", "tr", "section", "article", "aside", "header", "footer",
    "figure", "figcaption", "address", "hr",
)  # fmt: skip
_SPACE = re.compile(r"\s+")
_BREAK = "\n"


def html_to_text(fragment: str) -> str:
    """Text of ``fragment``, one paragraph per line; '' when it holds no text."""
    # lxml parses an ESC but refuses to set a text holding one, so a payload with control
    # characters would fail the whole page; they go before parsing (and are never kept).
    root = _parse(strip_controls(fragment))
    if root is None:
        return ""
    for element in list(root.iter(*_DROP)):
        element.drop_tree()
    _collapse_whitespace(root)
    _mark_breaks(root)
    lines = (" ".join(line.split()) for line in root.text_content().split(_BREAK))
    return _BREAK.join(line for line in lines if line)


def _parse(fragment: str) -> HtmlElement | None:
    if not fragment or not fragment.strip():
        return None
    try:
        return fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return None


def _collapse_whitespace(root: HtmlElement) -> None:
    """Newlines in the source are spaces; only the markup decides where lines break."""
    for element in root.iter():
        if element.text:
            element.text = _SPACE.sub(" ", element.text)
        if element.tail:
            element.tail = _SPACE.sub(" ", element.tail)


def _mark_breaks(root: HtmlElement) -> None:
    for element in root.iter(etree.Element):  # elements only: comments have no break
        if element.tag == "br":
            element.tail = _BREAK + (element.tail or "")
        elif element.tag in _BLOCKS:
            element.text = _BREAK + (element.text or "")
            element.tail = _BREAK + (element.tail or "")
