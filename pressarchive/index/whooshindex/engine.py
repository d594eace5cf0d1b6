"""Opening the embedded Whoosh engine from an index address (``whoosh`` or ``whoosh:///DIR``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from pressarchive.index.engines import EngineAddress, EngineAddressError, EngineOptions
from pressarchive.index.whooshindex.searchindex import SearchIndex


def index_path(address: EngineAddress, options: EngineOptions) -> Path:
    """The directory an address names: the data directory's ``index/`` for plain ``whoosh``."""
    if address.text.lower() == "whoosh":
        return options.index_dir
    parts = urlsplit(address.text)
    if parts.netloc or not parts.path.startswith("/"):
        raise EngineAddressError(f"bad index address {address.text!r}: write whoosh:///ABSOLUTE/DIR")
    return Path(unquote(parts.path))


def open_whoosh(address: EngineAddress, options: EngineOptions) -> SearchIndex:
    return SearchIndex(
        index_path(address, options), text_source=options.text_source,
        time_limit=options.time_limit, thesaurus=options.thesaurus,
    )
