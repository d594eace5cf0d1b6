"""The archived original of a version as a browser may safely show it (``/doc/{id}/raw``).

The response body is served as it was captured (it is the evidence), with one addition: a
banner saying what the page is, when it was captured, and linking back to its document page.
The banner is put before everything but the doctype, so the HTML parser opens the body with
it: it is the first thing in the body whatever the page's own markup (a ``<body>`` inside a
comment, a script or a title cannot move it). The page's own ``<html>``, ``<head>`` and
``<body>`` tags then merely add their attributes, as browsers do for any stray one.

What keeps the page inert is the policy of
:func:`pressarchive.web.security.archived_copy_policy`: a sandbox with no scripts, loading
nothing, not even styles, so no stylesheet or ``style`` attribute of the page can hide or
cover the banner, and the sandbox stops ``<meta http-equiv=refresh>``. Limits: a page can
still *show* text that imitates a banner (below the real one), presentational HTML such as
``<font>`` still works, and its links lead to the live web when clicked.

HTML (and XHTML, shown as HTML) is served inline in the charset the archived headers gave,
else the one the page declares or its bytes show (w3lib, a browser's order), named as the
WHATWG Encoding Standard names it so browsers know it; a page in an encoding no browser reads
(UTF-32) is served as a download. Anything else,
a PDF included, is served as a download (``Content-Disposition: attachment``) under the same
sandbox: a browser's PDF viewer does not run in a sandboxed page, and a file saved keeps the
bytes exactly. So is a body still in a content coding the WARC reader cannot undo (``zstd``,
stacked codings): its bytes as archived, rather than a page of garbage.
"""

from __future__ import annotations

import codecs
import re
import secrets
from collections.abc import Callable

from fastapi.responses import Response
from w3lib.encoding import html_to_unicode

from pressarchive.store import Version
from pressarchive.warc import ArchivedResponse, still_encoded
from pressarchive.web.render import environment
from pressarchive.web.security import archived_copy_policy

