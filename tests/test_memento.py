"""Memento (RFC 7089) over the CDXJ index: TimeMaps parsed back, TimeGate negotiation,
mementos served inert with their headers, errors, and hostile archived URLs kept harmless."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from pressarchive.datadir import DataDir
from pressarchive.mementos import captures_of, http_date
from pressarchive.warc import Exchange, RotatingWarcWriter, cdxj
from pressarchive.web import create_app, urls
from tests import document_archive
from tests.document_archive import DocumentArchive

PAGE = "https://www.police.example.org/press/marea?b=2&a=1"
T0 = datetime(2017, 5, 1, 9, 30, tzinfo=UTC)
TIMES = [T0, T0 + timedelta(days=30), T0 + timedelta(days=400)]
HOSTILE = 'https://evil.example/a"><script>alert(1)</script>?x=<b>&y=\'q\''
LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[\w-]+="[^"]*")*)')
PARAM = re.compile(r';\s*([\w-]+)="([^"]*)"')


def exchange(url: str, when: datetime, body: bytes, status: int = 200,
             headers: list[tuple[str, str]] | None = None) -> Exchange:
    return Exchange(url, "GET", [], status, "OK", headers or [("Content-Type", "text/html; charset=utf-8")],
                    body, when)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DocumentArchive:
    """The document page's archive, plus captures of a page in two WARC files (one a 304),
    a redirect, and a page whose archived URL is hostile; all indexed."""
    built = document_archive.build(tmp_path_factory.mktemp("memento") / "data")
    for prefix, times in (("one", TIMES[:2]), ("two", TIMES[2:])):
        writer = RotatingWarcWriter(built.data.warc_dir, prefix=prefix)
        for when in times:
            status = 304 if when == TIMES[1] else 200
            writer.write(exchange(PAGE, when, b"" if status == 304 else f"<p>Marea {when:%Y}</p>".encode(), status))
        if prefix == "one":
            writer.write(exchange("http://police.example.org/old-marea", T0, b"", 301, [("Location", PAGE)]))
            writer.write(exchange(HOSTILE, T0, b"<p>hostile</p>"))
            recapture = document_archive.RELEASE.url
            writer.write(exchange(recapture, datetime(2024, 3, 1, tzinfo=UTC), b"", 304))
            # http -> https in the same second, as a crawler following the redirect records it
            writer.write(exchange("http://police.example.org/press/moved", T0, b"", 301,
                                  [("Location", "https://police.example.org/press/moved")]))
            writer.write(exchange("https://police.example.org/press/moved", T0, b"<p>moved here</p>"))
            for twin in ("http://police.example.org/press/twin", "https://police.example.org/press/twin"):
                writer.write(exchange(twin, T0, f"<p>{twin}</p>".encode()))
        writer.close()
    cdxj.refresh(built.data)
    return built


@pytest.fixture(scope="module")
def client(built: DocumentArchive) -> Iterator[TestClient]:
    with TestClient(create_app(built.data), follow_redirects=False) as test_client:
        yield test_client


def parse_links(text: str) -> list[tuple[str, dict[str, str]]]:
    """A link-format body or Link header as (URI, parameters) pairs."""
    return [(uri, dict(PARAM.findall(params))) for uri, params in LINK.findall(text)]


def by_rel(links: list[tuple[str, dict[str, str]]], rel: str) -> list[tuple[str, dict[str, str]]]:
    return [(uri, params) for uri, params in links if rel in params.get("rel", "").split()]


def test_timemap_lists_every_capture_in_link_format(client: TestClient) -> None:
    answer = client.get(f"/timemap/link/{PAGE}")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/link-format")
    links = parse_links(answer.text)
    assert answer.text.count(",\n") == len(links) - 1  # every entry parsed: nothing left over
    assert by_rel(links, "original") == [(PAGE, {"rel": "original"})]
    assert by_rel(links, "timegate")[0][0] == f"http://testserver/timegate/{PAGE}"
    [(self_uri, self_params)] = by_rel(links, "self")
    assert self_uri == f"http://testserver/timemap/link/{PAGE}" and self_params["type"] == "application/link-format"
    assert (self_params["from"], self_params["until"]) == (http_date(TIMES[0]), http_date(TIMES[-1]))
    mementos = by_rel(links, "memento")
    # The 304 recapture at TIMES[1] has no body of its own: not a memento (see mementos.memento_captures).
    assert [params["datetime"] for _, params in mementos] == [http_date(TIMES[0]), http_date(TIMES[2])]
    assert [params["rel"] for _, params in mementos] == ["first memento", "last memento"]
    assert mementos[0][0] == f"http://testserver/memento/20170501093000/{PAGE}"
    assert mementos[0][1]["datetime"] == "Mon, 01 May 2017 09:30:00 GMT"


def test_the_url_may_come_mangled_or_encoded(client: TestClient) -> None:
    expected = client.get(f"/timemap/link/{PAGE}").text
    for path in (f"/timemap/link/{PAGE.replace('https://', 'https:/')}",
                 f"/timemap/link/{quote(PAGE, safe='')}",
                 "/timemap/link/http://police.example.org/press/marea?a=1&b=2"):  # one SURT key
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert by_rel(parse_links(answer.text), "memento") == by_rel(parse_links(expected), "memento")


def test_timemap_json_has_the_same_mementos(client: TestClient) -> None:
    body = client.get(f"/timemap/json/{PAGE}").json()
    assert [item["datetime"] for item in body["mementos"]["list"]] == [
        when.isoformat().replace("+00:00", "Z") for when in (TIMES[0], TIMES[2])]
    assert body["mementos"]["first"] == body["mementos"]["list"][0] and body["original_uri"] == PAGE
    assert body["timemap_uri"]["link_format"] == f"http://testserver/timemap/link/{PAGE}"


@pytest.mark.parametrize(("asked", "chosen"), [
    (T0 + timedelta(days=10), TIMES[0]), (T0 + timedelta(days=20), TIMES[0]), (T0 + timedelta(days=30), TIMES[0]),
    (T0 - timedelta(days=900), TIMES[0]), (T0 + timedelta(days=3000), TIMES[2]), (None, TIMES[2]),
    (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), TIMES[2]), (datetime(1, 1, 1, tzinfo=UTC), TIMES[0]),
])
def test_timegate_redirects_to_the_closest_capture(client: TestClient, asked: datetime | None,
                                                   chosen: datetime) -> None:
    headers = {"Accept-Datetime": http_date(asked)} if asked else {}
    answer = client.get(f"/timegate/{PAGE}", headers=headers)
    assert answer.status_code == 302 and answer.headers["vary"] == "accept-datetime"
    stamp = chosen.strftime("%Y%m%d%H%M%S")
    assert answer.headers["location"] == f"http://testserver/memento/{stamp}/{PAGE}"
    links = parse_links(answer.headers["link"])
    assert by_rel(links, "original")[0][0] == PAGE and by_rel(links, "timemap")
    [(uri, params)] = by_rel(links, "memento")
    assert uri == answer.headers["location"] and params["datetime"] == http_date(chosen)


def test_memento_is_served_inert_with_its_headers(client: TestClient) -> None:
    answer = client.get(f"/memento/20170501093000/{PAGE}")
    assert answer.status_code == 200 and answer.headers["memento-datetime"] == "Mon, 01 May 2017 09:30:00 GMT"
    assert answer.text.endswith("<p>Marea 2017</p>") and 'id="pressarchive-banner"' in answer.text
    assert answer.headers["content-security-policy"].startswith("sandbox;")
    links = parse_links(answer.headers["link"])
    assert {rel for _, params in links for rel in params["rel"].split()} == {"original", "timegate", "timemap"}
    assert answer.headers["access-control-expose-headers"] == "Link, Memento-Datetime"
    head = client.head(f"/memento/20170501093000/{PAGE}")
    assert head.status_code == 200 and head.content == b"" and head.headers["memento-datetime"]
    later = client.get(f"/memento/20180605093000/{PAGE}")
    assert later.status_code == 200 and "Marea 2018" in later.text


def test_a_time_without_a_capture_redirects_to_the_closest(client: TestClient) -> None:
    for stamp, closest in (("20170520", "20170501093000"), ("20170601", "20170501093000"),
                           ("20170515", "20170501093000"),
                           ("20170501093001", "20170501093000"), ("2030", "20180605093000")):
        answer = client.get(f"/memento/{stamp}/{PAGE}")
        assert answer.status_code == 302
        assert answer.headers["location"] == f"http://testserver/memento/{closest}/{PAGE}"


def test_a_redirect_and_a_304_are_served_at_their_own_time(client: TestClient) -> None:
    moved = client.get("/memento/20170501093000/http://police.example.org/old-marea")
    assert moved.status_code == 200 and "the server answered HTTP 301" in moved.text
    assert "location" not in moved.headers  # the archived redirect is shown, not followed
    unchanged = client.get(f"/memento/20170531093000/{PAGE}")
    assert unchanged.status_code == 200 and "HTTP 304" in unchanged.text


@pytest.mark.parametrize(("path", "headers", "status", "message"), [
    ("/timemap/link/https://nothing.example/", {}, 404, "the archive holds no capture of https://nothing.example/"),
    ("/timegate/https://nothing.example/", {}, 404, "the archive holds no capture"),
    ("/memento/20170501093000/https://nothing.example/", {}, 404, "the archive holds no capture"),
    ("/timemap/link/javascript:alert(1)", {}, 400, "bad URL"),
    ("/timegate/mailto:someone@example.org", {}, 400, "bad URL"),
    ("/timemap/link/", {}, 400, "bad URL"),
    ("/timegate/ftp://example.org/x", {}, 400, "bad URL"),
    ("/timemap/link/http://exa mple.org/", {}, 400, "bad URL"),
    (f"/timegate/{PAGE}", {"Accept-Datetime": "2017-05-01"}, 400, "bad Accept-Datetime '2017-05-01'"),
    (f"/timegate/{PAGE}", {"Accept-Datetime": "Mon, 31 Feb 2017 09:30:00 GMT"}, 400, "bad Accept-Datetime"),
    (f"/memento/2017-05-01/{PAGE}", {}, 400, "bad timestamp '2017-05-01'"),
    (f"/memento/201705019999999/{PAGE}", {}, 400, "bad timestamp"),
    (f"/memento/20171301000000/{PAGE}", {}, 400, "bad timestamp"),
])
def test_errors_are_json(client: TestClient, path: str, headers: dict[str, str], status: int, message: str) -> None:
    answer = client.get(path, headers=headers)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json" and answer.json()["error"].startswith(message)


def test_a_warc_file_gone_since_it_was_indexed_is_a_404(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    writer = RotatingWarcWriter(data.warc_dir)
    writer.write(exchange(PAGE, T0, b"<p>soon gone</p>"))
    name = writer.current_file
    writer.close()
    cdxj.refresh(data)
    (data.warc_dir / name).unlink()
    with TestClient(create_app(data)) as client:
        answer = client.get(f"/memento/20170501093000/{PAGE}")
    assert answer.status_code == 404
    assert answer.json()["error"].startswith(f"the archived original is not available: WARC file {name} is missing")


def test_hostile_archived_urls_cannot_break_out(client: TestClient) -> None:
    answer = client.get("/timemap/link/https://evil.example/a%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
                        params={"x": "<b>", "y": "'q'"})
    assert answer.status_code == 200, answer.text
    links = parse_links(answer.text)
    assert len(links) == 4 and answer.text.count(",\n") == 3  # original, timegate, self, one memento
    for uri, _params in links:
        assert not re.search(r'[<>"\s]', uri), uri
    memento_uri = by_rel(links, "memento")[0][0]
    page = client.get(memento_uri.removeprefix("http://testserver"))
    assert page.status_code == 200 and "<script>alert" not in page.text.split("</div>", 1)[0]
    assert "&lt;script&gt;" in page.text and 'id="pressarchive-banner"' in page.text
    for _name, value in page.headers.items():
        assert "\n" not in value and "<script>" not in value


def test_document_page_lists_the_captures_of_its_url(client: TestClient, built: DocumentArchive) -> None:
    page = client.get(f"/doc/{built.ids['avalanche']}").text
    section = page.split('id="captures-heading"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr>\s*<td.*?</tr>", section, re.DOTALL)
    assert len(rows) == 3  # two versions and a 304 recapture that made none
    assert [re.search(r'class="status">(\d+)<', row).group(1) for row in rows] == ["200", "200", "304"]  # type: ignore[union-attr]
    assert 'href="/memento/20240101120000/https://police.example.org/press/avalanche"' in rows[0]
    assert f'href="{urls.doc_url(built.ids["avalanche"], 2)}">2</a>' in rows[1]
    assert "—</td>" in rows[2]
    assert 'href="/timemap/link/https://police.example.org/press/avalanche"' in section


def test_the_timemap_lists_the_2xx_captures_cdx_lists(built: DocumentArchive, client: TestClient) -> None:
    listed = captures_of(built.data, PAGE)
    assert [entry.status for entry in listed] == [200, 304, 200]  # cdx keeps everything
    mementos = by_rel(parse_links(client.get(f"/timemap/link/{PAGE}").text), "memento")
    assert [entry.timestamp for entry in listed if entry.status == 200] == [uri.split("/")[4] for uri, _ in mementos]


def test_timegate_skips_an_unchanged_recapture(client: TestClient, built: DocumentArchive) -> None:
    url = document_archive.RELEASE.url
    answer = client.get(f"/timegate/{url}")  # the latest capture is a 304 with no body
    assert answer.headers["location"] == f"http://testserver/memento/20240201083000/{url}"  # the latest 200
    page = client.get(answer.headers["location"].removeprefix("http://testserver"))
    assert page.status_code == 200 and "HTTP 304" not in page.text and page.headers["memento-datetime"]


def test_timegate_prefers_the_page_to_a_redirect_in_the_same_second(client: TestClient) -> None:
    url = "https://police.example.org/press/moved"
    for headers in ({}, {"Accept-Datetime": http_date(T0)}):
        answer = client.get(f"/timegate/{url}", headers=headers)
        assert answer.headers["location"] == f"http://testserver/memento/20170501093000/{url}"
    page = client.get(f"/memento/20170501093000/{url}")
    assert page.status_code == 200 and "moved here" in page.text
    links = parse_links(client.get(f"/timemap/link/{url}").text)
    assert [uri for uri, _ in by_rel(links, "memento")] == [f"http://testserver/memento/20170501093000/{url}"]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_on_a_tie_the_capture_of_the_url_asked_for_wins(client: TestClient, scheme: str) -> None:
    url = f"{scheme}://police.example.org/press/twin"
    for path in (f"/timegate/{url}", f"/memento/20170501/{url}"):
        answer = client.get(path, headers={"Accept-Datetime": http_date(T0 + timedelta(hours=1))})
        assert answer.headers["location"] == f"http://testserver/memento/20170501093000/{url}", path
    assert f"<p>{url}</p>" in client.get(f"/memento/20170501093000/{url}").text


def test_a_url_only_ever_redirected_still_has_its_timemap(client: TestClient) -> None:
    url = "http://police.example.org/old-marea"
    links = parse_links(client.get(f"/timemap/link/{url}").text)
    assert [uri for uri, _ in by_rel(links, "memento")] == [f"http://testserver/memento/20170501093000/{url}"]
    assert client.get(f"/timegate/{url}").headers["location"].endswith(f"/memento/20170501093000/{url}")


def test_memento_links_survive_quoting() -> None:
    assert urls.memento_url("20170501093000", 'https://x.example/a b"<>') == \
        "/memento/20170501093000/https://x.example/a%20b%22%3C%3E"
    assert urls.timegate_url("https://x.example/ü?q=1&r=é") == "/timegate/https://x.example/%C3%BC?q=1&r=%C3%A9"


def test_document_page_lists_only_the_newest_captures(client: TestClient, built: DocumentArchive,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from pressarchive.web import pages

    monkeypatch.setattr(pages, "CAPTURES_SHOWN", 2)
    section = client.get(f"/doc/{built.ids['avalanche']}").text.split('id="captures-heading"', 1)[1]
    section = section.split("</section>", 1)[0]
    assert len(re.findall(r"<tr>\s*<td", section)) == 2 and "The newest 2 of 3 captures" in section
    assert "/memento/20240101120000/" not in section and "/memento/20240301000000/" in section


def test_an_international_host_round_trips_through_the_apps_own_links(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    writer = RotatingWarcWriter(data.warc_dir)
    url = "https://bücher.example/press/1"
    writer.write(exchange(url, T0, "<p>Bücher</p>".encode()))
    writer.close()
    cdxj.refresh(data)
    [entry] = captures_of(data, url)
    assert urls.timemap_url(entry.url) == "/timemap/link/https://b%C3%BCcher.example/press/1"
    with TestClient(create_app(data), follow_redirects=False) as client:
        for path in (urls.timemap_url(entry.url), urls.timemap_url(entry.url, "json"), urls.timegate_url(entry.url),
                     "/timemap/link/https://xn--bcher-kva.example/press/1"):
            assert client.get(path).status_code in (200, 302), path
        mementos = by_rel(parse_links(client.get(urls.timemap_url(entry.url)).text), "memento")
        page = client.get(mementos[0][0].removeprefix("http://testserver"))
        assert page.status_code == 200 and "Bücher" in page.text
        assert client.get(urls.memento_url(entry.timestamp, entry.url)).status_code == 200
        assert client.get("/timemap/link/https://b%ZZcher.example/press/1").status_code == 400
