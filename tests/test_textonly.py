"""Text only, decided by content: the classifier, the decoders, the URL gate, the middleware,
and one real crawl of a room on 127.0.0.1 that serves media dressed up as press releases.

The unit tests name one signature or one coding each. The crawl checks what the issue measured
(an MP4 served as ``text/html`` at an extensionless release URL, a JPEG behind raw-deflate
``Content-Encoding``): nothing of them is in any WARC file or becomes a document, the refusal
is in the crawl report, and the multi-megabyte MP4 is cut off after its first bytes.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import random
import sqlite3
import tarfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import brotli
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import zstandard
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from pressarchive.crawler.decoding import KNOWN_CODINGS, MAX_CODINGS, Undecodable, content_codings, decoded_head
from pressarchive.crawler.media import (
    HEAD_BYTES,
    body_media_kind,
    is_denied_url,
    is_onion_host,
    media_kind,
)
from pressarchive.crawler.textonly import Refusal, RefusedResponse, TextOnlyMiddleware
from pressarchive.sampleroom import media as sample_media
from tests.conftest import CLI
from tests.faultserver import release_html

PAD = bytes(range(256)) * 4  # binary filler after a signature


def tar_file() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("statement.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"hello"))
    return buffer.getvalue()


def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff\xe0")
    return buffer.getvalue()


def box(kind: bytes, brand: bytes = b"") -> bytes:
    """An ISO base media box: 32-bit size, four-letter type, then a brand."""
    return (8 + len(brand)).to_bytes(4, "big") + kind + brand + PAD


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + PAD
MP4 = box(b"ftyp", b"mp42\x00\x00\x00\x00mp42isom")

#: One sample per signature the gate must know: the ones the issue names, the old hand list's,
#: and each entry of the supplement to the filetype library.
MEDIA_SAMPLES: dict[str, bytes] = {
    # ISO base media, whatever the brand
    "mp4": MP4,
    "mov": box(b"ftyp", b"qt  \x00\x00\x00\x00qt  "),
    "m4a": box(b"ftyp", b"M4A \x00\x00\x00\x00M4A mp42isom"),
    "heic": box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic"),
    "avif": box(b"ftyp", b"avif\x00\x00\x00\x00avifmif1miaf"),
    "3gp (supplement: any ftyp brand)": box(b"ftyp", b"3gp5\x00\x00\x00\x00"),
    "unknown brand (supplement)": box(b"ftyp", b"zzzz\x00\x00\x00\x00"),
    "fMP4 segment (supplement)": box(b"styp", b"msdh\x00\x00\x00\x00"),
    "fMP4 fragment (supplement)": box(b"moof"),
    "QuickTime moov first (supplement)": box(b"moov"),
    "JPEG 2000 box (supplement)": box(b"jP  ", b"\r\n\x87\n"),
    "JPEG XL box (supplement)": box(b"JXL ", b"\r\n\x87\n"),
    # streams and containers
    "MPEG-TS (supplement)": (b"\x47\x40\x00\x10" + bytes(184)) * 6,
    "M2TS (supplement)": (b"\x00\x00\x00\x00\x47\x40\x00\x10" + bytes(184)) * 6,
    "FLV": b"FLV\x01\x05\x00\x00\x00\x09" + PAD,
    "ASF/WMV/WMA": bytes.fromhex("3026B2758E66CF11A6D900AA0062CE6C") + PAD,
    "Matroska/WebM, any doctype (supplement)": b"\x1aE\xdf\xa3\x9fB\x86\x81\x01" + PAD,
    "MPEG program stream": b"\x00\x00\x01\xba" + PAD,
    "MPEG video": b"\x00\x00\x01\xb3" + PAD,
    "AVI": b"RIFF\x24\x00\x00\x00AVI LIST" + PAD,
    "SWF": b"FWS\x08" + PAD,
    "SWF, compressed": b"CWS\x0a\x10\x27\x00\x00" + PAD,
    "PostScript": b"%!PS-Adobe-3.0\n%%Creator: scanner\n" + PAD,
    "SQLite database": b"SQLite format 3\x00\x10\x00" + PAD,
    "AutoCAD DWG": b"AC1018\x00\x00\x00\x00\x00\x00" + PAD,
    # images
    "JPEG": JPEG,
    "PNG": b"\x89PNG\r\n\x1a\n" + PAD,
    "GIF87a": b"GIF87a" + PAD,
    "GIF89a": b"GIF89a" + PAD,
    # file header (size, reserved, pixel offset), then the DIB header's own size
    "BMP (BITMAPINFOHEADER, 40)": b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00" + PAD,
    "BMP (OS/2 core header, 12)": b"BM\x1a\x00\x00\x00\x00\x00\x00\x00\x1a\x00\x00\x00\x0c\x00\x00\x00" + PAD,
    "BMP (V5 header, 124)": b"BM\x8a\x00\x00\x00\x00\x00\x00\x00\x8a\x00\x00\x00\x7c\x00\x00\x00" + PAD,
    "TIFF little-endian": b"II*\x00" + PAD,
    "TIFF big-endian": b"MM\x00*" + PAD,
    "WebP": b"RIFF\x24\x00\x00\x00WEBPVP8 " + PAD,
    "ICO": b"\x00\x00\x01\x00\x01\x00\x10\x10" + PAD,
    "CUR (supplement)": b"\x00\x00\x02\x00\x01\x00\x10\x10" + PAD,
    "PSD": b"8BPS\x00\x01" + PAD,
    "JPEG XL codestream (supplement)": b"\xff\x0a" + PAD,
    "DjVu (supplement)": b"AT&TFORM\x00\x00\x10\x00DJVU" + PAD,
    "GIMP XCF (supplement)": b"gimp xcf v011\x00" + PAD,
    "SVG file (supplement)": b'<?xml version="1.0"?>\n<!-- logo -->\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
    # audio
    "AIFF": b"FORM\x00\x00\x10\x00AIFFCOMM" + PAD,
    "AIFF-C (supplement)": b"FORM\x00\x00\x10\x00AIFCFVER" + PAD,
    "WAV": b"RIFF\x24\x00\x00\x00WAVEfmt " + PAD,
    "RIFF of another form (supplement)": b"RIFF\x24\x00\x00\x00RMIDdata" + PAD,
    "MP3 with ID3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + PAD,
    "MP3 frame FF FB": b"\xff\xfb\x90\x00" + PAD,
    "MP3 frame FF F3": b"\xff\xf3\x90\x00" + PAD,
    "MPEG audio frame FF FA (supplement)": b"\xff\xfa\x90\x00" + PAD,
    "AAC ADTS": b"\xff\xf1\x50\x80" + PAD,
    "Ogg": b"OggS\x00\x02" + PAD,
    "FLAC": b"fLaC\x00\x00\x00\x22" + PAD,
    "MIDI": b"MThd\x00\x00\x00\x06" + PAD,
    # archives and compressed files
    "ZIP": zip_file(),
    "empty ZIP": b"PK\x05\x06" + bytes(18),
    "tar (ustar at 257)": tar_file(),
    "zstd frame": zstandard.ZstdCompressor().compress(b"x" * 100),
    "zstd skippable frame (supplement)": b"\x50\x2a\x4d\x18\x04\x00\x00\x00abcd" + PAD,
    "RAR": b"Rar!\x1a\x07\x00" + PAD,
    "7z": b"7z\xbc\xaf\x27\x1c" + PAD,
    "bzip2": b"BZh91AY&SY" + PAD,
    "bzip2, empty stream": bz2.compress(b""),
    "xz": b"\xfd7zXZ\x00" + PAD,
    "executable": b"MZ\x90\x00" + PAD,
    "OLE compound file, short (supplement)": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + PAD,
}

TEXT_SAMPLES: dict[str, bytes] = {
    "HTML": b"<!doctype html><html><head><title>Operation Alder</title></head><body><p>x</p></body></html>",
    "HTML with BOM": b"\xef\xbb\xbf<!DOCTYPE html><html lang=en><p>Arrests</p></html>",
    "HTML with inline SVG and data: images": (
        b'<html><body><svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
        b'<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk'
        b'YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="><img src="data:image/svg+xml,%3Csvg%3E%3C/svg%3E"></body></html>'),
    "HTML starting with an SVG element": b"<svg-icon></svg-icon><html><body>text</body></html>",
    "XHTML": b'<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    "sitemap": b'<?xml version="1.0" encoding="UTF-8"?><urlset><url><loc>http://x/</loc></url></urlset>',
    "RSS": b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
    "JSON": b'{"releases": [{"title": "Operation Alder"}]}',
    "plain text": b"User-agent: *\nDisallow: /drafts/\n",
    "PDF": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + PAD,
    "UTF-16LE HTML (BOM FF FE)": "\ufeff<!doctype html><html><p>Detenidos</p></html>".encode("utf-16-le"),
    "UTF-16BE HTML": "\ufeff<!doctype html><html><p>Detenidos</p></html>".encode("utf-16-be"),
    "windows-1252 text": "Operación: detenidos en Málaga".encode("cp1252"),
    "text that starts like IFF": b"FORMAL NOTICE: the press office is closed on Monday. " * 4,
    "text that starts like RIFF": b"RIFFS AND RUMOURS about the operation were denied today. " * 4,
    "text with G every 188 bytes, three times": (b"G" + b"a" * 187) * 3,
    # Texts that open with one of filetype's short printable signatures: its match must be
    # confirmed by the rest of a real header (see media._CONFIRM).
    "text starting BM (BMP)": b"BMW recalls 300,000 cars over faulty airbags, police say. " * 4,
    "text starting BM, DIB size digits": b"BM 2024-01-01 (40) notice " * 10,
    "text starting GIF (GIF)": b"GIFT card fraud ring dismantled in four countries. " * 4,
    "text starting MZ (executable)": b"MZ Polizei meldet Festnahmen nach Razzia in Hamburg. " * 4,
    "text starting ID3 (MP3 tag)": b"ID3 tags and other metadata were examined by experts. " * 4,
    "text starting BZh (bzip2)": b"BZh9 is not a file, it is a headline. " * 4,
    "text starting FWS (Flash)": b"FWS officers seized 40 kg of cocaine. " * 4,
    "text starting CWS (Flash)": b"CWS: Community Warning System issued an alert. " * 4,
    "text starting %! (PostScript)": b"%!important notice: arrests made\n" * 4,
    "text starting SQLi (SQLite)": b"SQLite is used by the police database, the report says. " * 4,
    "text starting M4A (M4A)": b"M4A motorway closed after the raid near Bristol. " * 4,
    "text starting AC10 (DWG)": b"AC1018 case number assigned to the investigation. " * 4,
    "text with ustar at offset 257 (tar)": b"x" * 256 + b"gustar mucho a la policia, dijo el portavoz." * 4,
}


@pytest.mark.parametrize("name", MEDIA_SAMPLES)
def test_every_media_signature_is_refused(name: str) -> None:
    assert media_kind(MEDIA_SAMPLES[name]) is not None, name


@pytest.mark.parametrize("name", TEXT_SAMPLES)
def test_text_bearing_bodies_are_kept(name: str) -> None:
    assert media_kind(TEXT_SAMPLES[name]) is None, name


def test_the_sample_rooms_media_files_are_all_refused() -> None:
    for suffix in sample_media.CONTENT_TYPES:
        content_type, body = sample_media.media_file(f"/media/x{suffix}")
        assert media_kind(body) is not None, (suffix, body[:8])
    assert media_kind(sample_media.media_file(sample_media.PACK)[1]) == "application/zip"  # PK\x05\x06


# -- Content-Encoding -----------------------------------------------------------------------------


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,  # zlib-wrapped, as RFC 9110 says
    "deflate ": raw_deflate,  # raw, as many servers send it (the space keeps the ids apart)
    "br": brotli.compress,
    "zstd": zstandard.ZstdCompressor().compress,
}
PAGE = release_html("/releases/plain", "http://127.0.0.1:9").encode()


@pytest.mark.parametrize("coding", ENCODERS)
def test_each_coding_is_decoded_before_sniffing(coding: str) -> None:
    encode, codings = ENCODERS[coding], [coding.strip()]
    assert body_media_kind(encode(JPEG), codings) == "image/jpeg"
    assert body_media_kind(encode(MP4), codings) == "video/mp4"
    assert body_media_kind(encode(PAGE), codings) is None
    assert decoded_head(encode(PAGE), codings, 100) == PAGE[:100]
    photo = JPEG + random.Random(7).randbytes(2**20)  # incompressible: the encoded photo is as big
    assert body_media_kind(encode(photo)[:4096], codings) == "image/jpeg", "a download's first bytes are enough"
    with pytest.raises(Undecodable):
        body_media_kind(b"\xff\xfe\xfd this is not " + coding.encode() + b" at all" + PAD, codings)


def test_stacked_codings_are_undone_in_reverse() -> None:
    body = brotli.compress(gzip.compress(JPEG))  # "Content-Encoding: gzip, br"
    assert content_codings("gzip, br") == ["gzip", "br"]
    assert body_media_kind(body, content_codings("gzip, br")) == "image/jpeg"
    assert body_media_kind(zstandard.ZstdCompressor().compress(raw_deflate(PAGE)), ["deflate", "zstd"]) is None
    assert content_codings("identity") == [] and content_codings("") == []


@pytest.mark.parametrize("header", ["compress", "x-bzip2", "gzip, exotic", ", ".join(["gzip"] * (MAX_CODINGS + 1))])
def test_unknown_or_too_many_codings_are_undecodable(header: str) -> None:
    with pytest.raises(Undecodable):
        content_codings(header)


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_a_decompression_bomb_costs_only_its_head(coding: str) -> None:
    bomb = ENCODERS[coding](b"\x00" * 100 * 2**20)
    assert len(decoded_head(bomb, [coding], HEAD_BYTES)) == HEAD_BYTES


def test_padding_before_the_media_does_not_hide_it() -> None:
    skippable = b"\x50\x2a\x4d\x18" + (2**20).to_bytes(4, "little") + bytes(2**20)
    assert body_media_kind(skippable + zstandard.ZstdCompressor().compress(JPEG), ["zstd"]) == "image/jpeg"
    assert body_media_kind(gzip.compress(b"") + gzip.compress(JPEG), ["gzip"]) == "image/jpeg", "empty first member"
    long_name = b"\x1f\x8b\x08\x08" + bytes(6) + b"n" * 2**20 + b"\x00"  # a gzip header with a 1 MiB FNAME
    body = long_name + raw_deflate(JPEG) + zlib.crc32(JPEG).to_bytes(4, "little") + len(JPEG).to_bytes(4, "little")
    assert body_media_kind(body, ["gzip"]) == "image/jpeg"
    assert body_media_kind(brotli.compress(body), ["br"]) == "image/jpeg"


def test_gzip_files_are_judged_by_what_they_hold() -> None:
    sitemap = TEXT_SAMPLES["sitemap"]
    assert body_media_kind(gzip.compress(sitemap)) is None  # a .xml.gz sitemap passes
    assert body_media_kind(gzip.compress(JPEG)) == "image/jpeg"  # whatever the URL says
    assert body_media_kind(gzip.compress(sitemap), ["gzip"]) is None  # and sent gzip-encoded as well
    assert body_media_kind(brotli.compress(gzip.compress(gzip.compress(JPEG))), ["br"]) == "image/jpeg"
    assert body_media_kind(gzip.compress(tar_file())) == "application/x-tar"  # a .tar.gz
    with pytest.raises(Undecodable):
        body_media_kind(b"\x1f\x8b\x08\x00garbage that is not deflate" + PAD)


# -- before the request ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://p.example/a.jpg;v=1", "media_extension"),
        ("https://p.example/a.jpg/", "media_extension"),
        ("https://p.example/a.jpg//", "media_extension"),
        ("https://p.example/a.JPG?x=1", "media_extension"),
        ("https://p.example/a%2Ejpg", "media_extension"),
        ("https://p.example/a%252Ejpg", "media_extension"),
        ("https://p.example/a.jpg.", "media_extension"),
        ("https://p.example/a.mp4;jsessionid=1/", "media_extension"),
        ("https://p.example/video.MP4#t=10", "media_extension"),
        ("https://p.example/photo.jpg.gz", "media_extension"),
        ("http://abcdefghijklmnop.onion./press", "onion"),
        ("http://ABCDEFGHIJKLMNOP.ONION../press", "onion"),
        ("http://abcdefghijklmnop.onion:8080/press", "onion"),
        ("http://abcdefghijklmnop%2Eonion/press", "onion"),
        ("http://abcdefghijklmnop\u3002onion/press", "onion"),
        ("https://p.example/sitemap.xml.gz", None),  # requested; its content is judged
        ("https://p.example/press/2019/release", None),
        ("https://p.example/press/photos.jpg/release-12", None),  # a page under a folder so named
        ("https://p.example/press/release.pdf", None),
        ("https://onion.example/press/", None),
        ("https://p.example/press/?img=a.jpg", None),  # the body gate judges what comes back
    ],
)
def test_disguised_media_urls_are_refused_before_the_request(url: str, reason: str | None) -> None:
    assert is_denied_url(url) == reason


def test_onion_hosts() -> None:
    assert is_onion_host("x.onion.") and is_onion_host("onion") and not is_onion_host("onion.example")


# -- the middleware, built on its own -------------------------------------------------------------


def middleware() -> tuple[TextOnlyMiddleware, Any]:
    crawler = get_crawler()
    return TextOnlyMiddleware(crawler.stats), crawler.stats


def test_headers_refuse_declared_media_and_unknown_codings() -> None:
    gate, _ = middleware()
    request = Request("http://127.0.0.1:9/releases/a")
    with pytest.raises(Refusal) as refused:
        gate.headers_received(Headers({"Content-Type": "video/mp4"}), 100, request, None)  # type: ignore[arg-type]
    assert refused.value.reason == "content_type" and refused.value.fail
    with pytest.raises(Refusal) as refused:
        gate.headers_received(Headers({"Content-Type": "text/html", "Content-Encoding": "compress"}), 100,
                              request, None)  # type: ignore[arg-type]
    assert refused.value.reason == "undecodable"


def test_an_empty_body_has_nothing_to_decode() -> None:
    gate, stats = middleware()
    request = Request("http://127.0.0.1:9/releases/moved")
    headers = Headers({"Location": "/releases/plain", "Content-Encoding": "exotic"})
    gate.headers_received(headers, 0, request, None)  # type: ignore[arg-type]
    moved = Response(request.url, status=301, headers=headers, body=b"")
    assert gate.process_response(request, moved) is moved
    assert not stats.get_stats()


def test_the_first_bytes_cut_the_download() -> None:
    gate, stats = middleware()
    request = Request("http://127.0.0.1:9/releases/briefing")
    gate.headers_received(Headers({"Content-Type": "text/html"}), -1, request, None)  # type: ignore[arg-type]
    gate.bytes_received(MP4[:3], request, None)  # type: ignore[arg-type]  # too short to tell
    with pytest.raises(Refusal) as refused:
        gate.bytes_received(MP4[3:64], request, None)  # type: ignore[arg-type]
    assert refused.value.reason == "media_body"
    with pytest.raises(RefusedResponse):
        gate.process_exception(request, refused.value)
    assert stats.get_value("pressarchive/skipped/media_body") == 1


def test_a_text_head_stops_the_watch_and_passes() -> None:
    gate, stats = middleware()
    request = Request("http://127.0.0.1:9/releases/plain")
    headers = Headers({"Content-Type": "text/html", "Content-Encoding": "deflate"})
    body = raw_deflate(PAGE * 4)
    gate.headers_received(headers, -1, request, None)  # type: ignore[arg-type]
    gate.bytes_received(body[:-10], request, None)  # type: ignore[arg-type]
    gate.bytes_received(b"\xff" * 10, request, None)  # type: ignore[arg-type]  # no longer watched
    response = Response(request.url, headers=headers, body=body)
    assert gate.process_response(request, response) is response
    assert not stats.get_value("pressarchive/skipped/media_body")


@pytest.mark.parametrize(
    ("headers", "body", "reason"),
    [
        ({"Content-Type": "text/html"}, JPEG, "media_body"),
        ({}, MP4, "media_body"),  # no Content-Type at all: judged by the body
        ({"Content-Type": "text/html", "Content-Encoding": "deflate"}, raw_deflate(JPEG), "media_body"),
        ({"Content-Type": "application/x-gzip"}, gzip.compress(JPEG), "media_body"),
        ({"Content-Type": "text/html", "Content-Encoding": "br"}, b"not brotli" * 10, "undecodable"),
        ({"Content-Type": "image/jpeg"}, PAGE, "content_type"),
    ],
)
def test_complete_responses_are_judged_before_capture(headers: dict[str, str], body: bytes, reason: str) -> None:
    gate, stats = middleware()
    request = Request("http://127.0.0.1:9/releases/x")
    with pytest.raises(IgnoreRequest):
        gate.process_response(request, Response(request.url, headers=headers, body=body))
    assert stats.get_value(f"pressarchive/skipped/{reason}") == 1


@pytest.mark.parametrize("name", [name for name in TEXT_SAMPLES if name.startswith("text starting")])
def test_a_text_that_starts_like_a_short_signature_is_kept(name: str) -> None:
    gate, stats = middleware()
    request = Request("http://127.0.0.1:9/releases/x")
    response = Response(request.url, headers={"Content-Type": "text/plain"}, body=TEXT_SAMPLES[name])
    assert gate.process_response(request, response) is response
    assert not stats.get_stats()


def feed(gate: TextOnlyMiddleware, request: Request, body: bytes, cuts: list[int]) -> None:
    """``body`` through the download signals, in pieces of the given sizes (the rest in one)."""
    gate.headers_received(Headers({"Content-Type": "text/html"}), len(body), request, None)  # type: ignore[arg-type]
    start = 0
    for size in [*cuts, len(body)]:
        if start < len(body):
            gate.bytes_received(body[start:start + size], request, None)  # type: ignore[arg-type]
        start += size


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(MEDIA_SAMPLES)), st.lists(st.integers(1, 200), max_size=12))
def test_media_is_cut_however_its_bytes_arrive(name: str, cuts: list[int]) -> None:
    gate = TextOnlyMiddleware()
    with pytest.raises(Refusal):
        feed(gate, Request("http://127.0.0.1:9/releases/x"), MEDIA_SAMPLES[name], cuts)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(TEXT_SAMPLES)), st.lists(st.integers(1, 200), max_size=12))
def test_text_is_never_cut_however_its_bytes_arrive(name: str, cuts: list[int]) -> None:
    gate = TextOnlyMiddleware()
    feed(gate, Request("http://127.0.0.1:9/releases/x"), TEXT_SAMPLES[name] + PAGE, cuts)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096), st.lists(st.sampled_from(sorted(KNOWN_CODINGS)), max_size=MAX_CODINGS))
def test_any_bytes_decode_or_are_undecodable(body: bytes, codings: list[str]) -> None:
    try:
        body_media_kind(body, codings)
    except Undecodable:
        pass  # refused; any other exception fails the test


# -- one crawl of a room that disguises media -----------------------------------------------------

# 64 MiB: far beyond loopback socket buffers (about 4 MiB were in flight when the crawler hung
# up), and the crawl's size cap is raised above it so only the text-only gate can cut it short.
BIG_MP4 = MP4 + bytes(range(256)) * (64 * 2**20 // 256)
SIZE_CAP = 2 * len(BIG_MP4)
PIECE = 64 * 1024


class _MediaRoom(BaseHTTPRequestHandler):
    """Answers the paths of :data:`ROUTES`; the big MP4 is streamed and its bytes counted."""

    protocol_version = "HTTP/1.1"
    sent: dict[str, int] = {}
    hung_up: set[str] = set()
    requested: list[str] = []
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        with self.lock:
            self.requested.append(self.path)
        route = ROUTES.get(self.path)
        if route is None:
            self._send(404, {"Content-Type": "text/plain"}, b"not found")
        elif route == "stream":
            self._stream()
        else:
            headers, body = route(self.server.base_url)  # type: ignore[attr-defined]
            self._send(200, headers, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(BIG_MP4)))
        self.end_headers()
        sent = 0
        try:
            while sent < len(BIG_MP4):
                self.wfile.write(BIG_MP4[sent:sent + PIECE])
                self.wfile.flush()
                sent += PIECE
        except (BrokenPipeError, ConnectionResetError):
            with self.lock:
                self.hung_up.add(self.path)
            self.close_connection = True
        finally:
            with self.lock:
                self.sent[self.path] = min(sent, len(BIG_MP4))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet."""


