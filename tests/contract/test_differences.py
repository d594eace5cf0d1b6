"""The differences an engine documents (:mod:`tests.contract.differences`) are few, known and
written down: each names a capability the tests assert, gives a one-line reason, and is in
the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract.conftest import ENGINE_KINDS
from tests.contract.differences import CAPABILITIES, DIFFERENCES, expected

README = Path(__file__).resolve().parents[2] / "README.md"
KINDS = [param.values[0] for param in ENGINE_KINDS]


def test_every_engine_has_an_entry_and_every_entry_an_engine() -> None:
    assert sorted(DIFFERENCES) == sorted(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_difference_is_a_known_capability_with_a_one_line_reason(kind: str) -> None:
    readme = README.read_text("utf-8")
    for capability, reason in DIFFERENCES[kind].items():
        assert capability in CAPABILITIES, capability
        assert reason.strip() and "\n" not in reason, capability
        assert f"`{capability}`" in readme, f"the README does not document {kind}'s difference in {capability}"


def test_expected_holds_tests_to_the_documented_differences(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(DIFFERENCES, "whoosh", {"phrase_slop": "counts positions, not moves"})
    assert expected("whoosh", "phrase_slop", {1}, instead={"whoosh": {2}}) == {2}
    assert expected("opensearch", "phrase_slop", {1}, instead={"whoosh": {2}}) == {1}
    with pytest.raises(AssertionError, match="does not say what it does instead"):
        expected("whoosh", "phrase_slop", {1})
    with pytest.raises(AssertionError, match="document no difference"):
        expected("opensearch", "phrase_slop", {1}, instead={"opensearch": {3}})
    with pytest.raises(AssertionError, match="unknown capability"):
        expected("whoosh", "telepathy", {1})
