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

import pytest
import schemathesis
from schemathesis.engine import events

from pressarchive.datadir import DataDir
from pressarchive.web import create_app
from tests import dossier_archive

EXAMPLES_PER_ROUTE = 60
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
    assert not [key for key in answers if key[1] >= 500]
    for operation in operations:  # and answered both well-formed and malformed requests
        statuses = {status for label, status in answers if label == operation}
        assert 200 in statuses and any(400 <= status < 500 for status in statuses), (operation, statuses)
