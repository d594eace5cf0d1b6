"""Versioned indices behind one alias, so a rebuild replaces the index with no downtime.

The address's NAME is an alias; the documents live in ``NAME-v<schema>-<UTC timestamp>``.
Readers and writers always go through the alias. A rebuild fills a new index while the old
one keeps answering, then moves the alias in one ``_aliases`` call (remove from the old, add
to the new: atomic for readers) and deletes the old index. An alias that is missing, or
whose index has another schema version, gets a new empty index marked as awaiting its refill
(``_meta.refill_pending``), which the rebuild's new index no longer carries.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch

from pressarchive.index.opensearchindex.client import SearchEngineFailed, Server, calling
from pressarchive.index.opensearchindex.template import SCHEMA_VERSION, index_body


def new_index_name(name: str) -> str:
    """A fresh versioned index name for alias ``name``."""
    return f"{name}-v{SCHEMA_VERSION}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"


def indices_behind(client: OpenSearch, server: Server) -> list[str]:
    """The indices the alias points to (none when it does not exist)."""
    with calling(server):
        if not client.indices.exists_alias(name=server.name):
            if client.indices.exists(index=server.name):
                raise SearchEngineFailed(
                    f"{server.redacted}: {server.name!r} is an index, not an alias pressarchive made;"
                    " name another index in the address"
                )
            return []
        return sorted(client.indices.get_alias(name=server.name))


def create_index(client: OpenSearch, server: Server, *, refill_pending: bool, with_alias: bool = False,
                 shards: int = 1, replicas: int = 0) -> str:
    """Create a new versioned index (``with_alias``: the alias pointing at it, in the same call)."""
    name = new_index_name(server.name)
    body: dict[str, Any] = index_body(refill_pending, shards, replicas)
    if with_alias:
        body["aliases"] = {server.name: {}}
    with calling(server):
        client.indices.create(index=name, body=body, params={"wait_for_active_shards": "1"})
    return name


def meta(client: OpenSearch, server: Server, index: str) -> dict[str, Any]:
    """The ``_meta`` of an index's mappings."""
    with calling(server):
        mapping = client.indices.get_mapping(index=index)
    return dict(mapping.get(index, {}).get("mappings", {}).get("_meta") or {})


def ours(server: Server, index: str) -> bool:
    """Whether ``index`` is a versioned index of the alias, by its name."""
    return re.fullmatch(rf"{re.escape(server.name)}-v[0-9]+-[0-9]+", index) is not None


def open_alias(client: OpenSearch, server: Server) -> bool:
    """Make sure the alias points to one index of this schema; True when that index is empty
    and awaits a refill from the store (just created, or an earlier refill never finished).

    An alias over indices pressarchive did not make is refused, never replaced: their
    documents are someone else's.
    """
    current = indices_behind(client, server)
    if not current:
        create_index(client, server, refill_pending=True, with_alias=True)
        return True
    foreign = [index for index in current
               if not ours(server, index) or "pressarchive_schema" not in meta(client, server, index)]
    if foreign:
        raise SearchEngineFailed(
            f"{server.redacted}: the alias {server.name!r} points to {', '.join(foreign)}, which pressarchive"
            " did not make; name another index in the address"
        )
    info = meta(client, server, current[-1])
    if len(current) == 1 and info.get("pressarchive_schema") == SCHEMA_VERSION:
        return bool(info.get("refill_pending"))
    fresh = create_index(client, server, refill_pending=True)
    try:
        point(client, server, fresh, current)
    except BaseException:
        drop(client, server, fresh)
        raise
    delete_all(client, server, current)
    return True


def point(client: OpenSearch, server: Server, new: str, old: list[str]) -> None:
    """Move the alias from ``old`` to ``new`` in one atomic call; it fails as a whole when the
    alias is no longer on one of ``old`` (another rebuild swapped it meanwhile)."""
    actions: list[dict[str, Any]] = [{"remove": {"index": index, "alias": server.name}} for index in old]
    actions.append({"add": {"index": new, "alias": server.name}})
    with calling(server):
        client.indices.update_aliases(body={"actions": actions})


def delete_all(client: OpenSearch, server: Server, indices: list[str]) -> None:
    """Delete indices the alias no longer points to."""
    with calling(server):
        for index in indices:
            client.indices.delete(index=index, params={"ignore_unavailable": "true"})


def drop(client: OpenSearch, server: Server, index: str) -> None:
    """Delete an index a failed rebuild was filling, unless the alias points to it after all
    (a swap whose answer was lost on the way back)."""
    if index not in indices_behind(client, server):
        delete_all(client, server, [index])
