"""Text and metadata of PDF press releases.

Ministries and prosecutors often publish the release itself as a PDF. pypdf gives the text
layer and the document information; this module turns them into title, text and date, and
separates a PDF with no text (a scan: ``None``, nothing to archive) from a broken one
(:class:`ExtractionError`, which the crawler should count).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import date

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from pressarchive.extract.dates import find_text_date, is_plausible
from pressarchive.extract.errors import ExtractionError
from pressarchive.extract.language import detect_language
from pressarchive.extract.operations import find_operations
from pressarchive.record import Document

MAX_PAGES = 200  # a release is a few pages; a 1000-page annex would only slow the crawl
_MAX_TITLE_CHARS = 300
# Document-information titles that name the tool or file rather than the release.
_JUNK_TITLE = re.compile(
    r"^(?:untitled|sans titre|sin t[íi]tulo|senza titolo|ohne titel|document\d*|doc\d*|"
    r"microsoft (?:word|powerpoint) - .*|.*\.(?:docx?|odt|pdf|rtf|indd|qxp))$",
    re.IGNORECASE,
)

logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every font quirk


@dataclass(frozen=True, slots=True)
class PdfContent:
    """What a PDF release yields before language and operations are worked out."""

    title: str
    text: str
    published: date | None


def extract_pdf(
    body: bytes, url: str, *, default_language: str = "", today: date | None = None,
    listed_date: date | None = None,
) -> Document | None:
    """A Document from a PDF capture; ``None`` for a PDF without text (e.g. a scan).

    ``today`` is the capture's day and ``listed_date`` the date a listing gave the PDF, used
    when the PDF itself has none.
    """
    content = read_pdf(body, today)
    if content is None:
        return None
    listed = listed_date if listed_date is not None and is_plausible(listed_date, today) else None
    return Document(
        url=url,
        title=content.title,
        text=content.text,
        language=detect_language(f"{content.title}\n{content.text}", default=default_language),
        published=content.published or listed,
        operations=find_operations(content.title, content.text),
    )


def read_pdf(body: bytes, today: date | None = None) -> PdfContent | None:
    """Title, text and date of a PDF; ``None`` if it has no text layer."""
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("PDF is encrypted with a password")
        text = _clean("\n\n".join(page.extract_text() or "" for page in reader.pages[:MAX_PAGES]))
        info = reader.metadata
    except ExtractionError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        # pypdf surfaces structural damage as a mix of its own and builtin exceptions.
        raise ExtractionError(f"unreadable PDF: {error}") from error
    if not text:
        return None
    title = _info_title(info) or _first_line(text)
    created = _info_date(info)
    published = created if created is not None and is_plausible(created, today) else find_text_date(text, today)
    return PdfContent(title=title, text=text, published=published)


def _clean(text: str) -> str:
    """Trim each line and drop runs of blank lines that page breaks leave behind."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _info_title(info: object) -> str:
    title = " ".join(str(getattr(info, "title", None) or "").split())
    if len(title) < 4 or title.isdigit() or _JUNK_TITLE.match(title):
        return ""
    return title[:_MAX_TITLE_CHARS]


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")[:_MAX_TITLE_CHARS]


def _info_date(info: object) -> date | None:
    try:
        created = getattr(info, "creation_date", None)
    except (PyPdfError, ValueError):  # malformed "D:..." strings raise on access
        return None
    return created.date() if created is not None else None
