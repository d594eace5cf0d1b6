"""Who may correct the archive over HTTP: nobody, unless the server was given a token.

``serve --corrections-token-file FILE`` turns write access on; every correction request must
then carry that token, in an ``Authorization: Bearer`` header (API) or a form field (pages).
A cross-site page can make a visitor's browser send a form but cannot know the token, so a
forged request fails (that is the CSRF defence; no cookie is ever set). Without a token the
web face is read-only and says so.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path

from pressarchive.errors import UserError

#: Shortest token accepted: a guessable one would open the archive to anyone on the network.
MIN_TOKEN_CHARS = 16
READ_ONLY = (
    "corrections are read-only on this server: use 'pressarchive correct', or start the "
    "server with --corrections-token-file"
)


class ReadOnly(UserError):
    status_code = 403


class BadToken(UserError):
    status_code = 401


@dataclass(frozen=True)
class WriteAccess:
    """The token that allows corrections, or None for a read-only server."""

    token: str | None = None

    @property
    def enabled(self) -> bool:
        return self.token is not None

    def check(self, presented: str | None) -> None:
        """Refuse unless writes are on and ``presented`` is the token (compared in constant time)."""
        if self.token is None:
            raise ReadOnly(READ_ONLY)
        if not presented or not hmac.compare_digest(presented.encode(), self.token.encode()):
            raise BadToken("a valid corrections token is required", parameter="Authorization")

    def check_bearer(self, authorization: str | None) -> None:
        scheme, _, value = (authorization or "").partition(" ")
        self.check(value.strip() if scheme.lower() == "bearer" else None)


def read_token_file(path: Path) -> str:
    """The token in ``path`` (surrounding whitespace ignored); a clear error if unusable."""
    try:
        token = path.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the corrections token file {str(path)[:200]!r}: {exc}") from None
    if len(token) < MIN_TOKEN_CHARS:
        raise UserError(f"the corrections token in {str(path)[:200]!r} is shorter than {MIN_TOKEN_CHARS} characters")
    return token
