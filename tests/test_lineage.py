"""Release-to-article lineage: shared passages, share of reused text, time lag, the window,
and the split into articles that copied a release and those that added reporting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.profiles import profile_from_dict
from pressarchive.profiles.loader import ProfileError
from pressarchive.similar import lag_text, lineage_for_documents, update_similarity
from pressarchive.similar.passages import shared_passages
from pressarchive.store import Archive
from tests.similar_archive import harbour_archive, add, add_source
from tests.similar_texts import OWN, RELEASE, SITE_FOOTER, TRANSLATION, text

STORY = text(*RELEASE)
#: A five-paragraph article: release paragraphs 1 and 4 between three of its own.
RETELLING = text(RELEASE[0], OWN[0], RELEASE[3], OWN[1], OWN[2])


@pytest.fixture
def archive(store_url: str) -> Iterator[Archive]:
    with harbour_archive(store_url) as archive:
        yield archive


def test_two_reused_paragraphs_of_five_give_their_share_and_passages() -> None:
    reuse = shared_passages(RETELLING, STORY)
    words = [len(shared_passages(p, p).passages[0].text.split()) for p in (RELEASE[0], RELEASE[3])]
    assert [passage.text for passage in reuse.passages] == [RELEASE[0].rstrip("."), RELEASE[3].rstrip(".")]
    assert reuse.shared_words == sum(words)
    assert reuse.share == pytest.approx(0.40, abs=0.03)
    first = reuse.passages[0]
    assert RETELLING[first.article_start:first.article_end] == first.text
    assert STORY[first.release_start:first.release_end] == first.text


def test_reordered_paragraphs_still_count_and_short_overlaps_do_not() -> None:
    reordered = shared_passages(text(RELEASE[4], RELEASE[1]), STORY)
    assert reordered.share == pytest.approx(1.0, abs=0.01) and len(reordered.passages) == 2
    seven_words = "the harbour unit searched eleven warehouses on"  # fewer than eight words in a row
    assert shared_passages(f"Yesterday {seven_words} a quiet day.", STORY).passages == ()
    assert shared_passages(TRANSLATION, STORY).shared_words == 0


def test_article_linked_to_release_with_lag_and_split(archive: Archive) -> None:
    release = add(archive, "harbour", STORY, date(2024, 3, 4), title="Port machinery network")
    retelling = add(archive, "courier", RETELLING, date(2024, 3, 6))
    copy = add(archive, "gazette", text(STORY, SITE_FOOTER), date(2024, 3, 4))
    assert update_similarity(archive).links == 2
    found = lineage_for_documents(archive, [release, retelling, copy])
    (link,) = found[retelling].retells
    assert link.release.id == release and link.release.title == "Port machinery network"
    assert link.reused_share == pytest.approx(0.40, abs=0.03) and len(link.passages) == 2
    assert link.lag_seconds == 2 * 86400 and link.lag == "2 days later" and not link.copied
    assert [item.article.id for item in found[release].copied_by] == [copy]
    assert [item.article.id for item in found[release].reported_by] == [retelling]
    assert found[copy].retells[0].lag == "same day" and found[release].retells == []
    payload = found[release].to_json()
    assert payload["reported_by"][0]["passages"][0]["text"] == RELEASE[0].rstrip(".")


def test_outside_the_window_no_link(archive: Archive) -> None:
    release = add(archive, "harbour", STORY, date(2024, 3, 4))
    before = add(archive, "courier", RETELLING, date(2024, 3, 1))  # earlier than the release
    late = add(archive, "gazette", RETELLING, date(2024, 5, 1))  # 58 days later
    update_similarity(archive)
    found = lineage_for_documents(archive, [release, before, late])
    assert found[release].retold_by == [] and found[before].retells == [] and found[late].retells == []


def test_undated_article_lags_from_its_first_capture(archive: Archive) -> None:
    release = add(archive, "harbour", STORY, date(2024, 3, 4))
    article = add(archive, "courier", RETELLING, None, when=datetime(2024, 3, 4, 15, 30))
    update_similarity(archive)
    (link,) = lineage_for_documents(archive, [article])[article].retells
    assert link.release.id == release and link.lag_seconds == 15 * 3600 + 30 * 60 and link.lag == "15 hours later"


def test_a_release_archived_after_its_article_is_linked_too(archive: Archive) -> None:
    article = add(archive, "courier", RETELLING, date(2024, 3, 6))
    update_similarity(archive)
    release = add(archive, "harbour", STORY, date(2024, 3, 5))
    update_similarity(archive)
    (link,) = lineage_for_documents(archive, [article])[article].retells
    assert link.release.id == release and link.lag_seconds == 86400


def test_two_press_rooms_or_two_outlets_are_not_lineage(archive: Archive) -> None:
    add_source(archive, "europol", "press_room")
    first = add(archive, "harbour", STORY, date(2024, 3, 4))
    second = add(archive, "europol", RETELLING, date(2024, 3, 5))
    news = add(archive, "courier", STORY, date(2024, 3, 5))
    later = add(archive, "gazette", RETELLING, date(2024, 3, 6))
    update_similarity(archive)
    found = lineage_for_documents(archive, [first, second, news, later])
    # the press rooms retell nothing, the outlets are retold by nobody: only article -> release
    assert found[first].retells == [] == found[second].retells
    assert found[news].retold_by == [] == found[later].retold_by
    assert [link.article.id for link in found[first].retold_by] == [news, later]  # by lag
    assert sorted(link.release.id for link in found[later].retells) == [first, second]


def test_lag_text() -> None:
    assert [lag_text(s) for s in (None, 0, 7200, 86400, 3 * 86400 + 5)] == [
        "time unknown", "same day", "2 hours later", "1 day later", "3 days later",
    ]


def test_profile_kind() -> None:
    base = {"name": "courier", "start_urls": ["https://courier.example/"], "article": ["/n/"]}
    assert profile_from_dict(base).kind == "press_room"
    assert profile_from_dict({**base, "kind": "news"}).kind == "news"
    with pytest.raises(ProfileError, match="kind"):
        profile_from_dict({**base, "kind": "blog"})


def test_the_store_keeps_a_sources_kind_with_its_other_fields(tmp_path: Path, store_url: str) -> None:
    """The store side of the crawl's source update (the pipeline's: tests/test_crawl_context.py)."""
    data = prepare_data_dir(DataDir(tmp_path / "data", db_option=store_url))
    archive = Archive(data.database_url)
    try:
        archive.upsert_source("courier", title="The Courier", agency="", country="ES", language="es", kind="news")
        archive.upsert_source("harbour", title="Harbour Police", kind="press_room")
        kinds = {row["name"]: (row["kind"], row["title"]) for row in archive.sources()}
    finally:
        archive.close()
    assert kinds == {"courier": ("news", "The Courier"), "harbour": ("press_room", "Harbour Police")}
