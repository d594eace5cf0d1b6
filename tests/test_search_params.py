"""Adding a search filter is one edit: every face derives its parameters from searchparams.PARAMS.

Each defined parameter must be a CLI option of ``search`` (or its argument), a query parameter
of ``/api/search`` in the OpenAPI schema with a description, a URL key of the search links and
a SearchRequest field; each facet the index counts must be defined, with a label.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from click.testing import CliRunner
from fastapi.testclient import TestClient

from pressarchive.cli.archive_commands import search
from pressarchive.datadir import DataDir
from pressarchive.index import SearchRequest
from pressarchive.index.whooshindex.facets import FACET_NAMES
from pressarchive.searchparams import FACET_LABELS, FACETS, FILTER_LABELS, PARAMS, SWITCHES, Param
from pressarchive.web import pages, urls
from pressarchive.web.app import create_app


def test_the_definitions_import_without_the_faces() -> None:
    code = (
        "import sys, pressarchive.searchparams; "
        "print(sorted(m for m in ('fastapi', 'click', 'whoosh') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_parameter_is_a_cli_option() -> None:
    options = {param.name: param for param in search.params}
    for param in PARAMS:
        assert param.attr in options, param.name
        if param.flag:
            assert param.flag in options[param.attr].opts
            assert options[param.attr].help == param.help


def test_every_parameter_is_an_api_query_parameter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(DataDir(tmp_path / "data"))
    schema = TestClient(app).get("/openapi.json").json()
    documented = {p["name"]: p for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert set(documented) == {param.name for param in PARAMS}
    for param in PARAMS:
        assert documented[param.name]["in"] == "query"
        assert documented[param.name]["description"]
        if param.name != "q":
            assert documented[param.name]["description"] == param.doc


def test_every_parameter_is_a_url_key_and_a_request_field() -> None:
    assert urls.SEARCH_PARAMS == tuple(param.name for param in PARAMS)
    fields = {field.name for field in dataclasses.fields(SearchRequest)}
    assert {param.attr for param in PARAMS} == fields
    for param in PARAMS:
        assert urls.search_url({}, **{param.name: "2"}).endswith(f"?{param.name}=2")


def test_every_facet_is_defined_and_labelled() -> None:
    assert FACET_NAMES == FACETS == urls.FACETS
    for name in FACET_NAMES:
        assert FACET_LABELS[name]
    assert set(urls.FILTERS) == set(FILTER_LABELS)
    assert urls.SWITCHES == SWITCHES
    assert pages.FACET_LABELS is FACET_LABELS


def test_a_new_parameter_reaches_the_cli_and_the_api(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import click
    from fastapi import Depends, FastAPI

    from pressarchive.cli import searchoptions
    from pressarchive.web import searchquery

    extra = Param("region", "text", "Only this region.", "Only this region, e.g. `Algarve`.",
                  flag="--region", metavar="NAME", label="Region")
    monkeypatch.setattr(searchoptions, "PARAMS", (*PARAMS, extra))
    monkeypatch.setattr(searchquery, "PARAMS", (*PARAMS, extra))

    @click.command()
    @searchoptions.search_options
    def command(**values: object) -> None:
        click.echo(repr(values["region"]))

    assert "--region NAME" in command.get_help(click.Context(command))
    assert CliRunner().invoke(command, ["--region", "Algarve"]).output.strip() == "'Algarve'"

    app = FastAPI()
    found = Depends(searchquery.search_query())

    @app.get("/probe")
    def probe(values=found):  # type: ignore[no-untyped-def]  # (a local name: no string annotation)
        return values

    client = TestClient(app)
    documented = {p["name"]: p for p in client.get("/openapi.json").json()["paths"]["/probe"]["get"]["parameters"]}
    assert documented["region"]["description"] == extra.doc
    assert client.get("/probe", params={"region": "Algarve"}).json()["region"] == "Algarve"
