"""Operations on the web: the JSON API (list, dossier, CSV, corrections with and without a
token), the list and dossier pages, links from documents and the operation facet, escaping."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from pressarchive.datadir import DataDir
from pressarchive.web import create_app, urls
from pressarchive.web.writeaccess import read_token_file
from tests import dossier_archive
from tests.cli_here import run_here
from tests.dossier_archive import HOSTILE, POLICIA_QUOTE
from tests.web_pages import page

TOKEN = "correct-horse-battery-staple-42"
Built = tuple[DataDir, dict[str, int]]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Built:
    data = DataDir(tmp_path_factory.mktemp("data"))
    return data, dossier_archive.build(data)


@pytest.fixture()
def writable(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, int]]]:
    data = DataDir(tmp_path / "data")
    ids = dossier_archive.build(data)
    with TestClient(create_app(data, corrections_token=TOKEN)) as client:
        yield client, ids


# -- JSON API -------------------------------------------------------------------------------------


def test_api_operations_and_dossier(client: TestClient) -> None:
    listed = client.get("/api/operations").json()["operations"]
    assert [op["name"] for op in listed][0] == "Tantalio"
    response = client.get("/api/operations/Operaci%C3%B3n%20TANTALIO")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Tantalio" and data["disagreements"] == ["arrested"]
    assert data["counts"] == {"documents": 4, "reports": 3, "sources": 4, "undated": 0}


def test_api_unknown_operation_is_a_404_with_suggestions(client: TestClient) -> None:
    response = client.get("/api/operations/Tantalo")
    assert response.status_code == 404
    expected = "no operation named 'Tantalo' in the archive; did you mean 'Tantalio', 'Tantalium'?"
    assert response.json()["error"] == expected


@pytest.mark.parametrize("url", ["/api/operations/tantalio/figures.csv", "/api/operations/tantalio?format=csv"])
def test_api_csv_is_formula_safe(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert any(row["quote"] == POLICIA_QUOTE for row in rows)
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row.values())


def test_openapi_documents_the_operation_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/api/operations/{name}"]["get"]["description"].startswith("Every current document")
    assert "/api/operations/{name}/figures.csv" in paths
    assert "/api/corrections/merge-operation" in paths


def test_api_writes_are_refused_without_a_token(client: TestClient) -> None:
    body = {"old": "Tantalium", "new": "Tantalio", "author": "a", "reason": "b"}
    response = client.post("/api/corrections/merge-operation", json=body)
    assert response.status_code == 403 and "read-only" in response.json()["error"]
    assert client.get("/api/corrections").json() == {"corrections": []}


def test_api_writes_with_the_token(writable: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = writable
    body = {"old": "Tantalium", "new": "Tantalio", "author": "Ana", "reason": "same operation"}
    assert client.post("/api/corrections/merge-operation", json=body).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post("/api/corrections/merge-operation", json=body, headers=wrong).status_code == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = client.post("/api/corrections/merge-operation", json=body, headers=auth)
    assert response.status_code == 201, response.text
    assert ids["portuguese"] in {d["id"] for d in client.get("/api/operations/tantalio").json()["documents"]}
    reject = {"document_id": ids["policia"], "kind": "arrested", "value": 39, "author": "Ana", "reason": "typo"}
    assert client.post("/api/corrections/reject-figure", json=reject, headers=auth).status_code == 201
    arrested = client.get("/api/operations/tantalio").json()["figures"][0]
    conflicting = {c[side]["value"] for c in arrested["conflicts"] for side in "ab"}
    assert 39 not in conflicting and {4, 38} <= conflicting  # the merged Portuguese count (4) stays
    bad = {**reject, "kind": "eaten"}
    response = client.post("/api/corrections/reject-figure", json=bad, headers=auth)
    assert response.status_code == 400 and "kind" in response.json()["error"]
    withdrawn = client.post("/api/corrections/1/withdraw", json={"author": "Ana"}, headers=auth)
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_by"] == "Ana"


# -- pages ----------------------------------------------------------------------------------------


def test_operations_page_links_to_dossiers(client: TestClient) -> None:
    tree = page(client, "/operations")
    links = {a.text_content(): a.get("href") for a in tree.cssselect("table.operations th a")}
    assert links["Tantalio"] == "/operations/Tantalio"
    assert tree.cssselect("nav a[href='/operations']")


def test_dossier_page_shows_disagreement_quotes_and_csv_link(client: TestClient) -> None:
    tree = page(client, "/operations/tantalio")
    assert tree.cssselect("h1")[0].text_content() == "Operation Tantalio"
    flagged = tree.cssselect(".figure-kind.disagreement")
    assert len(flagged) == 1 and "sources disagree" in flagged[0].text_content()
    quotes = [q.text_content() for q in tree.cssselect(".figure-kind q")]
    assert POLICIA_QUOTE in quotes and f"{HOSTILE} almeno 30 arresti." in quotes
    assert tree.cssselect(f"a[href='{urls.api_operation_csv_url('Tantalio')}']")
    assert "read-only" in tree.cssselect("#correct-heading")[0].getparent().text_content()
    assert not tree.cssselect("form.correction")


def test_dossier_page_escapes_hostile_titles_and_quotes(client: TestClient) -> None:
    html = client.get("/operations/tantalio").text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_dossier_page_is_a_404_page(client: TestClient) -> None:
    tree = page(client, "/operations/%3Cscript%3E", status=404)
    assert "no operation named '<script>'" in tree.cssselect(".error")[0].text_content()


def test_document_page_and_facet_link_to_the_dossier(client: TestClient, ids: dict[str, int]) -> None:
    tree = page(client, f"/doc/{ids['policia']}")
    assert [a.get("href") for a in tree.cssselect("a.operation-dossier")] == ["/operations/Tantalio"]
    search = page(client, "/search?q=tantalio")
    facet_links = [unquote(a.get("href")) for a in search.cssselect(".facet a.operation-dossier")]
    assert "/operations/Tantalio" in facet_links
    assert page(client, facet_links[0]).cssselect("h1")


def test_web_form_corrections_need_the_token(writable: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = writable
    tree = page(client, "/operations/tantalium")
    assert len(tree.cssselect("form.correction")) == 3
    form = {"action": "merge", "new": "Tantalio", "by": "Ana", "why": "same operation"}
    forged = client.post("/operations/Tantalium/corrections", data=form, follow_redirects=False)
    assert forged.status_code == 401  # a cross-site form cannot know the token
    done = client.post("/operations/Tantalium/corrections", data={**form, "token": TOKEN}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/operations/Tantalio"
    tree = page(client, "/operations/Tantalio")
    assert "Tantalium" in tree.cssselect("ul.aliases")[0].text_content()
    listed = {a.get("href") for a in tree.cssselect("ol.documents a")}
    assert f"/doc/{ids['portuguese']}" in listed


def test_token_file_must_hold_a_long_token(tmp_path: Path) -> None:
    short = tmp_path / "short"
    short.write_text("abc\n")
    with pytest.raises(Exception, match="shorter than 16"):
        read_token_file(short)
    good = tmp_path / "good"
    good.write_text(f"  {TOKEN}\n")
    assert read_token_file(good) == TOKEN


@pytest.mark.parametrize(("content", "message"), [
    (None, "error: cannot read the write token file"),
    ("short", "error: the write token in"),
])
def test_serve_refuses_an_unusable_token_file(
    capsys: pytest.CaptureFixture[str], archive: Built, tmp_path: Path, content: str | None, message: str,
) -> None:
    token_file = tmp_path / "token"
    if content is not None:
        token_file.write_text(content)
    code, out, err = run_here(capsys, archive[0].root, "serve", "--write-token-file", str(token_file))
    assert code == 1 and out == ""
    assert err.startswith(message) and err.count("\n") == 1
