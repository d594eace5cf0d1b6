"""The one way times are written out: whole seconds in UTC with a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from pressarchive.alerts.atom import Feed, FeedEntry, atom_xml
from pressarchive.isodate import utc_iso


def test_a_stored_time_is_written_to_the_second_with_z() -> None:
    assert utc_iso(datetime(2024, 3, 4, 8, 12, 5, 987654)) == "2024-03-04T08:12:05Z"
    assert utc_iso(None) is None


def test_an_aware_time_is_converted_to_utc_first() -> None:
    madrid = timezone(timedelta(hours=2))
    assert utc_iso(datetime(2024, 3, 4, 10, 12, 5, tzinfo=madrid)) == "2024-03-04T08:12:05Z"
    assert utc_iso(datetime(2024, 3, 4, 8, 12, 5, tzinfo=UTC)) == "2024-03-04T08:12:05Z"


def test_feeds_write_times_the_same_way() -> None:
    entry = FeedEntry(id="x", title="t", link="l", updated=datetime(2024, 3, 4, 8, 12, 5, 1), author="a")
    xml = atom_xml(Feed(id="f", title="t", self_url="s", alternate_url="a", entries=[entry])).decode()
    assert xml.count("<updated>2024-03-04T08:12:05Z</updated>") == 2
