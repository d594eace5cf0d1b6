"""The text-only policy: what the crawler may request and what it may keep.

The archive covers crimes against children among others, so the crawler must never fetch or
store images, audio, video or archives. Three gates, each cheap: the URL's extension (and an
``.onion`` host) before a request is made, the declared Content-Type and Content-Encoding as
soon as headers arrive, and the first bytes of the decoded body before anything is written
(a JPEG served as ``text/html``, or behind ``Content-Encoding: deflate``, is still a JPEG).

The body is judged by one classifier, :func:`media_kind`: the ``filetype`` library's
signatures (images, audio, video, archives, fonts, executables, office files; every one of
them binary, so none matches a text format), less PDF, which carries press releases, plus a
short supplement of signatures it misses. Where filetype decides on a few printable bytes a
text may start with ("BMW recalls..." is not a BMP), the rest of the real header is required
too (:data:`_CONFIRM`). What no signature claims (HTML, XML, JSON, plain
text, PDF) is kept; an HTML page is judged as HTML, so its inline SVG and ``data:`` images
stay with it. A gzip *file* (a ``.xml.gz`` sitemap) is opened and its content judged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from posixpath import splitext
from urllib.parse import unquote, urlsplit

import filetype
from scrapy.linkextractors import IGNORED_EXTENSIONS

from pressarchive.crawler.decoding import Undecodable, content_codings, decoded_head

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
    # How servers label a .xml.gz sitemap: let through to the body gate, which opens the gzip.
    "application/gzip", "application/x-gzip",
})

#: Decoded bytes the body gate judges: enough for tar's ``ustar`` at offset 257 and a few
#: MPEG-TS packets, and for any XML prolog before an ``<svg>`` root.
HEAD_BYTES = 4096
#: Gzip files inside a body that are opened to judge what they hold (a .xml.gz sitemap is one).
MAX_GZIP_FILES = 2
_GZIP = b"\x1f\x8b"
_PDF = "application/pdf"

# Signatures filetype 1.2 misses, each (name, test on the head), with a test per entry.
_BOX_TYPES = (b"ftyp", b"styp", b"moov", b"moof", b"mdat", b"sidx", b"wide", b"free", b"skip", b"pnot",
              b"jP  ", b"JXL ")
_PACKETS = ((0, 188), (4, 192), (0, 204))  # MPEG-TS, M2TS (Blu-ray, timecode first), DVB with RS
_TS_SYNCS = 5  # sync bytes in a row: fewer could be a text that happens to have a "G" there
_IFF_TYPE = re.compile(rb"[A-Za-z0-9 ]{4}")
_SVG_ROOT = re.compile(rb"\s*<(?:[\w.-]+:)?svg[\s>/]", re.IGNORECASE)
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.IGNORECASE | re.DOTALL)


def _binary_size(field: bytes) -> bool:
    """Whether a 4-byte size field is binary: a text that starts like "FORMAL" or "RIFFS" is not."""
    return len(field) == 4 and any(byte < 0x20 or byte > 0x7E for byte in field)


def _iso_box(head: bytes) -> bool:
    """ISO base media (MP4, MOV, M4A, 3GP, HEIC, AVIF, fMP4 segments, JPEG 2000/XL boxes)."""
    # A box size, then its type; any ftyp brand, where filetype knows only some.
    return _binary_size(head[:4]) and head[4:8] in _BOX_TYPES


def _chunk_file(head: bytes, tags: tuple[bytes, ...]) -> bool:
    """An IFF (big-endian) or RIFF (little-endian) file: tag, binary size, four-letter form type."""
    return head[:4] in tags and _binary_size(head[4:8]) and bool(_IFF_TYPE.fullmatch(head[8:12]))


def _mpeg_ts(head: bytes) -> bool:
    """Sync byte 0x47 at the start of three packets in a row."""
    return any(len(head) > start + (_TS_SYNCS - 1) * size
               and all(head[start + i * size] == 0x47 for i in range(_TS_SYNCS))
               for start, size in _PACKETS)


def _mpeg_audio(head: bytes) -> bool:
    """An MPEG audio frame or ADTS header (11 sync bits); FF FE is the UTF-16LE byte order mark."""
    return len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] != 0xFE


def _svg_document(head: bytes) -> bool:
    """An SVG file on its own: ``<svg>`` is the root, after any XML prolog (not SVG in HTML)."""
    rest = head.removeprefix(b"\xef\xbb\xbf")
    while match := _PROLOG.match(rest):
        rest = rest[match.end():]
    return bool(_SVG_ROOT.match(rest))


_SUPPLEMENT: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    ("video/iso-bmff", _iso_box),
    ("video/mp2t", _mpeg_ts),
    ("audio/mpeg", _mpeg_audio),
    ("video/x-matroska", lambda head: head.startswith(b"\x1aE\xdf\xa3")),  # EBML, any doctype
    ("audio/x-iff", lambda head: _chunk_file(head, (b"FORM",))),  # AIFF-C, 8SVX, ILBM...
    ("audio/x-riff", lambda head: _chunk_file(head, (b"RIFF", b"RIFX", b"RF64"))),  # any RIFF form
    ("image/x-cursor", lambda head: head.startswith(b"\x00\x00\x02\x00")),
    ("image/jxl", lambda head: head.startswith(b"\xff\x0a")),
    ("image/vnd.djvu", lambda head: head.startswith(b"AT&TFORM")),
    ("image/x-xcf", lambda head: head.startswith(b"gimp xcf ")),
    # OLE compound files (old Office, Outlook, Thumbs.db): filetype knows three, by deep offsets.
    ("application/x-ole-storage", lambda head: head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")),
    ("application/zstd", lambda head: len(head) > 3 and head[0] & 0xF0 == 0x50 and head[1:4] == b"\x2a\x4d\x18"),
    ("image/svg+xml", _svg_document),
)


def _binary(data: bytes) -> bool:
    """Whether ``data`` holds a byte no text has: NUL, or a C0 control other than whitespace."""
    return any(byte < 0x09 or 0x0E <= byte < 0x20 for byte in data)


def _bmp_header(head: bytes) -> bool:
    """A BMP's 14-byte file header followed by a DIB header of one of the sizes that exist."""
    return len(head) >= 18 and int.from_bytes(head[14:18], "little") in _DIB_HEADER_SIZES


