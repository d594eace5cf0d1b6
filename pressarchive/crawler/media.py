"""The text-only policy: what the crawler may request and what it may keep.

The archive covers crimes against children among others, so the crawler must never fetch or
store images, audio, video or archives. Three gates, each cheap: the URL's extension before a
request is made, the declared Content-Type as soon as headers arrive, and the first bytes of
the body (a JPEG served as ``text/html`` is still a JPEG) before anything is written.
"""

from __future__ import annotations

import zlib
from posixpath import splitext
from urllib.parse import unquote, urlsplit

from scrapy.linkextractors import IGNORED_EXTENSIONS

# Scrapy's list of non-page extensions, less the ones that carry press releases (PDF) or
# feeds (RSS), plus modern media formats it does not know.
DENIED_EXTENSIONS: frozenset[str] = frozenset(IGNORED_EXTENSIONS) - {"pdf", "rss"} | {
    "avif", "heic", "heif", "jfif", "jxl", "raw", "cr2", "nef",
    "flac", "opus", "oga", "m4b", "amr", "weba",
    "mkv", "ogv", "m2ts", "mts", "vob", "divx", "m3u8", "mpd",
    "gz", "tgz", "bz", "tbz", "zst", "lz", "lzma", "cab", "arj", "torrent",
}

ALLOWED_CONTENT_TYPES: frozenset[str] = frozenset({
    "text/html", "application/xhtml+xml", "text/plain", "text/xml", "application/xml",
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/json",
    "application/ld+json", "application/pdf", "application/x-gzip-sitemap",
})

# Leading bytes of media and archive formats; a body starting with one is refused whatever
# its declared type.
_MAGIC: tuple[bytes, ...] = (
    b"\xff\xd8\xff", b"\x89PNG", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*",
    b"RIFF", b"ID3", b"\xff\xfb", b"\xff\xf3", b"OggS", b"fLaC", b"\x1aE\xdf\xa3",
    b"PK\x03\x04", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"\x00\x00\x01\xba",
)


def url_extension(url: str) -> str:
    """The lower-case extension of the URL's path, without the dot."""
    path = unquote(urlsplit(url).path)
    return splitext(path)[1].lstrip(".").lower()


def is_denied_url(url: str) -> str | None:
    """Why ``url`` must not be requested (media extension or onion host), or None."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(".onion"):
        return "onion"
    path = unquote(urlsplit(url).path).lower()
    if url_extension(url) in DENIED_EXTENSIONS and not path.endswith(".xml.gz"):
        return "media_extension"
    return None


def media_type(content_type: str) -> str:
    """The bare media type of a Content-Type header value."""
    return content_type.split(";", 1)[0].strip().lower()


def is_allowed_content_type(content_type: str) -> bool:
    """Whether a declared Content-Type may be kept (empty means undeclared: judged by body)."""
    kind = media_type(content_type)
    return not kind or kind in ALLOWED_CONTENT_TYPES


def looks_like_media(body: bytes, content_encoding: str = "", url: str = "") -> bool:
    """Whether the body starts like an image, audio, video or archive file.

    A body sent with ``Content-Encoding`` is judged by its decoded start; a gzip sitemap
    (``.xml.gz``) is the one gzip file that is allowed.
    """
    head = _decoded_head(body, content_encoding.lower().strip())
    if head.startswith(b"\x1f\x8b") and urlsplit(url).path.lower().endswith(".xml.gz"):
        return False
    return any(head.startswith(magic) for magic in _MAGIC)


def _decoded_head(body: bytes, encoding: str) -> bytes:
    if encoding in ("gzip", "x-gzip", "deflate"):
        wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
        try:
            return zlib.decompressobj(wbits).decompress(body[:4096], 16)
        except zlib.error:
            return body[:16]
    return body[:16]
