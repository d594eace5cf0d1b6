"""The timeline by day, ISO week, month or year: the period arithmetic, the page's bars and
granularity links, the JSON twin's periods, and every facet value reachable ("show all").
The engines' counts per period are in the contract suite (``tests/contract/test_timeline.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from pressarchive.cli.app import cli
from pressarchive.cli import commands  # noqa: F401  (registers the subcommands)
from pressarchive.datadir import DataDir
from pressarchive.index.models import Period
from pressarchive.index.periods import choose_interval, period_code, period_label, period_range
from pressarchive.searchparams import AUTO_SPANS
from pressarchive.web import create_app, present, urls
from pressarchive.web.render import environment
from pressarchive.web.timeline import BAR_STEP, MAX_BARS_ACROSS, build_timeline
from tests.archive_builder import build_many_sources
from tests.web_pages import page, query_of

# -- period arithmetic ------------------------------------------------------------------------------


def _span(days: int) -> str:
    first = date(2020, 1, 1).toordinal()
    return choose_interval("auto", first, first + days - 1)


def test_auto_interval_follows_the_span_thresholds() -> None:
    assert dict(AUTO_SPANS) == {"day": 62, "week": 371, "month": 15 * 366}
    assert [_span(n) for n in (1, 62, 63, 371, 372, 15 * 366, 15 * 366 + 1)] == [
        "day", "day", "week", "week", "month", "month", "year",
    ]
    assert choose_interval("day", 1, 3_000_000) == "day"  # asked for: never overridden
    with pytest.raises(ValueError):
        choose_interval("fortnight", 1, 2)


@pytest.mark.parametrize(("day", "label", "since", "until"), [
    (date(2019, 2, 14), "2019-W07", date(2019, 2, 11), date(2019, 2, 17)),
    (date(2019, 12, 31), "2020-W01", date(2019, 12, 30), date(2020, 1, 5)),  # ISO year of the Thursday
    (date(2021, 1, 3), "2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
    (date(1, 1, 1), "0001-W01", date(1, 1, 1), date(1, 1, 7)),
    (date(9999, 12, 31), "9999-W52", date(9999, 12, 27), date(9999, 12, 31)),  # clipped to date.max
])
def test_iso_weeks_run_monday_to_sunday(day: date, label: str, since: date, until: date) -> None:
    code = period_code("week", day)
    assert period_label("week", code) == label
    assert period_range("week", code) == (since, until)
    assert since.isoweekday() == 1


def test_day_month_and_year_periods() -> None:
    leap = period_code("month", date(2020, 2, 14))
    assert period_label("month", leap) == "2020-02"
    assert period_range("month", leap) == (date(2020, 2, 1), date(2020, 2, 29))
    december = period_code("month", date(2019, 12, 5))
    assert period_range("month", december) == (date(2019, 12, 1), date(2019, 12, 31))
    assert period_label("day", period_code("day", date(2019, 2, 14))) == "2019-02-14"
    assert period_range("year", 2019) == (date(2019, 1, 1), date(2019, 12, 31))
    assert period_label("year", 987) == "0987"


# -- the page ---------------------------------------------------------------------------------------


def test_bars_stand_at_their_period_and_only_matches_draw() -> None:
    periods = [Period("2019-W07", date(2019, 2, 11), date(2019, 2, 17), 3),
               Period("2019-W10", date(2019, 3, 4), date(2019, 3, 10), 1)]
    timeline = build_timeline(periods, "week")
    assert timeline is not None and timeline.unit == "week"
    assert [(bar.label, bar.x, bar.since, bar.until) for bar in timeline.bars] == [
        ("2019-W07", 0, "2019-02-11", "2019-02-17"), ("2019-W10", 3 * BAR_STEP, "2019-03-04", "2019-03-10"),
    ]
    assert timeline.peak == 3 and timeline.bars[0].height > timeline.bars[1].height > 0
    assert build_timeline([], "day") is None


def test_a_long_forced_span_keeps_bars_visible() -> None:
    periods = [Period("1900-01-01", date(1900, 1, 1), date(1900, 1, 1), 1),
               Period("2000-01-01", date(2000, 1, 1), date(2000, 1, 1), 1)]
    timeline = build_timeline(periods, "day")
    assert timeline is not None and len(timeline.bars) == 2 and timeline.per_bar > 1
    assert timeline.width <= MAX_BARS_ACROSS * BAR_STEP and timeline.bar_width <= BAR_STEP  # visible, apart
    assert [(bar.since, bar.until, bar.count) for bar in timeline.bars] == [
        ("1900-01-01", "1900-01-01", 1), ("2000-01-01", "2000-01-01", 1)]
    assert [period.label for period in timeline.periods] == ["1900-01-01", "2000-01-01"]


@pytest.mark.parametrize("days", [399, 401, 450, 800, 5000])
def test_bars_never_overlap_however_many_periods(days: int) -> None:
    start = date(2000, 1, 1)
    periods = [Period(day.isoformat(), day, day, 1) for day in (start + timedelta(days=n) for n in range(days))]
    timeline = build_timeline(periods, "day")
    assert timeline is not None and timeline.bar_width <= BAR_STEP
    places = [bar.x for bar in timeline.bars]
    assert places == sorted(set(places)) and all(b - a >= BAR_STEP for a, b in zip(places, places[1:], strict=False))
    assert sum(bar.count for bar in timeline.bars) == days and places[-1] < timeline.width
    assert timeline.width // BAR_STEP <= MAX_BARS_ACROSS


SOURCES = [f"source-{n:02d}" for n in range(present.FACET_SHOWN + 3)]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    """Documents over eight months from more sources than a facet shows at first."""
    data = DataDir(tmp_path_factory.mktemp("data"))
    build_many_sources(data, SOURCES, every_days=19)
    return data


@pytest.fixture(scope="module")
def client(archive: DataDir) -> Iterator[TestClient]:
    with TestClient(create_app(archive)) as test_client:
        yield test_client


def test_page_timeline_bars_link_to_their_period_and_zoom_in(client: TestClient) -> None:
    tree = page(client, "/search?q=raid&interval=month")
    assert tree.cssselect("#timeline-heading")[0].text_content() == "Matches per month"
    bars = tree.cssselect("section.timeline svg.histogram a")
    assert [a.cssselect("title")[0].text_content() for a in bars][:2] == ["2019-01: 2", "2019-02: 1"]
    first = bars[0].get("href")
    assert query_of(first) == {"q": "raid", "since": "2019-01-01", "until": "2019-01-31"}
    zoomed = page(client, first)
    assert len(zoomed.cssselect(".hit")) == 2
    assert zoomed.cssselect("#timeline-heading")[0].text_content() == "Matches per day"


def test_a_bar_never_widens_the_searchs_own_dates() -> None:
    params = {"q": "raid", "since": "2020-01-15", "until": "2020-01-20", "interval": "month"}
    assert query_of(urls.period_url(params, "2020-01-01", "2020-01-31")) == {
        "q": "raid", "since": "2020-01-15", "until": "2020-01-20"}
    inside = {"q": "raid", "since": "2019-12-01", "until": "2020-03-01"}
    assert query_of(urls.period_url(inside, "2020-01-01", "2020-01-31")) == {
        "q": "raid", "since": "2020-01-01", "until": "2020-01-31"}


def test_page_switches_granularity(client: TestClient) -> None:
    tree = page(client, "/search?q=raid")
    assert tree.cssselect("#timeline-heading")[0].text_content() == "Matches per week"  # 228 days
    nav = tree.cssselect("nav.timeline-intervals")[0]
    assert nav.cssselect("strong")[0].text_content() == "auto"
    links = {a.text_content(): a.get("href") for a in nav.cssselect("a")}
    assert set(links) == {"day", "week", "month", "year"}
    assert links["week"] == urls.search_url({"q": "raid"}, interval="week")
    yearly = page(client, links["year"])
    assert yearly.cssselect("#timeline-heading")[0].text_content() == "Matches per year"
    assert [t.text_content() for t in yearly.cssselect("svg.histogram title")] == [f"2019: {len(SOURCES)}"]
    back = {a.text_content(): a.get("href") for a in yearly.cssselect("nav.timeline-intervals a")}
    assert query_of(back["auto"]) == {"q": "raid"}


def test_api_timeline_matches_the_page(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "raid", "interval": "day", "limit": 3, "page": 2}).json()
    assert body["interval"] == "day" and len(body["timeline"]) == len(SOURCES)
    assert body["timeline"][0] == {"period": "2019-01-07", "since": "2019-01-07", "until": "2019-01-07", "count": 1}
    assert (body["page"], body["limit"], body["last_page"]) == (2, 3, -(-len(SOURCES) // 3))
    bad = client.get("/api/search", params={"interval": "fortnight"})
    assert bad.status_code == 400 and "interval" in bad.json()["error"]
    assert page(client, "/search?interval=fortnight", status=400).cssselect(".error")


def test_every_facet_value_is_reachable(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "raid"}).json()
    assert set(body["facets"]["source"]) == set(SOURCES)  # the API returns every value
    tree = page(client, "/search?q=raid")
    (facet,) = [s for s in tree.cssselect("section.facet") if s.cssselect("h3")[0].text_content() == "Source"]
    shown = facet.cssselect(":scope > ul > li a")
    more = facet.cssselect("details.facet-more")[0]
    hidden = more.cssselect("li a")
    assert len(shown) == present.FACET_SHOWN and len(hidden) == len(SOURCES) - present.FACET_SHOWN
    assert more.cssselect("summary")[0].text_content().startswith(f"Show all {len(SOURCES)}")
    assert sorted(a.text_content() for a in shown + hidden) == SOURCES
    assert query_of(hidden[-1].get("href")) == {"q": "raid", "source": hidden[-1].text_content()}


def test_cli_takes_the_interval(archive: DataDir) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["--data", str(archive.root), "search", "raid", "--interval", "year"])
    assert out.exit_code == 0, out.output
    assert f"per year: 2019 {len(SOURCES)}" in out.output
    bad = runner.invoke(cli, ["--data", str(archive.root), "search", "--interval", "fortnight"])
    assert bad.exit_code != 0 and "fortnight" in bad.output


def test_a_grouped_chart_says_so_and_its_table_lists_every_period() -> None:
    start = date(2000, 1, 1)
    periods = [Period(day.isoformat(), day, day, 1) for day in (start + timedelta(days=7 * n) for n in range(100))]
    timeline = build_timeline(periods, "day")
    assert timeline is not None and timeline.per_bar == 2
    shown = lxml_html.fromstring(environment().get_template("_timeline.html").render(
        timeline=timeline, params={"q": "x"}, intervals=[]))
    assert "Each bar counts 2 days." in shown.cssselect("p.note")[0].text_content()
    assert len(shown.cssselect("svg rect.bar")) == 100 and len(shown.cssselect("tbody tr")) == 100
