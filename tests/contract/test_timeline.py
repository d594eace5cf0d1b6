"""The timeline against every engine: matches counted per day, ISO week, month or year, with
each period's label and first and last day; the auto interval chosen by the span of the
matches; since/until narrowing it; undated matches left out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from pressarchive.index import Period, SearchEngine, SearchRequest
from pressarchive.record import Document
from tests.contract.conftest import EngineMaker
from tests.contract.corpus import DOCS


def _doc(n: int, published: date | None) -> Document:
    return Document(
        id=n, url=f"https://police.example/{n}", title=f"raid report {n}", text=f"A raid happened. Number {n}.",
        language="en", published=published, source="police", version=1,
    )


DATES = [date(2019, 2, 11), date(2019, 2, 14), date(2019, 2, 17), date(2019, 2, 18), date(2019, 4, 1),
         date(2019, 12, 31), date(2020, 3, 2)]
TIMELINE_DOCS = [_doc(n + 1, day) for n, day in enumerate(DATES)] + [_doc(50, None)]


@pytest.fixture(scope="module")
def engine(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    engine = module_engines()
    engine.add(TIMELINE_DOCS[:3])  # two writes: counts are merged by period
    engine.add(TIMELINE_DOCS[3:])
    yield engine


def test_each_interval_counts_every_dated_match(engine: SearchEngine) -> None:
    by = {interval: engine.search(SearchRequest(limit=1, interval=interval)) for interval in
          ("day", "week", "month", "year")}
    assert {interval: result.interval for interval, result in by.items()} == {i: i for i in by}
    assert by["week"].histogram == {"2019-W07": 3, "2019-W08": 1, "2019-W14": 1, "2020-W01": 1, "2020-W10": 1}
    assert by["month"].histogram == {"2019-02": 4, "2019-04": 1, "2019-12": 1, "2020-03": 1}
    assert by["year"].histogram == {"2019": 6, "2020": 1}
    assert list(by["day"].histogram) == [day.isoformat() for day in DATES]
    for result in by.values():
        assert sum(result.histogram.values()) == result.total - 1  # the undated one left out
        assert [p.label for p in result.timeline] == list(result.histogram)
        assert all(p.since <= p.until for p in result.timeline)
    assert by["week"].timeline[0] == Period("2019-W07", date(2019, 2, 11), date(2019, 2, 17), 3)
    assert by["week"].timeline[3] == Period("2020-W01", date(2019, 12, 30), date(2020, 1, 5), 1)  # ISO year
    assert by["month"].timeline[0] == Period("2019-02", date(2019, 2, 1), date(2019, 2, 28), 4)
    assert by["year"].timeline[1] == Period("2020", date(2020, 1, 1), date(2020, 12, 31), 1)
    assert by["day"].timeline[0] == Period("2019-02-11", date(2019, 2, 11), date(2019, 2, 11), 1)


def test_auto_interval_follows_the_span_of_the_matches(engine: SearchEngine) -> None:
    assert engine.search(SearchRequest(limit=1)).interval == "month"  # 2019-02-11 to 2020-03-02: 386 days
    february = engine.search(SearchRequest(limit=1, since=date(2019, 2, 1), until=date(2019, 2, 28)))
    assert february.interval == "day" and february.histogram == {
        "2019-02-11": 1, "2019-02-14": 1, "2019-02-17": 1, "2019-02-18": 1,
    }
    assert engine.search(SearchRequest(limit=1, until=date(2019, 6, 30))).interval == "day"  # 50 days
    assert engine.search(SearchRequest(limit=1, until=date(2019, 12, 31))).interval == "week"  # 324 days
    assert engine.search(SearchRequest(query="number 3 OR number 4", limit=1)).interval == "day"


def test_since_and_until_narrow_the_timeline(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(limit=1, interval="month", since=date(2019, 2, 14), until=date(2019, 4, 1)))
    assert result.histogram == {"2019-02": 3, "2019-04": 1}
    assert engine.search(SearchRequest(query="published:[2019-12-01 TO]", interval="year")).histogram == {
        "2019": 1, "2020": 1}


def test_undated_matches_alone_have_no_timeline(engine: SearchEngine) -> None:
    undated = engine.search(SearchRequest(query="number 50", limit=1))
    assert undated.total == 1 and undated.timeline == [] and undated.histogram == {}
    assert undated.interval == "month"
    empty = engine.search(SearchRequest(query="nothingmatchesthis", interval="week"))
    assert empty.timeline == [] and empty.interval == "week"


def test_result_json_carries_the_periods(engine: SearchEngine) -> None:
    body = engine.search(SearchRequest(limit=2, interval="week", sort="date")).to_json()
    assert body["interval"] == "week"
    assert body["timeline"][0] == {"period": "2019-W07", "since": "2019-02-11", "until": "2019-02-17", "count": 3}
    assert (body["page"], body["limit"], body["last_page"], body["sort"]) == (1, 2, 4, "date")


def test_histogram_is_chronological_and_skips_undated(module_engines: EngineMaker) -> None:
    engine = module_engines(DOCS)
    result = engine.search(SearchRequest(limit=1))
    assert result.histogram == {"2017-03": 3, "2017-11": 1, "2018-01": 1, "2019-06": 1}
    assert list(result.histogram) == sorted(result.histogram)
    assert result.to_json()["histogram"] == result.histogram
    assert engine.search(SearchRequest(query="tantalio", source_country="es", interval="month")).histogram == {
        "2017-03": 1}
