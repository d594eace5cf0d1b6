"""Undoing layout tables before extraction.

Older agency sites lay whole pages out in ``<table>`` cells. trafilatura then renders the
release as table rows (``| cell | cell |``) together with the breadcrumb and side cells, or
drops it when tables are excluded. A table whose cells hold paragraphs, headings, lists or
other tables is layout, not data, so it becomes plain ``<div>`` blocks; data tables (figures
per country, say) are left alone.
"""

from __future__ import annotations

from lxml.html import HtmlElement

_BLOCKS = "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "article", "section"
_BLOCK_XPATH = "./tr/td/{0} | ./tr/th/{0} | ./*/tr/td/{0} | ./*/tr/th/{0}"
_PARTS = {"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"}


def is_layout_table(table: HtmlElement) -> bool:
    """Whether a table arranges the page rather than holding data."""
    if table.get("role") in ("presentation", "none"):
        return True
    return any(table.xpath(_BLOCK_XPATH.format(block)) for block in _BLOCKS)


def unwrap_layout_tables(tree: HtmlElement) -> int:
    """Turn every layout table in ``tree`` into divs, in place; returns how many."""
    count = 0
    for table in reversed(tree.xpath("//table")):  # inner tables first
        if is_layout_table(table):
            parts = [part for part in table.iter(*_PARTS) if _owner(part) is table]
            for part in parts:
                if part.tag in ("colgroup", "col"):
                    part.drop_tree()
                else:
                    part.tag = "div"
            count += 1
    return count


def _owner(part: HtmlElement) -> HtmlElement:
    """The table a row or cell belongs to (a nested data table keeps its own)."""
    return part if part.tag == "table" else next(part.iterancestors("table"), part)
