"""The ``--frontier`` address: a Redis URL, and the key that names one shared crawl in it.

Every process of one shared crawl must compute the same key, so it derives from what the
crawl is (its sources' names) unless ``--frontier-key`` names it; each Redis key the crawl
uses is ``pressarchive:<key>:<part>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from pressarchive.errors import UserError

PREFIX = "pressarchive"
_KEY = re.compile(r"^[A-Za-z0-9_.+-]{1,200}$")


class FrontierError(UserError):
    """The shared crawl cannot go on as asked (Redis unreachable, nothing to resume...)."""


class FrontierAddressError(FrontierError):
    """A ``--frontier`` URL or key that cannot name a Redis frontier."""


@dataclass(frozen=True)
class FrontierAddress:
    """Where the shared crawl's queue lives (``url``) and what it is called there (``key``)."""

    url: str
    key: str

    def redis_key(self, part: str) -> str:
        """The Redis key of one part of this crawl's state (``requests``, ``dupefilter``...)."""
        return f"{PREFIX}:{self.key}:{part}"

    def redacted(self) -> str:
        """The URL without its password, for messages and reports."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        netloc = parts.netloc.rsplit("@", 1)[1]
        user = f"{parts.username}:***@" if parts.username else ":***@"
        return parts._replace(netloc=user + netloc).geturl()


def parse_frontier(url: str, sources: list[str], key: str | None = None) -> FrontierAddress:
    """The frontier of a crawl of ``sources`` at ``url``; one clear error for a bad URL or key."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise FrontierAddressError(f"bad --frontier {url!r}: expected redis://HOST:PORT/N")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise FrontierAddressError(f"bad --frontier {url!r}: the port is not a number") from None
    database = parts.path.strip("/")
    if database and not database.isdigit():
        raise FrontierAddressError(f"bad --frontier {url!r}: the database after the port must be a number")
    chosen = key if key is not None else "+".join(sorted(sources))
    if not _KEY.match(chosen):
        raise FrontierAddressError(
            f"bad --frontier-key {chosen!r}: use letters, digits and . _ + - (at most 200)")
    return FrontierAddress(text, chosen)
