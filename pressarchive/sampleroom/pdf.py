"""A minimal, deterministic one-page PDF writer for the sample site's PDF press release.

Real press rooms publish some releases only as PDF, so the crawler and extractor must cope with
one. Writing the bytes by hand (rather than committing a binary or depending on a PDF library)
keeps the file reproducible and its text reviewable. The text uses the standard Helvetica
fonts with WinAnsiEncoding, so it must be encodable in cp1252; ``pypdf`` extracts it back,
accents included.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 56
BODY_SIZE, BODY_LEADING = 10, 14
TITLE_SIZE, TITLE_LEADING = 15, 20
WRAP_COLUMNS = 88  # Helvetica 10 pt averages about 5 pt a character; the text column is 483 pt


def _literal(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252) bytes, with its delimiters escaped."""
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _info_string(text: str) -> bytes:
    """A document-information string as UTF-16BE hex, valid for any character."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _content_stream(title: str, paragraphs: Sequence[str], header: str) -> bytes:
    ops: list[bytes] = [b"BT", f"{MARGIN} {PAGE_HEIGHT - MARGIN} Td".encode()]
    ops += [f"/F1 8 Tf {BODY_LEADING} TL".encode(), _literal(header) + b" Tj", b"T* T*"]
    ops += [f"/F2 {TITLE_SIZE} Tf {TITLE_LEADING} TL".encode()]
    for line in textwrap.wrap(title, 60):
        ops.append(_literal(line) + b" Tj T*")
    ops += [f"/F1 {BODY_SIZE} Tf {BODY_LEADING} TL".encode(), b"T*"]
    used = 3 * BODY_LEADING + TITLE_LEADING * len(textwrap.wrap(title, 60))
    for paragraph in paragraphs:
        lines = textwrap.wrap(paragraph, WRAP_COLUMNS) or [""]
        for line in lines:
            ops.append(_literal(line) + b" Tj T*")
        ops.append(b"T*")
        used += BODY_LEADING * (len(lines) + 1)
    ops.append(b"ET")
    if used > PAGE_HEIGHT - 2 * MARGIN:
        raise ValueError("the text does not fit on one page")
    return b"\n".join(ops) + b"\n"


def build_pdf(
    title: str,
    paragraphs: Sequence[str],
    *,
    header: str = "",
    author: str = "",
    language: str = "en",
    created: date | None = None,
) -> bytes:
    """Lay out ``title`` and ``paragraphs`` on one A4 page and return the PDF file's bytes."""
    stream = _content_stream(title, paragraphs, header)
    info = b"<< /Title " + _info_string(title) + b" /Author " + _info_string(author)
    info += b" /Producer " + _info_string("pressarchive sample press room")
    if created is not None:
        info += f" /CreationDate (D:{created:%Y%m%d}090000+01'00')".encode()
    info += b" >>"
    font = "<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding >>"
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R /Lang ({language}) >>".encode(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        ).encode(),
        font.format("Helvetica").encode(),
        font.format("Helvetica-Bold").encode(),
        f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"endstream",
        info,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode() + b"0000000000 65535 f \n"
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 7 0 R >>\n".encode()
    out += f"startxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)
