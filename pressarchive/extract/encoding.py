"""Decode captured HTML bytes into text.

Press releases from national agencies still ship in windows-1252 or ISO-8859-1, sometimes
declared only in a ``<meta>`` tag. Decoding here, with the browser order of precedence that
w3lib implements (BOM, HTTP header, ``<meta>``, then detection), keeps accents, the euro sign
and curly quotes intact before trafilatura ever sees the page.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode

# Western pages that declare nothing and are not valid UTF-8 are overwhelmingly windows-1252
# (the WHATWG default for these locales), so it is the last resort after detection.
_FALLBACK = "cp1252"


def _detect(body: bytes) -> str | None:
    """Guess an undeclared encoding: valid UTF-8 wins, then charset detection."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # charset_normalizer is a dependency of trafilatura, so it is always installed.
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - defensive only
        return _FALLBACK
    best = from_bytes(body[:65536]).best()
    return best.encoding if best is not None else _FALLBACK


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Return the page as text, decoded as a browser would decode it.

    One exception to the browser's order: a page that declares UTF-8 but is not valid UTF-8
    (an old CMS template over windows-1252 content) is decoded by detection instead, so its
    accents survive rather than turning into replacement characters.
    """
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_detect)
    if encoding.replace("-", "").lower() == "utf8" and "\ufffd" in text:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            detected = _detect(body) or _FALLBACK
            return body.decode(detected, errors="replace")
    return text
