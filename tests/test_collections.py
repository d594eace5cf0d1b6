"""Collections: the store and service rules, the CLI, the pages and the JSON API with and
without the write token, the token's configuration, and escaping of notes holding markup."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pressarchive.cli.serve_commands import write_token
from pressarchive.collectionservice import CollectionExists, CollectionService
from pressarchive.datadir import DataDir
from pressarchive.errors import NotFound, UserError
from pressarchive.service import ArchiveService
from pressarchive.store import Archive
from pressarchive.web import create_app
from pressarchive.web.writeaccess import TOKEN_ENV
from tests import dossier_archive
from tests.cli_here import run_here
from tests.dossier_archive import HOSTILE
from tests.storebackends import copy_data_dir, data_dir_on
from tests.web_pages import page

TOKEN = "collections-write-token-0123"
MARKUP_NOTE = '<script>alert("note")</script><b>bold?</b> & "quoted"'
Built = tuple[DataDir, dict[str, int]]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, module_store_db: str | None) -> Built:
    data = data_dir_on(tmp_path_factory.mktemp("base") / "data", module_store_db)
    return data, dossier_archive.build(data)


@pytest.fixture()
def archive(base: Built, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Built]:
    """A fresh copy of the base archive (its files and its store) for a test that writes."""
    server = None if base[0].uses_embedded_database else request.getfixturevalue("postgres_server")
    copy = copy_data_dir(base[0], tmp_path / "data", server)
    yield copy, base[1]
    if server is not None:
        server.drop_database(copy.database_url)


@pytest.fixture()
def service(archive: Built) -> Iterator[ArchiveService]:
    opened = ArchiveService(archive[0])
    yield opened
    opened.close()


@pytest.fixture()
def read_only(archive: Built) -> Iterator[TestClient]:
    with TestClient(create_app(archive[0])) as client:
        yield client


@pytest.fixture()
def writable(archive: Built) -> Iterator[TestClient]:
    with TestClient(create_app(archive[0], write_token=TOKEN)) as client:
        yield client


AUTH = {"Authorization": f"Bearer {TOKEN}"}


# -- the service and the store ---------------------------------------------------------------------


def test_a_collection_keeps_documents_in_order_with_notes(service: ArchiveService, archive: Built) -> None:
    ids = archive[1]
    collections: CollectionService = service.collections
    made = collections.create("  Tantalio story ", "the 2017 piece")
    assert made.name == "Tantalio story" and made.documents == 0
    assert collections.add("Tantalio story", [ids["policia"], ids["europol"]], note="first") == [
        ids["policia"], ids["europol"],
    ]
    # Re-adding is not an error: only the new id is new, and the note given replaces both.
    assert collections.add("Tantalio story", [ids["europol"], ids["copy"]], note="second") == [ids["copy"]]
    collections.set_note("Tantalio story", ids["copy"], "the wire copy")
    view = collections.show("Tantalio story")
    # In the order they were added; documents added together by id.
    assert [(i.document_id, i.note) for i in view.items] == [
        (ids["europol"], "second"), (ids["policia"], "first"), (ids["copy"], "the wire copy"),
    ]
    assert view.collection.documents == 3 and view.collection.updated_at >= made.created_at
    assert view.items[0].title == "38 arrested in Operation Tantalio" and view.items[0].version == 1
    item = view.to_json(base_url="https://archive.example.org/")["items"][1]
    assert item["permalink"] == f"https://archive.example.org/doc/{ids['policia']}?version=1"
    assert item["published"] == "2017-04-11" and item["source"] == "policia"

    collections.create("Other")
    collections.add("Other", [ids["europol"]])
    held = collections.containing(ids["europol"])
    assert [(m.collection.name, m.note) for m in held] == [("Other", ""), ("Tantalio story", "second")]
    assert collections.containing(ids["safe"]) == []

    assert collections.remove("Tantalio story", [ids["europol"]]) == [ids["europol"]]
    assert [m.collection.name for m in collections.containing(ids["europol"])] == ["Other"]
    gone = collections.delete("Tantalio story")
    assert gone.documents == 2
    assert [c.name for c in collections.listing()] == ["Other"]
    assert service.archive.get_document(ids["policia"]) is not None  # the documents stay


def test_bad_input_changes_nothing(service: ArchiveService, archive: Built) -> None:
    ids = archive[1]
    collections = service.collections
    collections.create("Story")
    with pytest.raises(CollectionExists, match="a collection named 'Story' already exists") as exists:
        collections.create("Story")
    assert exists.value.status_code == 409
    for bad, message in [("", "needs a name"), ("a/b", "'/' is not allowed"), ("x" * 101, "too long"),
                         ("tab\there", "control characters"), ("rtl\u202eoverride", "format characters"),
                         (".", "'.' and '..' are not allowed"), ("..", "'.' and '..' are not allowed")]:
        with pytest.raises(UserError, match=message):
            collections.create(bad)
    with pytest.raises(NotFound, match="no document with id 99999$"):
        collections.add("Story", [ids["europol"], 99999])
    with pytest.raises(NotFound, match="no documents with ids 0, 99999"):
        collections.add("Story", [0, 99999])
    assert collections.show("Story").items == []  # all or nothing
    with pytest.raises(NotFound, match="no collection named 'Stroy'; did you mean 'Story'"):
        collections.add("Stroy", [ids["europol"]])
    collections.add("Story", [ids["europol"]])
    with pytest.raises(NotFound, match=f"documents {ids['copy']}, {ids['safe']} are not in collection 'Story'"):
        collections.remove("Story", [ids["europol"], ids["copy"], ids["safe"]])
    with pytest.raises(NotFound, match=f"document {ids['copy']} is not in collection"):
        collections.set_note("Story", ids["copy"], "x")
    with pytest.raises(UserError, match="note too long"):
        collections.set_note("Story", ids["europol"], "x" * 4001)
    with pytest.raises(UserError, match="bad note: it may not hold control characters"):
        collections.add("Story", [ids["europol"]], note="\x1b[31mred")
    assert [i.document_id for i in collections.show("Story").items] == [ids["europol"]]


def test_an_older_archive_gains_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite"
    Archive(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE collection_items")
        db.execute("DROP TABLE collections")
        db.execute("DROP TABLE alembic_version")  # as before migrations: no revision
    archive = Archive(f"sqlite:///{path}")
    try:
        assert archive.list_collections() == []
    finally:
        archive.close()


# -- the CLI ----------------------------------------------------------------------------------------


def test_cli_builds_and_shows_a_collection(
    capsys: pytest.CaptureFixture[str], archive: Built, monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, ids = archive
    monkeypatch.setenv("PRESSARCHIVE_BASE_URL", "https://archive.example.org")
    assert run_here(capsys, data.root, "collection", "create", "Story", "--description", "a piece")[:2] == (
        0, "created collection 'Story'\n",
    )
    code, out, _ = run_here(capsys, data.root, "collection", "add", "Story", str(ids["europol"]),
                            str(ids["italian"]), "--note", MARKUP_NOTE)
    assert code == 0 and out == "added 2 documents to 'Story'\n"
    assert run_here(capsys, data.root, "collection", "note", "Story", str(ids["italian"]), "plain")[0] == 0
    code, out, _ = run_here(capsys, data.root, "collection", "show", "Story", "--json")
    import json

    shown = json.loads(out)
    assert [(i["document_id"], i["note"]) for i in shown["items"]] == [
        (ids["europol"], MARKUP_NOTE), (ids["italian"], "plain"),
    ]
    assert shown["items"][0]["permalink"] == f"https://archive.example.org/doc/{ids['europol']}?version=1"
    code, out, _ = run_here(capsys, data.root, "collection", "show", "Story")
    assert code == 0 and MARKUP_NOTE in out and HOSTILE in out and "a piece" in out
    code, out, _ = run_here(capsys, data.root, "collection", "list", "--json")
    assert json.loads(out)["collections"][0] | {"created_at": "", "updated_at": ""} == {
        "name": "Story", "description": "a piece", "documents": 2, "created_at": "", "updated_at": "",
    }
    code, out, _ = run_here(capsys, data.root, "collection", "list", "--document", str(ids["italian"]))
    assert code == 0 and out == "Story: plain\n"
    assert run_here(capsys, data.root, "collection", "remove", "Story", str(ids["italian"]))[1] == (
        "removed 1 document from 'Story'\n"
    )
    deleted = run_here(capsys, data.root, "collection", "delete", "Story")
    assert deleted[1] == "deleted collection 'Story' (1 document)\n"
    assert run_here(capsys, data.root, "collection", "list")[1].startswith("no collections yet")


@pytest.mark.parametrize(("args", "code", "message"), [
    (("collection", "add", "Story", "424242"), 1, "error: no document with id 424242"),
    (("collection", "add", "Nope", "1"), 1, "error: no collection named 'Nope'"),
    (("collection", "show", "Nope"), 1, "error: no collection named 'Nope'"),
    (("collection", "remove", "Story", "1"), 1, "error: document 1 is not in collection 'Story'"),
    (("collection", "create", "Story"), 1, "error: a collection named 'Story' already exists"),
    (("collection", "create", "a/b"), 1, "error: bad collection name 'a/b'"),
    (("collection", "create", ".."), 1, "error: bad collection name '..': '.' and '..' are not allowed"),
    (("collection", "add", "Story", "one"), 2, "error: Invalid value for 'DOC_ID...'"),
    (("collection", "list", "--document", "424242"), 1, "error: no document with id 424242"),
    # Bytes that are not UTF-8 on a command line arrive as lone surrogates, which SQLite cannot take.
    (("collection", "show", "\udcff"), 1, "error: no collection named '\\udcff'"),
    (("collection", "create", "\udcff"), 1, "error: bad collection name '\\udcff'"),
    (("collection", "add", "Story", "1", "--note", "\udcffx"), 1, "error: bad note: it may not hold"),
])
def test_cli_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], archive: Built, args: tuple[str, ...], code: int, message: str,
) -> None:
    assert run_here(capsys, archive[0].root, "collection", "create", "Story")[0] == 0
    got, out, err = run_here(capsys, archive[0].root, *args)
    assert got == code and out == ""
    assert err.startswith(message) and err.count("\n") == 1


# -- the web face, read-only --------------------------------------------------------------------------


def test_read_only_pages_list_collections_and_say_how_to_write(
    service: ArchiveService, archive: Built, read_only: TestClient,
) -> None:
    ids = archive[1]
    service.collections.create("Story", MARKUP_NOTE)
    service.collections.add("Story", [ids["italian"]], note=MARKUP_NOTE)
    tree = page(read_only, "/collections")
    assert tree.cssselect("nav a[href='/collections']")
    assert [a.text_content() for a in tree.cssselect("table.collections th a")] == ["Story"]
    assert not tree.cssselect("form") and "--write-token-file" in tree.text_content()
    tree = page(read_only, "/collections/Story")
    assert tree.cssselect(".collection-item .collection-note")[0].text_content() == MARKUP_NOTE
    assert tree.cssselect(".collection-item a")[0].text_content() == f"{HOSTILE} Operazione Tantalio"
    assert tree.cssselect("a.permalink")[0].get("href") == f"/doc/{ids['italian']}?version=1"
    assert not tree.cssselect("form")
    tree = page(read_only, f"/doc/{ids['italian']}")
    panel = tree.cssselect("section#collections")[0]
    assert [a.get("href") for a in panel.cssselect(".memberships a")] == ["/collections/Story"]
    assert panel.cssselect(".collection-note")[0].text_content() == MARKUP_NOTE
    assert not panel.cssselect("form") and "PRESSARCHIVE_WRITE_TOKEN" in panel.text_content()
    page(read_only, "/collections/Nope", status=404)


def test_markup_in_notes_is_text(service: ArchiveService, archive: Built, read_only: TestClient) -> None:
    service.collections.create("Story", MARKUP_NOTE)
    service.collections.add("Story", [archive[1]["italian"]], note=MARKUP_NOTE)
    for url in ("/collections", "/collections/Story", f"/doc/{archive[1]['italian']}"):
        html = read_only.get(url).text
        assert "<script>" not in html and "<b>bold?</b>" not in html
        assert "&lt;script&gt;alert(" in html


def test_read_only_api_reads_and_refuses_writes(service: ArchiveService, archive: Built, read_only: TestClient) -> None:
    ids = archive[1]
    service.collections.create("Story")
    service.collections.add("Story", [ids["europol"]], note="n")
    assert read_only.get("/api/collections").json()["collections"][0]["documents"] == 1
    shown = read_only.get("/api/collections/Story").json()
    assert shown["items"][0]["permalink"] == f"http://testserver/doc/{ids['europol']}?version=1"
    assert read_only.get(f"/api/doc/{ids['europol']}/collections").json()["collections"][0]["note"] == "n"
    for method, url, body in [
        ("POST", "/api/collections", {"name": "New"}),
        ("POST", "/api/collections/Story/items", {"document_id": ids["copy"]}),
        ("PATCH", f"/api/collections/Story/items/{ids['europol']}", {"note": "x"}),
        ("DELETE", f"/api/collections/Story/items/{ids['europol']}", None),
        ("DELETE", "/api/collections/Story", None),
    ]:
        response = read_only.request(method, url, json=body, headers=AUTH)
        assert response.status_code == 403, (method, url)
        assert "read-only" in response.json()["error"] and "--write-token-file" in response.json()["error"]
    forged = read_only.post(f"/doc/{ids['copy']}/collections", data={"collection": "Story", "token": TOKEN})
    assert forged.status_code == 403
    assert [i.document_id for i in service.collections.show("Story").items] == [ids["europol"]]


# -- the web face with the write token ----------------------------------------------------------------


def test_api_writes_need_the_token(archive: Built, writable: TestClient) -> None:
    ids = archive[1]
    assert writable.post("/api/collections", json={"name": "Story"}).status_code == 401
    wrong = writable.post("/api/collections", json={"name": "Story"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "a valid write token is required"
    made = writable.post("/api/collections", json={"name": "Story", "description": "d"}, headers=AUTH)
    assert made.status_code == 201 and made.json()["name"] == "Story"
    again = writable.post("/api/collections", json={"name": "Story"}, headers=AUTH)
    assert again.status_code == 409 and again.json()["error"] == "a collection named 'Story' already exists"
    bad = writable.post("/api/collections", json={"name": "a/b"}, headers=AUTH)
    assert bad.status_code == 400 and bad.json()["error"].startswith("bad collection name 'a/b'")
    dots = writable.post("/api/collections", json={"name": ".."}, headers=AUTH)
    assert dots.status_code == 400 and dots.json()["error"].startswith("bad collection name '..'")

    added = writable.post("/api/collections/Story/items", json={"document_id": ids["europol"], "note": "n"},
                          headers=AUTH)
    assert added.status_code == 201
    assert added.json() | {"added_at": ""} == {
        "collection": "Story", "document_id": ids["europol"], "title": "38 arrested in Operation Tantalio",
        "source": "europol", "published": "2017-04-12", "version": 1, "note": "n", "added_at": "",
        "url": "https://europol.example.eu/news/tantalio",
        "permalink": f"http://testserver/doc/{ids['europol']}?version=1",
    }
    kept = writable.post("/api/collections/Story/items", json={"document_id": ids["europol"]}, headers=AUTH)
    assert kept.status_code == 200 and kept.json()["note"] == "n"
    unknown = writable.post("/api/collections/Story/items", json={"document_id": 424242}, headers=AUTH)
    assert unknown.status_code == 404 and unknown.json()["error"] == "no document with id 424242"
    assert writable.post("/api/collections/Nope/items", json={"document_id": ids["europol"]},
                         headers=AUTH).status_code == 404
    for method in ("PATCH", "PUT"):
        changed = writable.request(method, f"/api/collections/Story/items/{ids['europol']}",
                                   json={"note": method}, headers=AUTH)
        assert changed.status_code == 200 and changed.json()["note"] == method
    absent = writable.patch(f"/api/collections/Story/items/{ids['copy']}", json={"note": "x"}, headers=AUTH)
    assert absent.status_code == 404
    assert writable.delete(f"/api/collections/Story/items/{ids['europol']}", headers=AUTH).json() == {
        "collection": "Story", "removed": ids["europol"],
    }
    assert writable.delete(f"/api/collections/Story/items/{ids['europol']}", headers=AUTH).status_code == 404
    assert writable.delete("/api/collections/Story", headers=AUTH).json() == {"deleted": "Story", "documents": 0}
    assert writable.get("/api/collections/Story").status_code == 404


def test_document_page_form_adds_to_an_existing_or_new_collection(archive: Built, writable: TestClient) -> None:
    ids = archive[1]
    doc = ids["italian"]
    tree = page(writable, f"/doc/{doc}")
    form = tree.cssselect("section#collections form")[0]
    assert form.get("action") == f"/doc/{doc}/collections" and form.cssselect("input[name=token]")
    assert form.cssselect("input[name=new_name][required]")  # no collection yet: only a new one
    forged = writable.post(f"/doc/{doc}/collections", data={"new_name": "Story"}, follow_redirects=False)
    assert forged.status_code == 401
    done = writable.post(f"/doc/{doc}/collections", data={"new_name": "Story", "note": MARKUP_NOTE, "token": TOKEN},
                         follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/doc/{doc}#collections"
    writable.post(f"/doc/{doc}/collections", data={"new_name": "Second", "token": TOKEN})
    tree = page(writable, f"/doc/{doc}")
    assert [o.get("value") for o in tree.cssselect("section#collections select option")] == ["Second", "Story"]
    done = writable.post(f"/doc/{ids['europol']}/collections",
                         data={"collection": "Story", "new_name": "", "note": "two", "token": TOKEN},
                         follow_redirects=False)
    assert done.status_code == 303
    tree = page(writable, "/collections/Story")
    assert [n.text_content() for n in tree.cssselect(".collection-item > .collection-note")] == [MARKUP_NOTE, "two"]
    empty = writable.post(f"/doc/{doc}/collections", data={"collection": "", "token": TOKEN})
    assert empty.status_code == 400 and "choose a collection or name a new one" in empty.text


def test_collection_page_forms_change_and_remove(service: ArchiveService, archive: Built, writable: TestClient) -> None:
    ids = archive[1]
    service.collections.create("Story")
    service.collections.add("Story", [ids["europol"], ids["copy"]], note="old")
    tree = page(writable, "/collections/Story")
    assert len(tree.cssselect(".collection-item form")) == 4
    url = f"/collections/Story/items/{ids['europol']}"
    assert writable.post(url, data={"action": "note", "note": "new"}, follow_redirects=False).status_code == 401
    done = writable.post(url, data={"action": "note", "note": "new", "token": TOKEN}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/collections/Story"
    writable.post(f"/collections/Story/items/{ids['copy']}", data={"action": "remove", "token": TOKEN})
    view = service.collections.show("Story")
    assert [(i.document_id, i.note) for i in view.items] == [(ids["europol"], "new")]
    created = writable.post("/collections", data={"name": "Fresh", "description": "d", "token": TOKEN},
                            follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"] == "/collections/Fresh"


def test_openapi_documents_the_collection_routes(read_only: TestClient) -> None:
    paths = read_only.get("/openapi.json").json()["paths"]
    assert set(paths["/api/collections"]) == {"get", "post"}
    assert set(paths["/api/collections/{name}"]) == {"get", "delete"}
    assert set(paths["/api/collections/{name}/items/{doc_id}"]) == {"patch", "put", "delete"}
    assert "/api/doc/{doc_id}/collections" in paths


# -- the write token ----------------------------------------------------------------------------------


def test_write_token_from_a_file_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert write_token(None, None) is None
    monkeypatch.setenv(TOKEN_ENV, f" {TOKEN} ")
    assert write_token(None, None) == TOKEN
    token_file = tmp_path / "token"
    token_file.write_text("from-the-file-0123456789\n")
    assert write_token(token_file, None) == "from-the-file-0123456789"  # the command line wins
    assert write_token(None, token_file) == "from-the-file-0123456789"  # the deprecated name still works
    with pytest.raises(UserError, match="give --write-token-file only"):
        write_token(token_file, token_file)
    monkeypatch.setenv(TOKEN_ENV, "short")
    with pytest.raises(UserError, match=r"\$PRESSARCHIVE_WRITE_TOKEN is shorter than 16 characters"):
        write_token(None, None)


def test_serve_refuses_a_short_token_in_the_environment(
    capsys: pytest.CaptureFixture[str], base: Built, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "short")
    code, out, err = run_here(capsys, base[0].root, "serve")
    assert code == 1 and out == ""
    assert err == "error: $PRESSARCHIVE_WRITE_TOKEN is shorter than 16 characters\n"


# -- exports -----------------------------------------------------------------------------------------


def test_a_collection_exports_like_a_search_with_its_notes(
    capsys: pytest.CaptureFixture[str], archive: Built, service: ArchiveService, read_only: TestClient,
) -> None:
    import csv
    import io
    import json

    data, ids = archive
    service.collections.create("Story")
    service.collections.add("Story", [ids["italian"]], note="=HYPERLINK(\"x\")")
    service.collections.add("Story", [ids["europol"]], note="first figure")
    code, out, _ = run_here(capsys, data.root, "export", "--collection", "Story", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [(r["document_id"], r["note"]) for r in rows] == [
        (ids["italian"], "=HYPERLINK(\"x\")"), (ids["europol"], "first figure"),
    ]
    assert rows[0]["warc_file"] and rows[0]["payload_sha256"] and rows[0]["permalink"].endswith("?version=1")
    response = read_only.get("/api/collections/Story/export?format=csv")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["note"] for row in table] == ["'=HYPERLINK(\"x\")", "first figure"], "formula-safe like a search"
    assert list(table[0])[-1] == "note"
    assert read_only.get("/api/collections/Nope/export").status_code == 404
    assert read_only.get("/api/collections/Story/export?format=xml").status_code == 400
    code, _, err = run_here(capsys, data.root, "export", "kestrel", "--collection", "Story")
    assert code == 1 and err.startswith("error: export either a search")
    # The timeline's interval says how hits are shown, not which: it does not make a search.
    code, out, err = run_here(capsys, data.root, "export", "--collection", "Story", "--interval", "week",
                              "--format", "jsonl")
    assert (code, err) == (0, "") and len(out.splitlines()) == 2
