"""Which search engine an archive uses, named by one address, and opening it.

The address is the only place an engine is chosen: ``whoosh`` (the embedded default, in the
data directory's ``index/``), ``whoosh:///absolute/dir`` (an embedded index elsewhere) or
``opensearch+http://HOST:PORT/INDEX`` (``opensearch+https://`` too; user and password may be in
the address). It comes from ``--index`` / ``PRESSARCHIVE_INDEX`` or the data directory's
``config.toml`` (see :mod:`pressarchive.dataconfig`). Engines are imported only when opened,
so searching with OpenSearch never loads Whoosh and numpy, and the reverse.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pressarchive.errors import UserError
from pressarchive.index.engine import SearchEngine, TextSource
from pressarchive.index.thesaurus import Thesaurus

DEFAULT_ENGINE = "whoosh"

#: Address scheme -> "module:function" that opens an engine of that kind.
ENGINES: dict[str, str] = {
    "whoosh": "pressarchive.index.whooshindex.engine:open_whoosh",
    "opensearch+http": "pressarchive.index.opensearchindex.engine:open_opensearch",
    "opensearch+https": "pressarchive.index.opensearchindex.engine:open_opensearch",
}


class EngineAddressError(UserError):
    """An index address that names no engine pressarchive has, or is incomplete."""


class EngineUnavailable(UserError):
    """The engine an address names cannot be used now: a server that does not answer or
    refuses the credentials, a directory that cannot be created or written.

    Each engine raises it (or a subclass) with one line naming the engine by its redacted
    address, so the CLI prints ``error: ...`` and the web answers 503 instead of a traceback.
    """

    status_code = 503


@dataclass(frozen=True)
class EngineAddress:
    """A parsed index address: its scheme (which engine) and the rest, engine-specific."""

    text: str
    scheme: str

    @property
    def kind(self) -> str:
        """The engine's name as people say it: ``whoosh`` or ``opensearch``."""
        return self.scheme.split("+", 1)[0]

    def redacted(self) -> str:
        """The address without a password, for messages, logs and reports."""
        return redact(self.text)

    def __repr__(self) -> str:
        return f"EngineAddress({self.redacted()!r})"  # tracebacks and logs show no password

    def hide_password(self, text: str) -> str:
        """``text`` (an engine's own description, an error message) with this address's
        password replaced, so no engine's wording can leak it."""
        password = _userinfo(self.text)[1]
        return text.replace(password, "***") if password else text


def redact(text: str) -> str:
    """Address ``text`` with its password (if any) replaced by ``***``; the rest as written.

    Split by hand, not by urllib, which refuses some malformed addresses (a port that is no
    number, an unclosed IPv6 bracket) that must still be shown, without their password, in
    the error saying so; and the user part ends at the last ``@``, so a password with an
    unencoded ``/`` or ``#`` (where urllib ends the host) is hidden too.
    """
    user, password = _userinfo(text)
    if password is None:
        return text
    scheme, _, rest = text.partition("://")
    return f"{scheme}://{user}:***@{rest.rpartition('@')[2]}"


def _userinfo(text: str) -> tuple[str, str | None]:
    """The user and password written in address ``text`` (None: no password)."""
    _, separator, rest = text.partition("://")
    if not separator or rest.startswith("/"):  # no host (whoosh:///DIR): no user either
        return "", None
    userinfo, at, _ = rest.rpartition("@")
    if not at or ":" not in userinfo:
        return userinfo, None
    user, _, password = userinfo.partition(":")
    return user, password


@dataclass(frozen=True)
class EngineOptions:
    """What every engine is opened with besides its address."""

    index_dir: Path  # the data directory's index/ (the Whoosh default lives there)
    text_source: TextSource | None = None
    time_limit: float = 5.0
    thesaurus: Thesaurus | None = None


class EngineFactory(Protocol):
    def __call__(self, address: EngineAddress, options: EngineOptions) -> SearchEngine: ...


def parse_address(text: str | None) -> EngineAddress:
    """``text`` as an engine address (``None`` or blank: the default); a clear error otherwise."""
    text = (text or "").strip() or DEFAULT_ENGINE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # bytes of a command line that are not UTF-8: config.toml cannot hold them
        raise EngineAddressError(f"bad index address {redact(text)!r}: it is not UTF-8 text") from None
    scheme = text.split(":", 1)[0].lower() if ":" in text else text.lower()
    if scheme not in ENGINES:
        known = ", ".join(("whoosh", "whoosh:///DIR", "opensearch+http://HOST:PORT/INDEX"))
        raise EngineAddressError(f"unknown index address {redact(text)!r}: use one of {known}")
    return EngineAddress(text, scheme)


def open_engine(address: str | EngineAddress | None, options: EngineOptions) -> SearchEngine:
    """The engine at ``address`` (the default when None), ready to search and write."""
    parsed = address if isinstance(address, EngineAddress) else parse_address(address)
    module_name, _, function = ENGINES[parsed.scheme].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:  # the engine's package or its client library is not installed
        raise EngineUnavailable(
            f"the {parsed.kind} engine is not available in this installation (no module {exc.name!r})"
        ) from None
    factory: EngineFactory = getattr(module, function)
    return factory(parsed, options)
