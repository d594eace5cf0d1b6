"""Control characters out of every text field an extraction produces, in one place.

A captured page is hostile input. lxml drops most control characters from HTML text, but the
other paths do not: a JSON-LD ``headline`` or ``articleBody``, a site extractor's JSON payload
and a PDF's text layer or ``/Title`` keep ESC and CSI as the page wrote them, and from the
store they would reach every terminal, feed and export that shows the archive. So
:func:`~pressarchive.extract.extract_document`, the one door out of extraction, passes every
document through :func:`clean_document`. The CLI strips again on output (defence in depth).
"""

from __future__ import annotations

import re

from pressarchive.extract.operations import find_operations
from pressarchive.record import Document

#: C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(value: str) -> str:
    """``value`` without control characters (tab and newline kept: they are layout)."""
    return CONTROL.sub("", value)


def clean_document(doc: Document) -> Document:
    """``doc`` with control characters removed from its title, text, language and operations.

    The URL is left alone: it is the crawler's (percent-encoded), not read from the page.
    """
    title, text, language = (strip_controls(v) for v in (doc.title, doc.text, doc.language))
    if (title, text, language) == (doc.title, doc.text, doc.language) and not _dirty(doc.operations):
        return doc  # the common case: nothing to copy
    # Operation names are read from the title and text, so they are read again from the
    # clean ones ("Operation <ESC>Kestrel" names Kestrel once the escape is gone).
    operations = find_operations(title, text) if (title, text) != (doc.title, doc.text) else doc.operations
    return doc.replace(
        title=title,
        text=text,
        language=language,
        operations=tuple(strip_controls(name) for name in operations),
    )


def _dirty(values: tuple[str, ...]) -> bool:
    return any(CONTROL.search(value) for value in values)
