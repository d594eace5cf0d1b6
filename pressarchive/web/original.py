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
else the one the page declares or its bytes show (w3lib, a browser's order). Anything else,
a PDF included, is served as a download (``Content-Disposition: attachment``) under the same
sandbox: a browser's PDF viewer does not run in a sandboxed page, and a file saved keeps the
bytes exactly. So is a body still in a content coding the WARC reader cannot undo (``zstd``,
stacked codings): its bytes as archived, rather than a page of garbage.
"""

from __future__ import annotations

import codecs
import re
import secrets

from fastapi.responses import Response
from w3lib.encoding import html_to_unicode

from pressarchive.store import Version
from pressarchive.warc import ArchivedResponse, still_encoded
from pressarchive.web.render import environment
from pressarchive.web.security import archived_copy_policy

HTML_TYPES = ("text/html", "application/xhtml+xml")
#: How far into a page its doctype is looked for (it comes first, after a BOM or comments).
DOCTYPE_WINDOW = 4096
_DOCTYPE = re.compile(r"\s*(?:<!--.*?-->\s*)*<!doctype[^>]*>", re.IGNORECASE | re.DOTALL)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def original_response(doc_id: int, version: Version, original: ArchivedResponse) -> Response:
    """The captured response of ``version`` as an HTTP response: HTML under its banner, or a download."""
    media_type = "application/octet-stream" if still_encoded(original) else _media_type(original)
    if media_type not in HTML_TYPES:
        return _download(doc_id, version, original.body, media_type)
    encoding = page_encoding(original)
    nonce = secrets.token_urlsafe(18)
    banner = environment().get_template("original_banner.html").render(
        doc_id=doc_id, version=version, url=original.url or version.capture.url, nonce=nonce,
        captured=version.captured_at, record_id=original.record_id,
    )
    return Response(
        with_banner(original.body, banner, encoding), media_type=f"text/html; charset={encoding}",
        headers={"Content-Security-Policy": archived_copy_policy(nonce), "X-Content-Type-Options": "nosniff",
                 "Cache-Control": "no-store"},
    )


def with_banner(body: bytes, banner: str, encoding: str) -> bytes:
    """``body`` with ``banner`` (HTML) inserted before all but its BOM and doctype, encoded in
    the page's ``encoding`` (non-ASCII characters as character references)."""
    bom = next((mark for mark in _BOMS if body.startswith(mark)), b"")
    codec = _codec_without_bom(encoding)
    head = body[len(bom): len(bom) + DOCTYPE_WINDOW].decode(codec, errors="replace")
    match = _DOCTYPE.match(head)
    at = len(bom) + (len(head[: match.end()].encode(codec, errors="replace")) if match else 0)
    inserted = banner.encode("ascii", errors="xmlcharrefreplace").decode("ascii").encode(codec)
    return body[:at] + inserted + body[at:]


def page_encoding(original: ArchivedResponse) -> str:
    """The charset a browser would read the page in: BOM, archived header, ``<meta>``, else
    UTF-8 if the bytes are valid UTF-8, else windows-1252 (as a name browsers know)."""
    encoding, _text = html_to_unicode(original.content_type or None, original.body, auto_detect_fun=_detect)
    name = codecs.lookup(encoding).name
    return {"utf-16-le": "utf-16le", "utf-16-be": "utf-16be"}.get(name, name.replace("_", "-"))


def _detect(body: bytes) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _codec_without_bom(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return {"utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(name, name)


def _media_type(original: ArchivedResponse) -> str:
    declared = original.content_type.split(";", 1)[0].strip().lower()
    if declared:
        return declared
    return "application/pdf" if original.body.startswith(b"%PDF-") else "text/html"


def _download(doc_id: int, version: Version, body: bytes, media_type: str) -> Response:
    """A non-HTML capture as a file to save, never rendered by the browser from here."""
    extension = "pdf" if media_type == "application/pdf" else "bin"
    served = "application/pdf" if extension == "pdf" else "application/octet-stream"
    name = f"pressarchive-{doc_id}-v{version.number}.{extension}"
    return Response(body, media_type=served, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Security-Policy": archived_copy_policy(secrets.token_urlsafe(18)),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
    })
