"""The API against its own OpenAPI schema, run by schemathesis over every GET route, so a route
added later is held to the same rules without a line here.

schemathesis's engine runs its phases (the schema's examples; coverage: boundary and invalid
values such as huge numbers, odd unicode, NUL bytes, slashes in path parameters, wrong
methods; then generated requests, valid and invalid) against the ASGI app in-process, over a
small archive, derandomised and with a bounded number of examples. Every answer must be a
non-5xx that matches what the schema declares: its status, its content type, its body (the
error model for 4xx). One check is off: a request the schema allows may still be refused,
since the schema cannot say which query strings parse (``title:(`` is a string too).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from schemathesis.engine import events

from pressarchive.alerts import SavedSearches
from pressarchive.datadir import DataDir
from pressarchive.service import ArchiveService, build_request
from pressarchive.web import create_app
from pressarchive.web.apierrors import Error
from tests import dossier_archive

EXAMPLES_PER_ROUTE = 60
TOKEN = "correct-horse-battery-staple-42"
# Routes that succeed over the dossier archive with generated values (others may need two
# versions of a document, say, which the archive does not have).
SUCCEEDING = {f"GET {path}" for path in (
    "/api/search", "/api/doc/{doc_id}", "/api/doc/{doc_id}/similar", "/api/status", "/api/check",
    "/api/operations", "/api/operations/{name}", "/api/operations/{name}/figures.csv", "/api/corrections",
)}
CONFIG = {
    "generation": {"max-examples": EXAMPLES_PER_ROUTE, "deterministic": True},
    "checks": {"positive_data_acceptance": {"enabled": False}},
    "phases": {"stateful": {"enabled": False}},
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    data = DataDir(tmp_path_factory.mktemp("data"))
    dossier_archive.build(data)
    return data


def run(schema: schemathesis.BaseSchema) -> tuple[list[str], Counter[tuple[str, int]]]:
    """Every failed check (operation, check, what failed, how to reproduce) and how many
    answers each operation gave with each status."""
    failures: list[str] = []
    answers: Counter[tuple[str, int]] = Counter()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.NonFatalError):  # the app raised instead of answering
            failures.append(f"{event.label}: {type(event.value).__name__}: {event.value}")
        if isinstance(event, events.FatalError):
            failures.append(f"schemathesis could not run: {event.exception}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        for checks in event.recorder.checks.values():
            failures.extend(
                f"{event.label} [{check.name}] {check.failure_info.failure.title}\n{check.failure_info.code_sample}"
                for check in checks if check.failure_info is not None
            )
        for interaction in event.recorder.interactions.values():
            if interaction.response is not None:
                answers[(event.label, interaction.response.status_code)] += 1
    return failures, answers


def test_get_routes_answer_as_their_schema_says(data: DataDir) -> None:
    app = create_app(data)
    config = schemathesis.Config.from_dict(CONFIG)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config).include(method="GET")
    operations = {result.ok().label for result in schema.get_all_operations()}
    failures, answers = run(schema)
    assert not failures, "\n\n".join(failures)
    assert {label for label, _ in answers} == operations  # every route was called
    assert SUCCEEDING <= operations
    assert not [key for key in answers if key[1] >= 500]
    for operation in SUCCEEDING & operations:  # these answered both well-formed and malformed requests
        statuses = {status for label, status in answers if label == operation}
        assert 200 in statuses and any(400 <= status < 500 for status in statuses), (operation, statuses)


def test_write_routes_answer_as_their_schema_says(tmp_path: Path) -> None:
    """The same over the routes that write, with the token, on an archive of their own."""
    data = DataDir(tmp_path / "data")
    dossier_archive.build(data)
    app = create_app(data, write_token=TOKEN)
    config = schemathesis.Config.from_dict({**CONFIG, "headers": {"Authorization": f"Bearer {TOKEN}"}})
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config).exclude(method=["GET", "HEAD"])
    failures, answers = run(schema)
    assert not failures, "\n\n".join(failures)
    assert len({label for label, _ in answers}) >= 4
    assert not [key for key in answers if key[1] >= 500]


# -- the examples ---------------------------------------------------------------------------------


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def media_examples(response: dict[str, Any]) -> dict[str, list[Any]]:
    """Each media type of a documented response with the examples it gives."""
    return {
        media: ([body["example"]] if "example" in body else [e["value"] for e in body.get("examples", {}).values()])
        for media, body in response.get("content", {}).items()
    }


@pytest.fixture(scope="module")
def openapi(data: DataDir) -> dict[str, Any]:
    schema: dict[str, Any] = create_app(data).openapi()
    return schema


def test_the_error_model_is_one_component_with_both_fields(openapi: dict[str, Any]) -> None:
    components = openapi["components"]["schemas"]
    assert set(components["Error"]["required"]) == {"error", "detail"}
    assert {"status", "reason", "path"} <= set(components["ErrorDetail"]["required"])


def test_every_route_shows_an_example_answer_and_example_errors(openapi: dict[str, Any]) -> None:
    """Every operation, including routes added later: a 2xx with an example for each media type
    it answers in, at least one 4xx, and every 4xx declared with the Error model and an example
    that is a valid error body for that status."""
    missing = []
    for path, method, operation in operations(openapi):
        where = f"{method} {path}"
        responses = operation["responses"]
        successes = [code for code in responses if code.startswith("2")]
        errors = [code for code in responses if code.startswith("4")]
        if not successes or not errors:
            missing.append(f"{where}: needs a 2xx and a 4xx response, has {sorted(responses)}")
        for code in successes:
            examples = media_examples(responses[code])
            if not examples or not all(examples.values()):
                missing.append(f"{where} {code}: no example (for each media type)")
        for code in errors:
            examples = media_examples(responses[code])
            schema = responses[code].get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") != "#/components/schemas/Error":
                missing.append(f"{where} {code}: not declared with the Error model (error_doc)")
            if not examples.get("application/json"):
                missing.append(f"{where} {code}: no example error")
            for example in examples.get("application/json", []):
                Error.model_validate(example)
                if example["detail"]["status"] != int(code) or "\n" in example["error"]:
                    missing.append(f"{where} {code}: the example is not a {code} error body")
    assert not missing, "\n".join(missing)


# Values of path parameters that name something in the dossier archive.
PATH_VALUES = {"doc_id": "1", "name": "tantalio"}


def keys(body: dict[str, Any]) -> dict[str, set[str]]:
    """The fields of a JSON object and of the first record of each list of records in it:
    what must match between an example and a real answer (maps such as facets hold data, not
    fields, so nothing deeper is compared)."""
    found = {"": set(body)}
    for name, value in body.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            found[name] = set(value[0])
    return found


def test_example_answers_have_the_fields_of_real_ones(openapi: dict[str, Any], data: DataDir) -> None:
    """Each GET route's JSON example against what the route answers over the dossier archive,
    for every route whose path parameters name something there and whose call succeeds."""
    compared, differ = [], []
    with TestClient(create_app(data)) as client:
        for path, method, operation in operations(openapi):
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if method != "GET" or not set(names) <= set(PATH_VALUES):
                continue
            response = client.get(path.format(**PATH_VALUES))
            examples = media_examples(operation["responses"]["200"]).get("application/json")
            if response.status_code != 200 or not examples or "json" not in response.headers["content-type"]:
                continue
            compared.append(path)
            real, shown = keys(response.json()), keys(examples[0])
            differ += [f"{path} {part or 'top'}: example {sorted(shown[part])} != {sorted(real[part])}"
                       for part in set(real) & set(shown) if real[part] != shown[part]]
    assert not differ, "\n".join(differ)
    assert {"/api/search", "/api/doc/{doc_id}", "/api/doc/{doc_id}/similar", "/api/status", "/api/check",
            "/api/operations", "/api/operations/{name}", "/api/corrections"} <= set(compared)


def test_the_reference_page_shows_the_examples_escaped(data: DataDir) -> None:
    with TestClient(create_app(data)) as client:
        page = client.get("/docs")
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.text)
    examples = [pre.text_content() for pre in tree.cssselect(".example pre")]
    assert any('"error": "bad query: unbalanced parenthesis at position 6"' in text for text in examples)
    assert any(text.startswith("operation,kind,disagreement") for text in examples)  # CSV as it comes
    assert any('"removed": null' in text for text in examples)
    assert not tree.cssselect(".example pre *")  # text only, no markup from the examples


def test_saved_search_routes_answer_as_their_schema_says(tmp_path: Path) -> None:
    """Every method of the saved searches API with the token, so generated bodies reach the
    saving code itself (odd names, unknown and malformed parameters, odd unicode)."""
    data = DataDir(tmp_path / "data")
    service = ArchiveService(data)
    try:  # a saved search by the name the schema's examples use, so GET by name can answer 200
        SavedSearches(service).save("kestrel-es", build_request("kestrel"))
    finally:
        service.close()
    app = create_app(data, write_token=TOKEN)
    config = schemathesis.Config.from_dict({
        **CONFIG, "generation": {"max-examples": 40, "deterministic": True},
        "headers": {"Authorization": f"Bearer {TOKEN}"},
    })
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config).include(path_regex="^/api/saved")
    failures, answers = run(schema)
    assert not failures, "\n\n".join(failures)
    assert not [key for key in answers if key[1] >= 500]
    statuses = {label: {s for other, s in answers if other == label} for label, _ in answers}
    assert 201 in statuses["POST /api/saved"] and 409 in statuses["POST /api/saved"], statuses
    for label in ("GET /api/saved/{name}", "GET /api/saved/{name}/new"):
        assert {200, 404} <= statuses[label], (label, statuses[label])
