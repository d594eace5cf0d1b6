"""The saved searches API against its own OpenAPI schema, every method, run by schemathesis.

Writes are sent with the write token, so generated bodies reach the saving code itself (odd
names, unknown and malformed parameters, odd unicode): every answer must be a non-5xx that
matches what the schema declares. Two checks are off: a body the schema allows may still be
refused (a query that does not parse is a string too), and a 405's Allow header is the app's.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import schemathesis
from schemathesis.engine import events

from pressarchive.datadir import resolve_data_dir
from pressarchive.alerts import SavedSearches
from pressarchive.service import ArchiveService, build_request
from pressarchive.web import create_app

TOKEN = "saved-searches-schema-token"
CONFIG = {
    "generation": {"max-examples": 40, "deterministic": True},
    # The Allow header of a 405 is the app's, not these routes' (the API-wide work sets it).
    "checks": {"positive_data_acceptance": {"enabled": False}, "allow_header_conformance": {"enabled": False}},
    "phases": {"stateful": {"enabled": False}},
}


def test_saved_search_routes_answer_as_their_schema_says(tmp_path: Path) -> None:
    data = resolve_data_dir(tmp_path / "data")
    service = ArchiveService(data)
    try:  # a saved search by the name the schema's examples use, so GET by name can answer 200
        SavedSearches(service).save("kestrel-es", build_request("kestrel"))
    finally:
        service.close()
    app = create_app(data, corrections_token=TOKEN)
    config = schemathesis.Config.from_dict({**CONFIG, "headers": {"Authorization": f"Bearer {TOKEN}"}})
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config).include(path_regex="^/api/saved")
    failures: list[str] = []
    answers: Counter[tuple[str, int]] = Counter()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.NonFatalError):
            failures.append(f"{event.label}: {type(event.value).__name__}: {event.value}")
        if isinstance(event, events.FatalError):
            failures.append(f"schemathesis could not run: {event.exception}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        for checks in event.recorder.checks.values():
            failures.extend(f"{event.label} [{check.name}] {check.failure_info.failure.title}\n"
                            f"{check.failure_info.code_sample}" for check in checks if check.failure_info is not None)
        answers.update((event.label, i.response.status_code)
                       for i in event.recorder.interactions.values() if i.response is not None)
    assert not failures, "\n\n".join(failures)
    assert not [key for key in answers if key[1] >= 500]
    statuses = {label: {s for other, s in answers if other == label} for label, _ in answers}
    assert 201 in statuses["POST /api/saved"] and 409 in statuses["POST /api/saved"], statuses
    for label in ("GET /api/saved/{name}", "GET /api/saved/{name}/new"):
        assert {200, 404} <= statuses[label], (label, statuses[label])