HTML_TYPES = ("text/html", "application/xhtml+xml")
#: How far into a page its doctype is looked for (it comes first, after a BOM or comments).
DOCTYPE_WINDOW = 4096
_DOCTYPE_PATTERN = r"\s*(?:<!--.*?-->\s*)*<!doctype[^>]*>"
_DOCTYPE = re.compile(_DOCTYPE_PATTERN, re.IGNORECASE | re.DOTALL)
#: In every ASCII-compatible encoding browsers read, these ASCII bytes are those characters.
_DOCTYPE_BYTES = re.compile(_DOCTYPE_PATTERN.encode("ascii"), re.IGNORECASE | re.DOTALL)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: The encodings (WHATWG names) that are not ASCII-compatible, with their Python codec.
_WIDE_CODECS = {"utf-16le": "utf-16-le", "utf-16be": "utf-16-be"}
#: Shift states can make ASCII bytes other characters: the banner goes first, in the initial state.
_STATEFUL = frozenset({"iso-2022-jp"})
#: Python codec name (as ``codecs.lookup`` gives it) -> the WHATWG Encoding Standard's name,
#: which is what a browser understands in a charset; labels browsers alias to another
#: encoding (latin-1 and ASCII are windows-1252 to a browser) map to that encoding.
_WHATWG_NAMES = {
    "utf-8": "utf-8", "cp866": "ibm866", "koi8-r": "koi8-r", "koi8-u": "koi8-u",
    **{f"iso8859-{n}": f"iso-8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)},
    "iso8859-1": "windows-1252", "ascii": "windows-1252", "iso8859-9": "windows-1254",
    "iso8859-11": "windows-874", "tis-620": "windows-874", "cp874": "windows-874",
    **{f"cp125{n}": f"windows-125{n}" for n in range(9)},
    "mac-roman": "macintosh", "mac-cyrillic": "x-mac-cyrillic",
    "gbk": "gbk", "gb2312": "gbk", "gb18030": "gb18030", "big5": "big5", "big5hkscs": "big5",
    "euc_jp": "euc-jp", "iso2022_jp": "iso-2022-jp", "shift_jis": "shift_jis", "cp932": "shift_jis",
    "euc_kr": "euc-kr", "cp949": "euc-kr",
    "utf-16": "utf-16le", "utf-16-le": "utf-16le", "utf-16-be": "utf-16be",
}


def original_response(doc_id: int, version: Version, original: ArchivedResponse) -> Response:
    """The captured response of ``version`` as an HTTP response: HTML under its banner, or a download."""
    def banner(nonce: str) -> str:
        return environment().get_template("original_banner.html").render(
            doc_id=doc_id, version=version, url=original.url or version.capture.url, nonce=nonce,
            captured=version.captured_at, record_id=original.record_id,
        )

    return archived_response(original, banner, f"pressarchive-{doc_id}-v{version.number}")


def archived_response(original: ArchivedResponse, banner: Callable[[str], str], name: str) -> Response:
    """``original`` served inert: HTML under the ``banner`` (given the style nonce), anything
    else as a download named ``name`` (plus its extension). Mementos are served this way too."""
    media_type = "application/octet-stream" if still_encoded(original) else _media_type(original)
    if media_type not in HTML_TYPES:
        return _download(name, original.body, media_type)
    encoding = page_encoding(original)
    if encoding is None:
        return _download(name, original.body, "application/octet-stream")
    nonce = secrets.token_urlsafe(18)
    return Response(
        with_banner(original.body, banner(nonce), encoding), media_type=f"text/html; charset={encoding}",
        headers={"Content-Security-Policy": archived_copy_policy(nonce), "X-Content-Type-Options": "nosniff",
                 "Cache-Control": "no-store"},
    )


def with_banner(body: bytes, banner: str, encoding: str) -> bytes:
    """``body`` with ``banner`` (HTML) inserted before all but its BOM and doctype, in the
    page's ``encoding`` (a WHATWG name; non-ASCII characters as character references).

    The doctype's end is found in the bytes themselves: a decode-and-re-encode round trip
    would move the offset wherever the page holds bytes invalid in its encoding, and could put
    the banner inside a later comment or tag. Where the bytes cannot be read with certainty
    the banner goes first (the page then renders in quirks mode, but under its banner)."""
    bom = next((mark for mark in _BOMS if body.startswith(mark)), b"")
    text = banner.encode("ascii", errors="xmlcharrefreplace").decode("ascii")
    wide = _WIDE_CODECS.get(encoding)
    if wide:
        at = len(bom) + _wide_doctype_end(body[len(bom): len(bom) + DOCTYPE_WINDOW], wide)
        return body[:at] + text.encode(wide) + body[at:]
    match = None if encoding in _STATEFUL else _DOCTYPE_BYTES.match(body, len(bom), len(bom) + DOCTYPE_WINDOW)
    at = match.end() if match else len(bom)
    return body[:at] + text.encode("ascii") + body[at:]


def _wide_doctype_end(head: bytes, codec: str) -> int:
    """Where the doctype ends in UTF-16 ``head``, or 0 unless its decoding maps back byte for byte."""
    text = head.decode(codec, errors="replace")
    match = _DOCTYPE.match(text)
    if not match:
        return 0
    prefix = text[: match.end()].encode(codec)
    return len(prefix) if head.startswith(prefix) else 0


def page_encoding(original: ArchivedResponse) -> str | None:
    """The charset a browser would read the page in, as the WHATWG name browsers know: BOM,
    archived header, ``<meta>``, else UTF-8 if the bytes are valid UTF-8, else windows-1252.
    UTF-16 without a BOM takes the byte order its bytes show. None for an encoding no browser
    reads (UTF-32, UTF-7): such a page is served as a download."""
    encoding, _text = html_to_unicode(original.content_type or None, original.body, auto_detect_fun=_detect)
    name = _WHATWG_NAMES.get(codecs.lookup(encoding).name)
    if name in _WIDE_CODECS and not original.body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16_byte_order(original.body)
    return name


def _utf16_byte_order(body: bytes) -> str:
    """Markup is mostly ASCII, so its zero bytes show the byte order: first in each pair is big-endian."""
    head = body[:DOCTYPE_WINDOW]
    return "utf-16be" if head[0::2].count(0) > head[1::2].count(0) else "utf-16le"


def _detect(body: bytes) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _media_type(original: ArchivedResponse) -> str:
    declared = original.content_type.split(";", 1)[0].strip().lower()
    if declared:
        return declared
    return "application/pdf" if original.body.startswith(b"%PDF-") else "text/html"


def _download(name: str, body: bytes, media_type: str) -> Response:
    """A non-HTML capture as a file to save, never rendered by the browser from here."""
    extension = "pdf" if media_type == "application/pdf" else "bin"
    served = "application/pdf" if extension == "pdf" else "application/octet-stream"
    return Response(body, media_type=served, headers={
        "Content-Disposition": f'attachment; filename="{name}.{extension}"',
        "Content-Security-Policy": archived_copy_policy(secrets.token_urlsafe(18)),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
    })
