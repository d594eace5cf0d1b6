"""Feeds, the saved searches page and its API, on a writable and on a read-only server."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pressarchive.datadir import DataDir, resolve_data_dir
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from pressarchive.web import create_app
from tests.archive_builder import Builder
from tests.web_pages import page, query_of

TOKEN = "saved-searches-test-token"
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = "Kestrel <b>bold</b> & \"co\"\x0b\x01 done"


def _doc(n: int, title: str, language: str = "en", published: date | None = date(2024, 1, 1)) -> Document:
    return Document(
        url=f"https://police.example.org/press/{n}", title=title, text=f"{title}. Arrests in operation Kestrel.",
        language=language, published=published, source="example-police",
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[DataDir, dict[str, int]]:
    data = resolve_data_dir(tmp_path_factory.mktemp("saved") / "data")
    service = ArchiveService(data)
    try:
        builder = Builder(service)
        ids = {
            "old": builder.add(_doc(1, "Kestrel: first arrests", published=date(2023, 5, 1))),
            "new": builder.add(_doc(2, "Kestrel: more arrests", published=date(2024, 2, 1))),
            "es": builder.add(_doc(3, "Operación Kestrel", language="es", published=date(2024, 1, 15))),
            "hostile": builder.add(_doc(4, HOSTILE_TITLE, published=None)),
            "other": builder.add(Document(
                url="https://police.example.org/press/5", title="Lantern", text="Phones seized in Lantern.",
                language="en", published=date(2024, 3, 1), source="example-police",
            )),
        }
        service.index_pending()
    finally:
        service.close()
    return data, ids


@pytest.fixture
def writable(tmp_path: Path, archive: tuple[DataDir, dict[str, int]]) -> Iterator[TestClient]:
    """A writable server over a copy of the archive (each test saves its own searches)."""
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(archive[0].root, root)
    with TestClient(create_app(resolve_data_dir(root), corrections_token=TOKEN)) as client:
        yield client


def feed(client: TestClient, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(root: ET.Element) -> list[dict[str, Any]]:
    found = []
    for entry in root.findall(f"{ATOM}entry"):
        links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
        found.append({
            "id": entry.findtext(f"{ATOM}id"), "title": entry.findtext(f"{ATOM}title"), "links": links,
            "updated": entry.findtext(f"{ATOM}updated"), "published": entry.findtext(f"{ATOM}published"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"), "summary": entry.findtext(f"{ATOM}summary"),
        })
    return found


def test_the_feed_of_a_search_lists_its_newest_matches(client: TestClient, ids: dict[str, int]) -> None:
    root = feed(client, "/feed.atom?q=kestrel&page=3&limit=1")
    assert root.findtext(f"{ATOM}id") == "http://testserver/feed.atom?q=kestrel"  # page and limit do nothing
    assert root.findtext(f"{ATOM}title") == "pressarchive: Query: kestrel"
    assert root.findtext(f"{ATOM}updated", "").endswith("Z")
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["alternate"] == "http://testserver/search?q=kestrel"
    found = entries(root)
    # Newest publication first, whatever page and limit said; the undated one last.
    newest = ("new", "es", "old", "hostile")
    assert [e["id"] for e in found] == [f"http://testserver/doc/{ids[name]}" for name in newest]
    first = found[0]
    assert first["links"]["alternate"] == f"http://testserver/doc/{ids['new']}?version=1"
    assert first["links"]["via"] == "https://police.example.org/press/2"
    assert first["published"] == "2024-02-01T00:00:00Z" and first["updated"].startswith("2024-01-01T12:00")
    assert first["author"] == "example-police" and "Kestrel" in first["summary"]


def test_a_feed_names_itself_under_the_public_address(writable: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSARCHIVE_BASE_URL", "https://archive.example.net/press/")
    root = feed(writable, "/feed.atom?q=kestrel&language=es")
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert root.findtext(f"{ATOM}id") == links["self"] == "https://archive.example.net/press/feed.atom?q=kestrel&language=es"
    assert links["alternate"] == "https://archive.example.net/press/search?q=kestrel&language=es"
    made = writable.post("/api/saved", json={"name": "kestrel es", "params": {"q": "kestrel"}},
                         headers={"Authorization": f"Bearer {TOKEN}"})
    assert made.status_code == 201, made.text
    saved = feed(writable, "/saved/kestrel%20es/feed.atom")
    links = {link.get("rel"): link.get("href") for link in saved.findall(f"{ATOM}link")}
    assert saved.findtext(f"{ATOM}id") == links["self"] == "https://archive.example.net/press/saved/kestrel%20es/feed.atom"


def test_the_feed_takes_every_filter_of_the_search(client: TestClient, ids: dict[str, int]) -> None:
    filtered = feed(client, "/feed.atom?q=kestrel&language=es&sort=date")
    assert filtered.findtext(f"{ATOM}title") == "pressarchive: Query: kestrel; Language: es"
    shown = feed(client, "/feed.atom?q=kestrel&interval=week&collapse=1&since=2024-01-01")
    assert shown.findtext(f"{ATOM}title") == (
        "pressarchive: Query: kestrel; collapse near-duplicates: yes; Published since: 2024-01-01"
    )
    assert [e["id"] for e in entries(filtered)] == [f"http://testserver/doc/{ids['es']}"]
    assert feed(client, "/feed.atom").findtext(f"{ATOM}title") == "pressarchive: newest documents"
    assert [e["title"] for e in entries(feed(client, "/feed.atom?year=2024&until=2024-01-31"))] == ["Operación Kestrel"]
    bad = client.get("/feed.atom?year=abc")
    assert bad.status_code == 400 and "bad year" in bad.text


def test_archived_text_is_escaped_and_stripped_of_what_xml_cannot_hold(client: TestClient) -> None:
    response = client.get("/feed.atom?q=bold")
    assert b"<b>" not in response.content and b"\x0b" not in response.content
    [entry] = entries(ET.fromstring(response.content))
    assert entry["title"] == 'Kestrel <b>bold</b> & "co" done'
    assert entry["published"] is None


def test_the_search_page_links_its_feed_and_the_save_form(client: TestClient) -> None:
    tree = page(client, "/search?q=kestrel&language=en&page=1")
    [alternate] = tree.xpath('//link[@rel="alternate"][@type="application/atom+xml"]/@href')
    [visible] = tree.xpath('//main//a[@type="application/atom+xml"]/@href')
    assert alternate == visible and query_of(visible) == {"q": "kestrel", "language": "en"}
    [save] = tree.xpath('//a[text()="Save this search"]/@href')
    assert save.startswith("/saved?") and query_of(save) == {"q": "kestrel", "language": "en"}


def test_a_read_only_server_shows_no_save_form_and_refuses_saves(client: TestClient) -> None:
    tree = page(client, "/saved?q=kestrel")
    assert tree.xpath("//form[@method='post']") == []
    assert client.post("/saved/x/delete", data={"token": TOKEN}).status_code == 403
    assert "read-only" in tree.text_content()
    refused = client.post("/saved", data={"name": "k", "q": "kestrel", "token": TOKEN})
    assert refused.status_code == 403
    api = client.post("/api/saved", json={"name": "k", "params": {"q": "kestrel"}},
                      headers={"Authorization": f"Bearer {TOKEN}"})
    assert api.status_code == 403 and "read-only" in api.json()["error"]
    assert client.get("/api/saved").json() == {"saved": []}


def test_saving_from_the_page_needs_the_token(writable: TestClient) -> None:
    tree = page(writable, "/saved?q=kestrel&language=es&collapse=1&page=2")
    [form] = tree.xpath("//form[@method='post']")
    hidden = {field.get("name"): field.get("value") for field in form.xpath(".//input[@type='hidden']")}
    assert hidden == {"q": "kestrel", "collapse": "1", "language": "es"}
    assert writable.post("/saved", data={"name": "k", **hidden}).status_code == 401
    assert writable.post("/saved", data={"name": "k", "token": "wrong" * 5, **hidden}).status_code == 401
    done = writable.post("/saved", data={"name": "kestrel es", "token": TOKEN, **hidden}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/saved"
    listing = page(writable, "/saved")
    [row] = listing.xpath("//table[@class='saved-searches']/tbody/tr")
    assert row.xpath("string(th)") == "kestrel es"
    links = dict(zip(row.xpath(".//a/text()"), row.xpath(".//a/@href"), strict=True))
    assert query_of(links["open search"]) == {"q": "kestrel", "collapse": "1", "sort": "relevance", "language": "es"}
    assert links["feed"] == "/saved/kestrel%20es/feed.atom"
    assert [e["title"] for e in entries(feed(writable, links["feed"]))] == ["Operación Kestrel"]

    again = writable.post("/saved", data={"name": "kestrel es", "token": TOKEN, **hidden})
    assert again.status_code == 409 and "already exists" in again.text
    bad = writable.post("/saved", data={"name": "x", "token": TOKEN, "q": '"unclosed'})
    assert bad.status_code == 400 and "bad query" in bad.text

    [delete] = row.xpath(".//form[@method='post']/@action")
    assert delete == "/saved/kestrel%20es/delete"
    assert writable.post(delete, data={"token": "wrong" * 5}).status_code == 401
    gone = writable.post(delete, data={"token": TOKEN}, follow_redirects=False)
    assert gone.status_code == 303 and writable.get("/api/saved").json() == {"saved": []}
    assert writable.post(delete, data={"token": TOKEN}).status_code == 404


def test_the_api_saves_lists_and_deletes(writable: TestClient, ids: dict[str, int]) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    made = writable.post("/api/saved", json={"name": "es", "params": {"q": "kestrel", "language": "es",
                                                                        "collapse": True, "page": 4}}, headers=auth)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["params"] == {"q": "kestrel", "collapse": True, "sort": "relevance", "language": "es"}
    assert body["feed_url"] == "/saved/es/feed.atom" and body["last_alerted_at"] is None
    assert writable.get("/api/saved").json()["saved"] == [body]
    assert writable.get("/api/saved/es").json() == body
    assert writable.get("/api/saved/es/new").json()["new"] == []

    for payload, status, message in (
        ({"name": "es", "params": {}}, 409, "already exists"),
        ({"name": "", "params": {}}, 400, "needs a name"),
        ({"name": "x" * 101, "params": {}}, 400, "too long"),
        ({"name": "tab\tname", "params": {}}, 400, "control characters"),
        ({"name": ".", "params": {}}, 400, "'.' and '..' are not allowed"),
        ({"name": "x", "params": {"colour": "red"}}, 400, "not search parameters: colour"),
        ({"name": "x", "params": {"year": "soon"}}, 400, "bad year 'soon'"),
        ({"name": "x", "params": {"q": "\ud800"}}, 400, "not valid text"),
    ):
        answer = writable.post("/api/saved", content=json.dumps(payload),  # ASCII: a lone surrogate escaped
                               headers={**auth, "Content-Type": "application/json"})
        assert answer.status_code == status and message in answer.json()["error"], (payload, answer.text)
    assert writable.post("/api/saved", json={"name": "y", "params": {}}).status_code == 401
    assert writable.delete("/api/saved/es").status_code == 401

    assert writable.delete("/api/saved/es", headers=auth).json() == {"deleted": "es"}
    assert writable.delete("/api/saved/es", headers=auth).status_code == 404
    assert writable.get("/api/saved/es").status_code == 404
    assert writable.get("/saved/es/feed.atom").status_code == 404


def test_new_since_the_save_over_the_api(writable: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert writable.post("/api/saved", json={"name": "k", "params": {"q": "kestrel"}}, headers=auth).status_code == 201
    service: ArchiveService = writable.app.state.service  # type: ignore[attr-defined]
    doc_id = Builder(service).add(_doc(9, "Kestrel: charges filed", published=date(2024, 4, 1)))
    service.index_pending()
    first = writable.get("/api/saved/k/new").json()
    assert [item["id"] for item in first["new"]] == [doc_id]
    assert first["new"][0]["permalink"] == f"http://testserver/doc/{doc_id}?version=1"
    assert writable.get("/api/saved/k/new").json()["new"] == first["new"], "reading marks nothing"


def test_browsing_everything_can_be_saved_too(writable: TestClient) -> None:
    [save] = page(writable, "/search").xpath('//a[text()="Save this search"]/@href')
    assert save == "/saved?q="
    tree = page(writable, save)
    [form] = tree.xpath("//form[@method='post']")
    assert form.xpath(".//input[@type='hidden']") == [] and "Every document, newest first" in tree.text_content()
    assert page(writable, "/saved").xpath("//form[@method='post']") == [], "the plain page offers nothing to save"
    done = writable.post("/saved", data={"name": "everything", "token": TOKEN}, follow_redirects=False)
    assert done.status_code == 303
    assert writable.get("/api/saved/everything").json()["params"] == {"sort": "date"}


def test_atom_drops_every_character_xml_cannot_carry() -> None:
    from datetime import datetime

    from pressarchive.alerts import Feed, FeedEntry, atom_xml

    dirty = "a\x00b\x08c\ud800d\ufffee\uffff\U0001f600 <x> & é\tf"
    entry = FeedEntry(id="http://h/doc/1", title=dirty, link="http://h/doc/1?version=1&x=<y>",
                      updated=datetime(2024, 1, 2, 3, 4, 5), author=dirty, summary=dirty)
    root = ET.fromstring(atom_xml(Feed(id="http://h/f", title=dirty, self_url="http://h/f",
                                       alternate_url="http://h/s", entries=[entry])))
    clean = "abcde\U0001f600 <x> & é\tf"
    assert root.findtext(f"{ATOM}title") == clean
    assert root.findtext(f"{ATOM}updated") == "2024-01-02T03:04:05Z"
    [item] = root.findall(f"{ATOM}entry")
    assert item.findtext(f"{ATOM}title") == item.findtext(f"{ATOM}summary") == clean
    assert item.findtext(f"{ATOM}author/{ATOM}name") == clean
    assert item.find(f"{ATOM}link").get("href") == "http://h/doc/1?version=1&x=<y>"  # type: ignore[union-attr]
    empty = ET.fromstring(atom_xml(Feed(id="http://h/f", title="t", self_url="http://h/f", alternate_url="http://h/s",
                                        entries=[])))
    assert empty.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00Z" and empty.findall(f"{ATOM}entry") == []
