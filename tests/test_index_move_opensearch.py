"""Moving an archive from the embedded default to a real OpenSearch server and back.

The README's team set-up, end to end on the test node: ``index --rebuild --to
opensearch+http://…`` fills the server from the store, an interrupted fill is continued,
the address lands in ``config.toml``, and from then on ``search``, ``status`` and ``check``
without options use the server; ``--to whoosh`` goes back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from pressarchive.dataconfig import read_config
from pressarchive.datadir import DataDir
from tests.cli_here import run_here
from tests.opensearchnode import OpenSearchNode
from tests.test_index_move import BATCH, DOCUMENTS, _entries, _move_interrupted, data  # noqa: F401

pytestmark = pytest.mark.opensearch


@pytest.fixture
def address(opensearch_node: OpenSearchNode) -> Iterator[str]:
    name = f"move-{uuid.uuid4().hex[:8]}"
    yield f"opensearch+{opensearch_node.url}/{name}"
    from opensearchpy import OpenSearch

    client = OpenSearch(opensearch_node.url)
    client.indices.delete(index=f"{name}*", ignore_unavailable=True)
    client.close()


def test_a_team_moves_to_the_server_and_back(
    data: DataDir, address: str, capsys: pytest.CaptureFixture[str],  # noqa: F811
) -> None:
    _move_interrupted(data, address)
    assert len(_entries(address, data)) == BATCH and read_config(data.config_file).index is None

    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", address, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["added"], report["already_there"], report["check"]["ok"]) == (DOCUMENTS - BATCH, BATCH, True)
    assert read_config(data.config_file).index == address

    code, out, err = run_here(capsys, data.root, "search", "harbour", "--json")
    assert code == 0 and json.loads(out)["total"] == DOCUMENTS
    code, out, err = run_here(capsys, data.root, "status", "--json")
    status = json.loads(out)
    assert (status["index_engine"], status["index_entries"]) == ("opensearch", DOCUMENTS)
    code, out, err = run_here(capsys, data.root, "check", "--json")
    assert code == 0, out + err

    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", "whoosh", "--json")
    assert code == 0, err
    assert json.loads(out)["added"] == DOCUMENTS and read_config(data.config_file).index == "whoosh"
    code, out, err = run_here(capsys, data.root, "status", "--json")
    assert json.loads(out)["index_engine"] == "whoosh"
