"""Memento (RFC 7089): what the archive holds of any URL, for Memento clients and citation checkers.

* TimeMap ``/timemap/link/{url}`` (``application/link-format``; ``/timemap/json/{url}`` the
  same as JSON): the original, the TimeGate, itself, and one memento per 2xx capture
  (:func:`pressarchive.mementos.memento_captures` says why 304s and redirects are not).
* TimeGate ``/timegate/{url}``: a 302 to the memento closest to ``Accept-Datetime`` (RFC 1123;
  none: the latest); in a tie, the capture of the URL asked for.
* Memento ``/memento/{YYYYMMDDhhmmss}/{url}``: the capture taken at that second, whatever it
  answered, served inert, as the raw original of a document is
  (:mod:`pressarchive.web.original`), with ``Memento-Datetime``; a timestamp without a
  capture at that second redirects to the closest memento.

Captures are found in the CDXJ index (:mod:`pressarchive.mementos`). The URL asked about is the
rest of the path as it was sent (its own percent-escapes kept) plus the query string. Archived
URLs are untrusted: every one written into a header or a TimeMap is percent-encoded
(:func:`pressarchive.web.urls.safe_url`), so none can end its ``<...>`` or the header.

These routes are left out of the OpenAPI schema: they are Memento protocol endpoints whose
answers are link-format, redirects and archived bodies, described by RFC 7089, not JSON API
routes. Their errors are JSON (:func:`pressarchive.web.urls.is_api_path`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from pressarchive import mementos
from pressarchive.warc.cdxj import CdxjEntry
from pressarchive.web import urls
from pressarchive.web.deps import Service, public_base_url
from pressarchive.web.original import archived_response
from pressarchive.web.render import environment

LINK_FORMAT = "application/link-format"
router = APIRouter(include_in_schema=False)


@router.get(urls.TIMEMAP_LINK)
def timemap_link(request: Request, service: Service) -> Response:
    """Every capture of the URL, oldest first, in link-format (RFC 6690)."""
    url = _asked_url(request, 2)
    entries = mementos.memento_captures(mementos.captures_of(service.data, url))
    links = Links(public_base_url(request), url)
    lines = [links.original(), links.timegate(),
             links.timemap(rel="self", since=entries[0], until=entries[-1])]
    lines += [links.memento(entry, _rel(index, len(entries))) for index, entry in enumerate(entries)]
    return Response(",\n".join(lines) + "\n", media_type=LINK_FORMAT)


@router.get(urls.TIMEMAP_JSON)
def timemap_json(request: Request, service: Service) -> JSONResponse:
    """The TimeMap as JSON, in the shape pywb and the Memento aggregators use."""
    url = _asked_url(request, 2)
    entries = mementos.memento_captures(mementos.captures_of(service.data, url))
    links = Links(public_base_url(request), url)
    listed = [{"datetime": _iso(entry), "uri": links.absolute(urls.memento_url(entry.timestamp, entry.url))}
              for entry in entries]
    body: dict[str, Any] = {
        "original_uri": url,
        "timegate_uri": links.absolute(urls.timegate_url(url)),
        "timemap_uri": {"link_format": links.absolute(urls.timemap_url(url)),
                        "json_format": links.absolute(urls.timemap_url(url, "json"))},
        "mementos": {"first": listed[0], "last": listed[-1], "list": listed},
    }
    return JSONResponse(body)


@router.get(urls.TIMEGATE)
def timegate(request: Request, service: Service) -> Response:
    """A 302 to the capture closest to ``Accept-Datetime``, or the latest without one."""
    url = _asked_url(request, 1)
    asked = request.headers.get("accept-datetime")
    when = mementos.parse_http_date(asked) if asked is not None else None
    entries = mementos.captures_of(service.data, url)
    chosen = mementos.closest_memento(entries, url, when)
    links = Links(public_base_url(request), url)
    link = [links.original(), links.timemap(),
            links.memento(chosen, _rel_of(chosen, mementos.memento_captures(entries)))]
    return RedirectResponse(links.absolute(urls.memento_url(chosen.timestamp, chosen.url)), status_code=302,
                            headers={"Vary": "accept-datetime", "Link": ", ".join(link)})


@router.get(urls.MEMENTO)
def memento(request: Request, service: Service, timestamp: str) -> Response:
    """The capture taken at ``timestamp``, served inert; any other time redirects to the closest."""
    when = mementos.parse_timestamp(timestamp)
    url = _asked_url(request, 2)
    entries = mementos.captures_of(service.data, url)
    links = Links(public_base_url(request), url)
    exact = mementos.exact_capture(entries, url, timestamp)  # any capture, a 304 or a redirect too
    if exact is None:
        closest = mementos.closest_memento(entries, url, when)
        return RedirectResponse(links.absolute(urls.memento_url(closest.timestamp, closest.url)), status_code=302,
                                headers={"Link": ", ".join([links.original(), links.timegate(), links.timemap()])})
    original = mementos.read_capture(service.data, exact)

    def banner(nonce: str) -> str:
        return environment().get_template("original_banner.html").render(
            doc_id=None, version=None, url=original.url or exact.url, captured=exact.datetime, status=original.status,
            record_id=original.record_id, nonce=nonce, timemap_url=urls.timemap_url(url),
        )

    response = archived_response(original, banner, f"pressarchive-memento-{exact.timestamp}")
    response.headers["Memento-Datetime"] = mementos.http_date(exact.datetime)
    response.headers["Link"] = ", ".join([links.original(), links.timegate(), links.timemap()])
    response.headers["Access-Control-Expose-Headers"] = "Link, Memento-Datetime"  # for a script on another origin
    return response


class Links:
    """The Link header values and TimeMap lines about one original URL, absolute."""

    def __init__(self, base: str, url: str) -> None:
        self.base = base.rstrip("/")
        self.url = url

    def absolute(self, path: str) -> str:
        return self.base + path

    def original(self) -> str:
        return f'<{urls.safe_url(self.url)}>; rel="original"'

    def timegate(self) -> str:
        return f'<{self.absolute(urls.timegate_url(self.url))}>; rel="timegate"'

    def timemap(self, rel: str = "timemap", since: CdxjEntry | None = None, until: CdxjEntry | None = None) -> str:
        line = f'<{self.absolute(urls.timemap_url(self.url))}>; rel="{rel}"; type="{LINK_FORMAT}"'
        if since is not None and until is not None:
            line += f'; from="{mementos.http_date(since.datetime)}"; until="{mementos.http_date(until.datetime)}"'
        return line

    def memento(self, entry: CdxjEntry, rel: str = "memento") -> str:
        uri = self.absolute(urls.memento_url(entry.timestamp, entry.url))
        return f'<{uri}>; rel="{rel}"; datetime="{mementos.http_date(entry.datetime)}"'


def _rel(index: int, count: int) -> str:
    """``memento``, marked ``first`` and/or ``last`` at either end of the TimeMap."""
    marks = (["first"] if index == 0 else []) + (["last"] if index == count - 1 else [])
    return " ".join([*marks, "memento"])


def _rel_of(entry: CdxjEntry, entries: Sequence[CdxjEntry]) -> str:
    return _rel(0 if entry == entries[0] else (len(entries) - 1 if entry == entries[-1] else 1), len(entries))


def _iso(entry: CdxjEntry) -> str:
    return entry.datetime.isoformat().replace("+00:00", "Z")


def _asked_url(request: Request, segments: int) -> str:
    """The URL asked about: the path after its first ``segments`` segments, as sent (its
    percent-escapes kept, so it is the URL that was archived), and the query string."""
    raw = request.scope.get("raw_path")
    path = raw.decode("utf-8", "replace") if raw else request.url.path
    parts = path.split("/", segments + 1)
    tail = parts[segments + 1] if len(parts) > segments + 1 else ""
    return mementos.requested_url(tail, request.url.query)
