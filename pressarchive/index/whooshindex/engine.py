"""Opening the embedded Whoosh engine from an index address (``whoosh`` or ``whoosh:///DIR``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from pressarchive.index.engines import EngineAddress, EngineAddressError, EngineOptions, EngineUnavailable
from pressarchive.index.whooshindex.searchindex import SearchIndex


def index_path(address: EngineAddress, options: EngineOptions) -> Path:
    """The directory an address names: the data directory's ``index/`` for plain ``whoosh``."""
    if address.text.lower() == "whoosh":
        return options.index_dir
    try:
        parts = urlsplit(address.text)
    except ValueError:  # an unclosed bracket: no directory either
        parts = urlsplit("whoosh://?")
    if parts.netloc or not parts.path.startswith("/"):
        raise EngineAddressError(f"bad index address {address.redacted()!r}: write whoosh:///ABSOLUTE/DIR")
    return Path(unquote(parts.path))


def open_whoosh(address: EngineAddress, options: EngineOptions) -> SearchIndex:
    """The Whoosh index the address names; a directory that cannot be created, read or
    written is one clear error (:class:`EngineUnavailable`), not a traceback."""
    path = index_path(address, options)
    try:
        return SearchIndex(
            path, text_source=options.text_source, time_limit=options.time_limit, thesaurus=options.thesaurus,
        )
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the directory's name
        reason = getattr(exc, "strerror", None) or str(exc)
        raise EngineUnavailable(f"cannot open the whoosh index at {path}: {reason}") from None
