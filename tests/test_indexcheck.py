"""The rules of ``check``: which index entries are missing, stale, duplicated or orphaned."""

from __future__ import annotations

from pressarchive.indexcheck import EXAMPLES, compare_index


def test_agreeing_index_is_ok() -> None:
    report = compare_index({1: 1, 2: 3}, [(2, 3), (1, 1)])
    assert report.ok and report.to_delete == [] and report.to_add == []
    assert report.to_json()["ok"] is True and report.to_json()["index_entries"] == 2


def test_each_kind_of_disagreement_is_named() -> None:
    current = {1: 1, 2: 2, 3: 1, 4: 1, 5: 1}
    entries = [(1, 1), (2, 1), (3, 1), (3, 1), (5, None), (9, 1), (9, 2)]  # 4 is missing
    report = compare_index(current, entries)
    assert not report.ok
    assert report.missing == [4]
    assert report.stale == [2, 5]  # an old version, and a version the index did not record
    assert report.duplicates == [3]
    assert report.orphans == [9]
    assert report.to_delete == [2, 3, 5, 9]
    assert report.to_add == [2, 3, 4, 5]
    assert (report.documents, report.entries) == (5, 7)


def test_a_duplicate_with_an_old_version_is_stale_and_duplicated() -> None:
    report = compare_index({7: 2}, [(7, 2), (7, 1)])
    assert report.stale == [7] and report.duplicates == [7] and report.to_add == [7]


def test_json_gives_counts_and_a_few_examples() -> None:
    report = compare_index({n: 1 for n in range(20)}, [])
    body = report.to_json()
    assert body["missing"] == {"count": 20, "examples": list(range(EXAMPLES))}
    assert body["orphans"] == {"count": 0, "examples": []}
    assert set(body) == {"ok", "repaired", "documents", "index_entries", "missing", "stale", "duplicates", "orphans"}
