"""Who may write to the archive over HTTP: nobody, unless the server was given a token.

One token covers every write the web face offers (hand corrections, collections, and any
write added later). ``serve --write-token-file FILE`` or the ``PRESSARCHIVE_WRITE_TOKEN`` environment
variable turns writes on; every write request must then carry that token, in an
``Authorization: Bearer`` header (API) or a form field (pages). A cross-site page can make a
visitor's browser send a form but cannot know the token, so a forged request fails (that is
the CSRF defence; no cookie is ever set). Without a token the web face is read-only and says
how to allow writes.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path

from pressarchive.errors import UserError

#: Shortest token accepted: a guessable one would open the archive to anyone on the network.
MIN_TOKEN_CHARS = 16
#: The environment variable holding the token itself (the option names a file holding it).
TOKEN_ENV = "PRESSARCHIVE_WRITE_TOKEN"
#: How a server's owner allows writes over HTTP, said wherever a write is refused or hidden.
HOW_TO_ENABLE = f"start the server with --write-token-file FILE or {TOKEN_ENV} set"
READ_ONLY = f"this server is read-only: use the pressarchive CLI, or {HOW_TO_ENABLE}"


class ReadOnly(UserError):
    status_code = 403


class BadToken(UserError):
    status_code = 401


@dataclass(frozen=True)
class WriteAccess:
    """The token that allows writes over HTTP, or None for a read-only server."""

    token: str | None = None

    @property
    def enabled(self) -> bool:
        return self.token is not None

    def check(self, presented: str | None) -> None:
        """Refuse unless writes are on and ``presented`` is the token (compared in constant time)."""
        if self.token is None:
            raise ReadOnly(READ_ONLY)
        if not presented or not hmac.compare_digest(presented.encode(), self.token.encode()):
            raise BadToken("a valid write token is required", parameter="Authorization")

    def check_bearer(self, authorization: str | None) -> None:
        scheme, _, value = (authorization or "").partition(" ")
        self.check(value.strip() if scheme.lower() == "bearer" else None)


def read_token_file(path: Path) -> str:
    """The token in ``path`` (surrounding whitespace ignored); a clear error if unusable."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the write token file {str(path)[:200]!r}: {exc}") from None
    return checked_token(text, f"the write token in {str(path)[:200]!r}")


def checked_token(text: str, origin: str) -> str:
    """``text`` stripped, refused if too short to resist guessing; ``origin`` names where it came from."""
    token = text.strip()
    if len(token) < MIN_TOKEN_CHARS:
        raise UserError(f"{origin} is shorter than {MIN_TOKEN_CHARS} characters")
    return token
