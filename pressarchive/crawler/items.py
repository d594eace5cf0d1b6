"""What the spider hands to the item pipeline: one captured press-release response."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class PageItem:
    """A response that should become a document: its URL, bytes and the capture it is in."""

    url: str
    body: bytes
    content_type: str
    capture_id: int | None
    source: str
