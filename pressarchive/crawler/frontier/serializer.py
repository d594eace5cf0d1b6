"""How requests are written to the shared queue, and read back: JSON, never pickle.

scrapy-redis pickles requests by default, and unpickling runs whatever the bytes say: anyone
who can write to the Redis server would run code in every crawler. What comes out of Redis is
untrusted input, so it is JSON (bytes, and dicts with bytes keys, tagged), read back into a
plain :class:`scrapy.Request` only: no other class (``_class``), no private spider method as
callback, and only the ``meta`` keys our crawl's requests carry between processes, so that a
request written into Redis by someone else cannot turn off robots.txt
(``dont_obey_robotstxt``), lift the size cap (``download_maxsize``) or send the crawler
through a proxy (``proxy``). The text-only, allowed-domains and ``.onion`` rules are the
downloader middlewares', applied to every request as it leaves, whatever its origin.

A module with ``dumps`` and ``loads``: scrapy-redis's serializer interface.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from scrapy import Request

#: ``meta`` keys a request keeps through the shared queue: ours (``pressarchive_``) and the
#: Scrapy middlewares' bookkeeping that must survive a retry or a redirect.
KEPT_META = frozenset({"handle_httpstatus_list", "depth", "retry_times", "dont_retry", "redirect_times",
                       "redirect_ttl", "redirect_urls", "redirect_reasons"})
OUR_META = "pressarchive_"


class UnreadableRequest(ValueError):
    """An entry of the shared queue that is not a request this crawl wrote."""


def dumps(obj: dict[str, Any]) -> bytes:
    return json.dumps(_tagged(obj), separators=(",", ":")).encode()


def loads(data: bytes) -> dict[str, Any]:
    try:
        obj = _untagged(json.loads(data))
    except (ValueError, TypeError, KeyError) as exc:
        raise UnreadableRequest(f"not a request of this crawl: {exc}") from None
    return _checked(obj)


def _checked(obj: Any) -> dict[str, Any]:
    if not isinstance(obj, dict) or not isinstance(obj.get("url"), str):
        raise UnreadableRequest("not a request of this crawl: no URL")
    unknown = set(obj) - set(Request.attributes)
    if unknown:  # ``_class`` among them: only plain requests
        raise UnreadableRequest(f"not a request of this crawl: {sorted(unknown)}")
    for name in ("callback", "errback"):
        method = obj.get(name)
        if method is not None and (not isinstance(method, str) or method.startswith("_")):
            raise UnreadableRequest(f"not a request of this crawl: {name} {method!r}")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise UnreadableRequest("not a request of this crawl: meta")
    obj["meta"] = {key: value for key, value in meta.items()
                   if isinstance(key, str) and (key in KEPT_META or key.startswith(OUR_META))}
    return obj


def _tagged(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {"d": [[_tagged(key), _tagged(item)] for key, item in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_tagged(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a request for the shared queue holds a {type(value).__name__}: {value!r}")


def _untagged(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"b"}:
            return base64.b64decode(value["b"], validate=True)
        if set(value) == {"d"}:
            return {_hashable(_untagged(key)): _untagged(item) for key, item in value["d"]}
        raise ValueError("untagged object")
    if isinstance(value, list):
        return [_untagged(item) for item in value]
    return value


def _hashable(key: Any) -> Any:
    if isinstance(key, (list, dict)):
        raise ValueError("a key that is not a scalar")
    return key
