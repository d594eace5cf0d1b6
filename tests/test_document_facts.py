"""A document's own faces (its page, ``/api/doc/{id}``, ``show`` and ``show --json``) list the
countries and agencies its text names and the figures it reports, with hand corrections
applied: a rejected figure struck out, an added one marked, each with who, when and why.
Quotes are archived text: hostile markup in them reaches the page escaped and the terminal
as plain characters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pressarchive.datadir import DataDir
from pressarchive.record import Document, Figure
from pressarchive.service import ArchiveService
from pressarchive.web import create_app
from tests.archive_builder import Builder
from tests.cli_here import run_here
from tests.web_pages import page, query_of

SCRIPT = "<script>alert(1)</script>"
ARRESTS = "The National Police arrested 39 people in Spain and Portugal."
HOSTILE = f'Officers seized 12 "devices" {SCRIPT} & [bold red]phones[/] <b>x</b>.'
WRONG = "Europol supported the 2 countries' investigators."
ADDED_QUOTE = "Three victims were safeguarded."
REJECTER = {"author": "Ana <i>Researcher</i>", "reason": "the 2 is a date, not countries"}
ADDER = {"author": "Ben Checker", "reason": "the extractor missed the victims"}


def _document() -> Document:
    text = f"{ARRESTS} {HOSTILE} {WRONG} {ADDED_QUOTE}"
    return Document(
        url="https://policia.example.es/prensa/tantalio", title="Operación Tantalio",
        text=text, language="en", published=date(2017, 5, 18), operations=("Tantalio",),
        source="policia-es", countries=("ES", "PT"), agencies=("policia-nacional", "europol"),
        figures=(
            Figure("arrested", 39, sentence=ARRESTS),
            Figure("devices", 12, qualifier="at_least", sentence=HOSTILE),
            Figure("countries", 2, sentence=WRONG),
        ),
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[DataDir, dict[str, int]]:
    """One document with countries, agencies and figures, one figure rejected and one added
    by hand; and one document with none."""
    data = DataDir(tmp_path_factory.mktemp("data"))
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("policia-es", agency="Policía Nacional", country="ES", language="es")
        builder = Builder(service)
        doc_id = builder.add(_document())
        bare = builder.add(Document(
            url="https://policia.example.es/prensa/nada", title="Nothing to report",
            text="A quiet day.", language="en", published=date(2017, 6, 1), source="policia-es",
        ))
        service.dossiers.reject_figure(doc_id, "countries", 2, "investigators", **REJECTER)
        service.dossiers.add_figure(
            doc_id, "victims_safeguarded", 3, qualifier="exact", quote=ADDED_QUOTE, **ADDER,
        )
        service.index_pending()
    finally:
        service.close()
    return data, {"doc": doc_id, "bare": bare}


@pytest.fixture(scope="module")
def client(archive: tuple[DataDir, dict[str, int]]) -> Iterator[TestClient]:
    with TestClient(create_app(archive[0])) as test_client:
        yield test_client


def _by_kind(figures: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {figure["kind"]: figure for figure in figures}


def _check_facts_json(payload: dict[str, Any]) -> None:
    assert payload["countries"] == ["ES", "PT"]
    assert payload["country_names"] == {"ES": "Spain", "PT": "Portugal"}
    assert payload["agencies"] == ["policia-nacional", "europol"]
    assert payload["agency_names"]["europol"] == "Europol"
    assert "Polic" in payload["agency_names"]["policia-nacional"]
    assert payload["facts_extracted"] is True
    figures = _by_kind(payload["figures"])
    assert list(figures) == ["arrested", "devices", "countries", "victims_safeguarded"]
    assert figures["arrested"] == {
        "kind": "arrested", "value": 39, "qualifier": "exact", "unit": "", "quote": ARRESTS,
        "status": "extracted", "corrected": False, "correction": None,
    }
    assert figures["devices"]["qualifier"] == "at_least" and figures["devices"]["quote"] == HOSTILE
    rejected = figures["countries"]
    assert rejected["status"] == "rejected" and rejected["corrected"] is True
    assert rejected["correction"]["by"] == REJECTER["author"]
    assert rejected["correction"]["why"] == REJECTER["reason"]
    assert datetime.fromisoformat(rejected["correction"]["at"].rstrip("Z")).year >= 2024
    added = figures["victims_safeguarded"]
    assert (added["status"], added["value"], added["quote"]) == ("added", 3, ADDED_QUOTE)
    assert added["correction"]["by"] == ADDER["author"]


# -- JSON: the API and show --json are one shape --------------------------------------------------


def test_api_doc_lists_facts_and_corrected_figures(
    client: TestClient, archive: tuple[DataDir, dict[str, int]],
) -> None:
    response = client.get(f"/api/doc/{archive[1]['doc']}")
    assert response.status_code == 200
    payload = response.json()
    _check_facts_json(payload)
    assert "copies" in payload and payload["versions"][0]["number"] == 1  # still the whole document


def test_show_json_is_the_api_shape(
    client: TestClient, archive: tuple[DataDir, dict[str, int]], capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_here(capsys, archive[0].root, "show", str(archive[1]["doc"]), "--json")
    assert code == 0, err
    shown = json.loads(out)
    _check_facts_json(shown)
    assert shown == client.get(f"/api/doc/{archive[1]['doc']}").json()


def test_document_without_facts_says_none(client: TestClient, archive: tuple[DataDir, dict[str, int]]) -> None:
    payload = client.get(f"/api/doc/{archive[1]['bare']}").json()
    assert (payload["countries"], payload["agencies"], payload["figures"]) == ([], [], [])
    assert payload["facts_extracted"] is True
    tree = page(client, f"/doc/{archive[1]['bare']}")
    assert "No figures recognised" in tree.xpath("string(//section[@class='figures'])")
    assert tree.xpath("string(//dd[@class='countries'])") == "none recognised"


def test_unknown_document_is_a_404_in_json(client: TestClient) -> None:
    response = client.get("/api/doc/999999")
    assert response.status_code == 404 and "error" in response.json()


# -- the page -------------------------------------------------------------------------------------


def test_page_links_countries_and_agencies_to_filtered_searches(
    client: TestClient, archive: tuple[DataDir, dict[str, int]],
) -> None:
    tree = page(client, f"/doc/{archive[1]['doc']}")
    countries = tree.xpath("//dd[@class='countries']/a")
    assert [a.text for a in countries] == ["Spain", "Portugal"]
    assert [query_of(a.get("href")) for a in countries] == [{"country": "ES"}, {"country": "PT"}]
    agencies = tree.xpath("//dd[@class='agencies']/a")
    assert [query_of(a.get("href")) for a in agencies] == [{"agency": "policia-nacional"}, {"agency": "europol"}]
    assert agencies[1].text == "Europol"


def test_page_shows_figures_with_corrections(client: TestClient, archive: tuple[DataDir, dict[str, int]]) -> None:
    tree = page(client, f"/doc/{archive[1]['doc']}")
    rows = tree.xpath("//section[@class='figures']//tbody/tr")
    cells = [[" ".join(cell.text_content().split()) for cell in row.xpath("th|td")] for row in rows]
    assert [row.get("class") for row in rows] == ["extracted", "extracted", "rejected", "added"]
    assert cells[0][:3] == ["arrested", "39", ARRESTS] and cells[0][3] == ""
    assert cells[1][:2] == ["devices", "at least 12"]
    assert rows[2].xpath("string(td[1]/del)") == "2"  # the rejected figure is struck out
    assert cells[2][3].startswith(f"rejected by {REJECTER['author']}, ")
    assert cells[2][3].endswith(REJECTER["reason"])
    assert rows[3].xpath("td[1]/del") == []
    assert cells[3][:3] == ["victims safeguarded", "3", ADDED_QUOTE]
    assert cells[3][3].startswith("added by Ben Checker, ") and cells[3][3].endswith(ADDER["reason"])
    assert rows[2].xpath("td[3]//time/@datetime")  # when, machine-readable


def test_hostile_quote_and_author_are_escaped(client: TestClient, archive: tuple[DataDir, dict[str, int]]) -> None:
    html = client.get(f"/doc/{archive[1]['doc']}").text
    assert SCRIPT not in html and "<b>x</b>" not in html and "<i>Researcher</i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    tree = page(client, f"/doc/{archive[1]['doc']}")
    quote = tree.xpath("//section[@class='figures']//tbody/tr[2]/td[2]/q")[0]
    assert quote.text == HOSTILE and quote.get("lang") == "en"  # shown as text, whole
    assert tree.xpath("//section[@class='figures']//script | //section[@class='figures']//b") == []


# -- show, as text --------------------------------------------------------------------------------


def test_show_prints_facts_and_figures(
    archive: tuple[DataDir, dict[str, int]], capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_here(capsys, archive[0].root, "show", str(archive[1]["doc"]))
    assert code == 0, err
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "countries Spain (ES), Portugal (PT)" in lines
    agencies = next(line for line in lines if line.startswith("agencies "))
    assert agencies.endswith("Europol (europol)") and "(policia-nacional)" in agencies
    figures = lines[lines.index("figures 4") + 1:][:4]
    assert figures[0] == f"arrested 39 {ARRESTS!r}"
    assert figures[1] == " ".join(f"devices ≥12 {HOSTILE!r}".split())  # rich markup printed as typed
    assert figures[2].startswith(f"countries 2 [rejected by {REJECTER['author']} on ")
    assert f": {REJECTER['reason']}] " in figures[2]
    assert figures[3].startswith("victims_safeguarded 3 [added by Ben Checker on ")
    assert figures[3].endswith(repr(ADDED_QUOTE))


def test_show_of_a_bare_document_says_none(
    archive: tuple[DataDir, dict[str, int]], capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _err = run_here(capsys, archive[0].root, "show", str(archive[1]["bare"]))
    assert code == 0
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert {"countries —", "agencies —", "figures —"} <= set(lines)


def test_show_of_a_missing_document_is_one_error_line(
    archive: tuple[DataDir, dict[str, int]], capsys: pytest.CaptureFixture[str],
) -> None:
    code, _out, err = run_here(capsys, archive[0].root, "show", "999999", "--json")
    assert code != 0 and err.strip().startswith("error:") and "Traceback" not in err


def test_figures_of_a_version_without_extracted_facts_are_said_unknown(tmp_path: Path) -> None:
    """A version archived before extraction of these facts (NULL countries) is not "none found"."""
    data = DataDir(tmp_path / "data")
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("policia-es", agency="Policía Nacional", country="ES", language="es")
        doc_id = Builder(service).add(_document())
        from pressarchive.store import schema

        with service.archive.engine.begin() as conn:
            conn.execute(schema.versions.update().values(countries=None, agencies=None))
        facts = service.document_facts(doc_id)
        assert facts.extracted is False and facts.countries == {}
    finally:
        service.close()
    with TestClient(create_app(data)) as client:
        tree = page(client, f"/doc/{doc_id}")
    assert "not extracted for this version" in tree.xpath("string(//dd[@class='countries'])")
