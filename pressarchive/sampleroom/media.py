"""Dummy media files of the sample site: photos, a briefing video, an audio clip, a ZIP pack.

The pages link them the way a real press room does, and a crawler of press releases must never
fetch them. The server still answers them, with the proper content type and a few bytes, so
that a violation shows up in the request log instead of passing for a broken link.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from pressarchive.sampleroom.catalog import Catalog

VIDEO = "/media/video/briefing.mp4"
AUDIO = "/media/audio/statement.mp3"
PACK = "/media/docs/evidence-pack.zip"
#: A photo whose address matches the profile's article pattern: only its extension gives it away.
GALLERY = "/press/releases/2019/photo-gallery.jpg"
LOGO = "/media/images/pfe-logo.png"
FAVICON = "/media/images/favicon.png"

#: Attachment kinds a release's front matter may list, and where they point.
ATTACHMENTS = {"video": VIDEO, "audio": AUDIO, "pack": PACK}

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".mp4": "video/mp4",
    ".mp3": "audio/mpeg",
    ".zip": "application/zip",
}

_DUMMY_BYTES = {
    ".jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    ".png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND\xaeB`\x82",
    ".mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
    ".mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    ".zip": b"PK\x05\x06" + bytes(18),  # an empty but valid ZIP archive
}


def media_paths(catalog: Catalog) -> frozenset[str]:
    """Every media address the site links (and therefore serves)."""
    images = {r.image_path for r in catalog.releases + catalog.drafts}
    return frozenset(images | {VIDEO, AUDIO, PACK, GALLERY, LOGO, FAVICON})


def media_file(path: str) -> tuple[str, bytes]:
    """The content type and dummy body served for a media ``path``."""
    suffix = PurePosixPath(path).suffix
    return CONTENT_TYPES[suffix], _DUMMY_BYTES[suffix]