def _id3_version(head: bytes) -> bool:
    """An ID3v2 tag's "ID3" is followed by its version (2 to 4) and revision (0)."""
    return len(head) > 4 and head[3] in (2, 3, 4) and head[4] == 0


_DIB_HEADER_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})
_BZIP2_LEVELS = tuple(b"%d" % level for level in range(1, 10))  # block size, 100k to 900k
_BZIP2_BLOCKS = (b"1AY&SY", b"\x17rE8P\x90")  # a compressed block, or the end of an empty stream

# filetype matches some formats on a few printable bytes that a text may well start with
# ("BMW recalls...", "GIFT card fraud...", "MZ Polizei...", "SQLite is..."). Its match stands only
# when the rest of the real header is there too, which a text never has. Keyed by filetype's
# MIME type; each entry has a test both ways.
_CONFIRM: dict[str, Callable[[bytes], bool]] = {
    "image/bmp": _bmp_header,  # "BM"
    "image/gif": lambda head: head[:6] in (b"GIF87a", b"GIF89a"),  # "GIF"
    "application/x-msdownload": lambda head: _binary(head[2:64]),  # "MZ": a DOS header is binary
    "audio/mpeg": lambda head: not head.startswith(b"ID3") or _id3_version(head),  # FF Fx syncs are binary
    "application/x-bzip2": lambda head: head[3:4] in _BZIP2_LEVELS and head[4:10] in _BZIP2_BLOCKS,  # "BZh"
    "application/x-shockwave-flash": lambda head: _binary(head[3:8]),  # "FWS"/"CWS", version, size
    "application/postscript": lambda head: head.startswith(b"%!PS"),  # "%!"
    "application/x-sqlite3": lambda head: head.startswith(b"SQLite format 3\x00"),  # "SQLi"
    "audio/mp4": lambda head: head[4:8] == b"ftyp",  # "M4A " alone is no file: an M4A opens with a box
    "image/vnd.dwg": lambda head: _binary(head[6:12]),  # "AC10", then a version and zeros
    "application/x-tar": lambda head: b"\x00" in head[:257],  # "ustar" at 257, after NUL-padded names
}