def _listing(base: str) -> tuple[dict[str, str], bytes]:
    links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in ROUTES if path.startswith("/releases/"))
    return {"Content-Type": "text/html"}, f"<html><body><h1>Press</h1><ul>{links}</ul></body></html>".encode()


def _page(base: str) -> tuple[dict[str, str], bytes]:
    return {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "br"}, brotli.compress(
        release_html("/releases/plain", base).encode())


ROUTES: dict[str, Any] = {
    "/robots.txt": lambda base: ({"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
    "/press/": _listing,
    "/releases/plain": _page,  # a real release, brotli-encoded: must be kept
    "/releases/briefing": "stream",  # the measured case: an MP4 as text/html, extensionless
    "/releases/photo": lambda base: ({"Content-Type": "text/html", "Content-Encoding": "deflate"},
                                     raw_deflate(JPEG)),  # the other measured case
    "/releases/untyped": lambda base: ({}, MP4),
    "/releases/zstd-photo": lambda base: ({"Content-Type": "text/html", "Content-Encoding": "zstd"},
                                          zstandard.ZstdCompressor().compress(JPEG)),
    "/releases/pack": lambda base: ({"Content-Type": "text/html"}, b"PK\x05\x06" + bytes(18)),
    "/releases/archive": lambda base: ({"Content-Type": "application/x-gzip"}, gzip.compress(tar_file())),
    "/releases/garbled": lambda base: ({"Content-Type": "text/html", "Content-Encoding": "gzip"}, PAGE),
    "/releases/icon.jpg;v=1": lambda base: ({"Content-Type": "text/html"}, JPEG),
}
REFUSED = [path for path in ROUTES if path.startswith("/releases/") and path != "/releases/plain"]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("textonly")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MediaRoom)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.base_url = base  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    profile = root / "media.toml"
    profile.write_text("\n".join([
        'name = "mediaroom"', 'title = "A room of disguised media"', 'agency = "Example Police"',
        'country = "ES"', 'language = "en"', f'start_urls = ["{base}/press/"]',
        'allowed_domains = ["127.0.0.1"]', "follow = ['/press/$']", "article = ['/releases/']", "",
    ]), "utf-8")
    cli = CLI(root / "data")
    try:
        result = cli("crawl", "--profile", str(profile), "--delay", "0",
                     "--set", f"PRESSARCHIVE_MAX_BODY_SIZE={SIZE_CAP}", timeout=180)
        assert result.returncode == 0, result.stderr[-3000:]
        (report,) = [json.loads(path.read_text("utf-8")) for path in (root / "data" / "reports").glob("crawl-*.json")]
        with sqlite3.connect(root / "data" / "archive.sqlite") as db:
            captured = [url for (url,) in db.execute("SELECT url FROM captures")]
        yield {"base": base, "data": root / "data", "report": report, "captured": captured,
               "hits": cli.json("search", "", "--limit", "100")["hits"]}
    finally:
        server.shutdown()
        server.server_close()


def test_disguised_media_is_never_written_to_a_warc_file(crawl: dict[str, Any]) -> None:
    refused = tuple(crawl["base"] + path for path in REFUSED)
    assert not [url for url in crawl["captured"] if url.startswith(refused)]
    uris = []
    for warc in (crawl["data"] / "warc").glob("*.warc.gz"):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                uris.append(record.rec_headers.get_header("WARC-Target-URI") or "")
                if record.rec_type == "response":
                    # raw_stream: warcio's own br decoding fails with brotli 1.2 (no unused_data).
                    coding = record.http_headers.get_header("Content-Encoding") or ""
                    assert body_media_kind(record.raw_stream.read(), content_codings(coding)) is None, uris[-1]
    assert crawl["base"] + "/releases/plain" in uris, "the real release is archived"
    assert not [uri for uri in uris if uri in refused]


def test_disguised_media_never_becomes_a_document(crawl: dict[str, Any]) -> None:
    urls = {hit["url"] for hit in crawl["hits"]}
    assert crawl["base"] + "/releases/plain" in urls
    assert not urls & {crawl["base"] + path for path in REFUSED}


def test_the_report_counts_each_refusal(crawl: dict[str, Any]) -> None:
    (summary,) = crawl["report"]["summaries"]
    skipped = summary["skipped_by_reason"]
    # briefing, photo, untyped, zstd-photo, pack, archive: by their bytes; garbled: undecodable
    assert skipped.get("media_body") == 6, skipped
    assert skipped.get("undecodable") == 1, skipped
    assert "too_large" not in skipped


def test_a_media_url_in_disguise_is_never_requested(crawl: dict[str, Any]) -> None:
    assert "/releases/plain" in _MediaRoom.requested
    assert not [path for path in _MediaRoom.requested if ".jpg" in path]


def test_the_mp4_is_cut_off_after_its_first_bytes(crawl: dict[str, Any]) -> None:
    sent = _MediaRoom.sent.get("/releases/briefing")
    assert sent is not None, "the briefing was never requested"
    assert "/releases/briefing" in _MediaRoom.hung_up, "the crawler read the MP4 to its end"
    assert sent < len(BIG_MP4) // 4, f"{sent} of {len(BIG_MP4)} bytes sent before the hang-up"
    assert SIZE_CAP > len(BIG_MP4), "the size cap played no part"


@pytest.mark.parametrize("url", ["http://abcdefghijklmnop.onion./", "http://ABCDEFGHIJKLMNOP.ONION../press/"])
def test_a_profile_naming_an_onion_host_is_refused(url: str) -> None:
    from pressarchive.profiles import ProfileError, profile_from_dict
    from tests.test_profiles import VALID

    with pytest.raises(ProfileError, match="onion"):
        profile_from_dict({**VALID, "start_urls": [url]})
