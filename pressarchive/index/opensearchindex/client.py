"""The connection to the OpenSearch server, and its failures turned into pressarchive's errors.

An address ``opensearch+http://USER:PASSWORD@HOST:PORT/NAME`` gives the server and the
alias name. Every call goes through :func:`calling`, so a server that cannot be reached is
one clear :class:`SearchEngineUnreachable` line, a query the server refuses is a
:class:`~pressarchive.index.QueryError`, and no opensearch-py exception escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from opensearchpy import OpenSearch
from opensearchpy import exceptions as ox
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from pressarchive.errors import UserError
from pressarchive.index.engines import EngineAddress, EngineAddressError, EngineUnavailable
from pressarchive.index.errors import QueryError, QueryTooExpensive

# OpenSearch index names: lowercase, no \ / * ? " < > | space , # :, not starting with - _ +.
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")
#: Seconds a write or administrative call may take before the server counts as unreachable.
WRITE_TIMEOUT = 120.0


class SearchEngineUnreachable(EngineUnavailable):
    """The OpenSearch server did not answer (down, wrong address, refused the credentials):
    the engine cannot be used now, as :class:`EngineUnavailable` says (503 on the web)."""


class SearchEngineFailed(UserError):
    """The OpenSearch server answered with an error that is not the query's fault."""

    status_code = 502


@dataclass(frozen=True)
class Server:
    """Where the index lives: the server's URL, credentials and the alias name."""

    url: str
    name: str
    redacted: str
    auth: tuple[str, str] | None = field(default=None, repr=False)


def parse_server(address: EngineAddress) -> Server:
    """The server and alias an ``opensearch+http(s)://`` address names."""
    try:
        parts = urlsplit(address.text)
    except ValueError as exc:  # an unclosed IPv6 bracket, say
        raise EngineAddressError(f"bad index address {address.redacted()!r}: {exc}") from None
    scheme = address.scheme.split("+", 1)[1]
    name = unquote(parts.path.strip("/"))
    if not parts.hostname or not _NAME.match(name):
        raise EngineAddressError(
            f"bad index address {address.redacted()!r}: write {address.scheme}://HOST:PORT/NAME"
            " (NAME in lowercase letters, digits, '.', '_' or '-')"
        )
    try:
        port = parts.port or (443 if scheme == "https" else 9200)
    except ValueError:
        raise EngineAddressError(f"bad index address {address.redacted()!r}: the port is not a number") from None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    url = f"{scheme}://{host}:{port}"
    try:
        parse_url(url)  # what the client parses it with, so a bad host is refused here, not by a traceback
    except LocationParseError:
        raise EngineAddressError(f"bad index address {address.redacted()!r}: {parts.hostname!r} is no host name") \
            from None
    return Server(url, name, address.redacted(), auth)


def connect(server: Server, timeout: float) -> OpenSearch:
    """A client for ``server``; opensearch-py retries nothing itself (bulk retries are ours)."""
    return OpenSearch(
        hosts=[server.url], http_auth=server.auth, timeout=timeout, max_retries=0,
        retry_on_timeout=False, http_compress=False,
        maxsize=8,  # connections kept: bulk senders and concurrent searches each use one
    )


def reason(error: ox.TransportError) -> str:
    """The server's own one-line explanation of an error response."""
    info = error.info if isinstance(error.info, dict) else {}
    if info.get("error"):
        return reason_text(info.get("error"))
    text = str(error.error or error.status_code).strip()
    if text.startswith("<") or not text:
        # A web page, not OpenSearch's JSON: a proxy, or another server at this address.
        return "an answer that is not OpenSearch's (is this the search engine's address?)"
    return text.splitlines()[0][:200]


def reason_text(detail: object) -> str:
    """One line from an ``error`` object of a response (its root cause and what caused it)."""
    if not isinstance(detail, dict):
        return str(detail)
    causes = detail.get("root_cause") or []
    cause = causes[0] if causes and isinstance(causes[0], dict) else detail
    text = str(cause.get("reason") or detail.get("reason") or detail.get("type") or detail)
    caused_by = detail.get("caused_by")
    if isinstance(caused_by, dict) and caused_by.get("reason") and str(caused_by["reason"]) not in text:
        text += f" ({caused_by['reason']})"
    return text


@contextmanager
def calling(server: Server, *, query: bool = False, time_limit: float | None = None) -> Iterator[None]:
    """Run OpenSearch calls, translating their failures.

    ``query``: a 400 answer is the query's fault (:class:`QueryError`) and a timeout means the
    search ran past ``time_limit`` (:class:`QueryTooExpensive`).
    """
    try:
        yield
    except ox.ConnectionTimeout as exc:
        if query and time_limit is not None:
            raise too_expensive(time_limit) from exc
        raise SearchEngineUnreachable(
            f"cannot reach the search engine at {server.redacted}: no answer in time"
        ) from None
    except ox.ConnectionError as exc:
        raise SearchEngineUnreachable(
            f"cannot reach the search engine at {server.redacted}: {_connection_reason(exc)}"
        ) from None
    except ox.SerializationError:
        raise SearchEngineFailed(
            f"the search engine at {server.redacted} gave an answer that is not OpenSearch's"
            " (is this the search engine's address?)"
        ) from None
    except (ox.AuthenticationException, ox.AuthorizationException) as exc:
        raise SearchEngineUnreachable(
            f"cannot use the search engine at {server.redacted}: {reason(exc)} (check the user and password)"
        ) from None
    except ox.TransportError as exc:
        if query and exc.status_code == 400:
            raise QueryError(f"invalid query: {reason(exc)}") from None
        if exc.status_code == 429:
            raise SearchEngineFailed(
                f"the search engine at {server.redacted} is overloaded: {reason(exc)}; try again shortly"
            ) from None
        raise SearchEngineFailed(
            f"the search engine at {server.redacted} failed: {exc.status_code} {reason(exc)}"
        ) from None


def _connection_reason(exc: ox.ConnectionError) -> str:
    cause = exc.info if isinstance(exc.info, BaseException) else None
    text = str(cause or exc.error or exc)
    if "Connection refused" in text or "ECONNREFUSED" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host"
    return text.splitlines()[0][:200] if text else "no connection"


def too_expensive(time_limit: float) -> QueryTooExpensive:
    """The error of a search past the time limit, worded as in every engine."""
    from pressarchive.index.deadline import Deadline

    return Deadline(time_limit).error()