def _filetype_kind(head: bytes) -> str | None:
    """The first of filetype's signatures ``head`` matches and :data:`_CONFIRM` confirms."""
    buffer = bytearray(head)  # what filetype.guess hands its matchers
    for matcher in filetype.types:
        if matcher.mime == _PDF or not matcher.match(buffer):
            continue
        confirm = _CONFIRM.get(matcher.mime)
        if confirm is None or confirm(head):
            return str(matcher.mime)
    return None


def media_kind(head: bytes) -> str | None:
    """The media type of a file starting with ``head`` if it is not text-bearing, else None."""
    kind = _filetype_kind(head) if head else None
    if kind is not None:
        return kind
    for name, test in _SUPPLEMENT:
        if test(head):
            return name
    return None


def content_head(body: bytes, codings: Sequence[str] = (), size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of what ``body`` holds, its Content-Encodings undone.

    ``codings`` are listed in the order applied; a gzip file inside is opened (up to
    :data:`MAX_GZIP_FILES` deep) so a ``.xml.gz`` sitemap is judged by its XML. Raises
    :class:`~pressarchive.crawler.decoding.Undecodable` for a body that does not decode.
    """
    layers = list(codings)
    head = decoded_head(body, layers, size)
    for _ in range(MAX_GZIP_FILES):
        if not head.startswith(_GZIP):
            break
        layers.insert(0, "gzip")  # the file was compressed before any Content-Encoding
        head = decoded_head(body, layers, size)
    return head


def body_media_kind(body: bytes, codings: Sequence[str] = ()) -> str | None:
    """What ``body`` holds once decoded, if it is media, else None (see :func:`content_head`)."""
    return media_kind(content_head(body, codings))


def looks_like_media(body: bytes, content_encoding: str = "") -> bool:
    """Whether ``body``, sent with this ``Content-Encoding`` value, must be refused as media.

    A body that does not decode is refused alike: what it holds cannot be known.
    """
    try:
        return body_media_kind(body, content_codings(content_encoding)) is not None
    except Undecodable:
        return True


def url_extension(url: str) -> str:
    """The lower-case extension of the URL's last path segment, without the dot.

    The segment is taken as a server sees it: percent-escapes decoded (twice encoded too),
    ``;parameters`` and trailing slashes, dots and spaces dropped, so ``/a.jpg;v=1``,
    ``/a.jpg/``, ``/a%2Ejpg`` and ``/a.jpg.`` all name a JPEG.
    """
    path = urlsplit(url).path
    for _ in range(3):
        path = unquote(path)
    segments = [segment.split(";", 1)[0].rstrip(". \t") for segment in path.split("/")]
    last = next((segment for segment in reversed(segments) if segment), "")
    return splitext(last)[1].lstrip(".").lower()


def is_onion_host(host: str) -> bool:
    """Whether ``host`` is a Tor onion service, however it is spelled (``X.ONION.``, ``x%2Eonion``)."""
    name = unquote(host).lower().translate(_IDEOGRAPHIC_DOTS).rstrip(".")
    return name == "onion" or name.endswith(".onion")


_IDEOGRAPHIC_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})  # IDNA maps these to "."


def is_denied_url(url: str) -> str | None:
    """Why ``url`` must not be requested (media extension or onion host), or None."""
    if is_onion_host(urlsplit(url).hostname or ""):
        return "onion"
    if url_extension(url) in DENIED_EXTENSIONS and not _is_gzip_sitemap(url):
        return "media_extension"
    return None


def _is_gzip_sitemap(url: str) -> bool:
    # Requested like any page; the body gate then judges what the gzip file holds.
    return urlsplit(url).path.lower().endswith(".xml.gz")


def media_type(content_type: str) -> str:
    """The bare media type of a Content-Type header value."""
    return content_type.split(";", 1)[0].strip().lower()


def is_allowed_content_type(content_type: str) -> bool:
    """Whether a declared Content-Type may be kept (empty means undeclared: judged by body)."""
    kind = media_type(content_type)
    return not kind or kind in ALLOWED_CONTENT_TYPES
