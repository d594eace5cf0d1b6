"""The revisit policy: silent edits behind an unchanging sitemap ``lastmod`` are caught without
``--full``, on a schedule that grows with a release's age and is capped per crawl.

The policy is tested as a function of an explicit ``now``; the crawls run the real CLI against
a loopback site, and "8 days later" is made by moving the archive's capture times back.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pressarchive import Document
from pressarchive.crawler.revisit import JITTER, RevisitPolicy, jitter
from pressarchive.crawler.settings import SETTINGS
from pressarchive.errors import UserError
from pressarchive.store import Archive, Capture, KnownPage
from tests.conftest import CLI
from tests.test_crawl_lifecycle import crawl
from tests.mutable_site import MutableSite

NOW = datetime(2026, 6, 15, 12, 0)
POLICY = RevisitPolicy(new_days=1, recent_days=7, old_days=30, share=0.1)


def page(url: str = "https://p.example/r/1", *, age: timedelta, since_capture: timedelta = timedelta(0),
         published: date | None = None) -> KnownPage:
    """A known release first captured ``age`` ago and last captured ``since_capture`` ago."""
    return KnownPage(url, 1, NOW - since_capture, published, None, None, False, first_captured=NOW - age)


# -- the policy as a function ------------------------------------------------------------------


@pytest.mark.parametrize(("age", "days"), [
    (timedelta(0), 1), (timedelta(days=7) - timedelta(seconds=1), 1),
    (timedelta(days=7), 7), (timedelta(days=90) - timedelta(seconds=1), 7),
    (timedelta(days=90), 30), (timedelta(days=4000), 30),
])
def test_interval_grows_with_age_at_the_boundaries(age: timedelta, days: float) -> None:
    assert POLICY.interval(page(age=age), NOW) == days


def test_age_runs_from_the_published_date_never_after_the_first_capture() -> None:
    published_long_ago = page(age=timedelta(days=1), published=date(2020, 1, 1))
    assert POLICY.interval(published_long_ago, NOW) == 30
    dated_in_the_future = page(age=timedelta(days=100), published=date(2099, 1, 1))
    assert POLICY.interval(dated_in_the_future, NOW) == 30, "a wrong future date must not keep it young"


def test_due_once_the_interval_has_passed_and_never_before_the_jitter_allows() -> None:
    urls = [f"https://p.example/r/{i}" for i in range(400)]
    full = [page(url, age=timedelta(days=200), since_capture=timedelta(days=30)) for url in urls]
    assert all(POLICY.overdue(known, NOW) >= 1 for known in full), "due after the whole interval, whatever the jitter"
    early = timedelta(days=30 * (1 - JITTER)) - timedelta(minutes=1)
    assert not [u for u in urls if POLICY.overdue(page(u, age=timedelta(days=200), since_capture=early), NOW) >= 1]
    # Releases captured together at 0.9 of their interval: the jitter brings some, not all, due.
    nine_tenths = [page(url, age=timedelta(days=200), since_capture=timedelta(days=27)) for url in urls]
    due = sum(POLICY.overdue(known, NOW) >= 1 for known in nine_tenths)
    assert 0.2 * len(urls) < due < 0.8 * len(urls)


def test_jitter_is_stable_per_url_and_spread() -> None:
    values = [jitter(f"https://p.example/r/{i}") for i in range(1000)]
    assert values == [jitter(f"https://p.example/r/{i}") for i in range(1000)]
    assert all(0 <= value < 1 for value in values)
    assert len({round(value, 6) for value in values}) > 990
    assert 0.4 < sum(values) / len(values) < 0.6


def test_a_crawl_revisits_a_capped_share_most_overdue_first() -> None:
    # Each release 1.5 times as long past capture as the one before: more than the jitter can
    # reorder (it changes an interval by at most 1 / (1 - JITTER) = 1.33).
    pages = [page(f"https://p.example/r/{i}", age=timedelta(days=10**5),
                  since_capture=timedelta(days=40 * 1.5**i)) for i in range(25)]
    chosen = POLICY.select(pages, known_count=len(pages), now=NOW)
    assert chosen == [f"https://p.example/r/{i}" for i in (24, 23, 22)], "10% of 25, rounded up"
    young = [page(f"https://p.example/y/{i}", age=timedelta(days=1)) for i in range(1000)]
    assert POLICY.select(young, known_count=1000, now=NOW) == [], "none due: nothing revisited"
    assert len(POLICY.select(pages, known_count=10_000, now=NOW)) == 25, "the cap counts the whole archive"


@pytest.mark.parametrize(("share", "known", "cap"), [(0.1, 30, 3), (0.1, 31, 4), (0.1, 5, 1), (0.1, 0, 0),
                                                     (0.0, 1000, 0), (1.0, 7, 7)])
def test_cap_is_a_share_rounded_up(share: float, known: int, cap: int) -> None:
    assert RevisitPolicy(1, 7, 30, share).cap(known) == cap


def test_the_defaults_are_daily_weekly_monthly_and_a_tenth() -> None:
    policy = RevisitPolicy.from_settings({name: setting.default for name, setting in SETTINGS.items()})
    assert policy == RevisitPolicy(new_days=1, recent_days=7, old_days=30, share=0.1)


@pytest.mark.parametrize(("name", "value"), [
    ("PRESSARCHIVE_REVISIT_SHARE", math.nan), ("PRESSARCHIVE_REVISIT_SHARE", 1.5),
    ("PRESSARCHIVE_REVISIT_SHARE", -0.1), ("PRESSARCHIVE_REVISIT_NEW_DAYS", -1.0),
    ("PRESSARCHIVE_REVISIT_OLD_DAYS", math.inf), ("PRESSARCHIVE_REVISIT_RECENT_DAYS", math.nan),
    ("PRESSARCHIVE_REVISIT_RECENT_DAYS", "7"),
])
def test_senseless_settings_are_refused(name: str, value: Any) -> None:
    settings: dict[str, Any] = {name: setting.default for name, setting in SETTINGS.items()}
    settings[name] = value
    with pytest.raises(UserError, match=name):
        RevisitPolicy.from_settings(settings)


# -- what the store knows ----------------------------------------------------------------------


def test_known_pages_carry_first_capture_and_earliest_published_date(store_url: str) -> None:
    archive = Archive(store_url)
    try:
        doc = Document(url="https://p.example/r/1", title="Operation Tide", text="38 arrests.",
                       language="en", published=date(2026, 1, 10), source="police")
        for day, text, published in ((1, "38 arrests.", date(2026, 1, 10)), (9, "39 arrests.", date(2026, 2, 1))):
            capture = Capture("police", doc.url, 200, "text/html", 10, datetime(2026, 2, day), "0" * 64, "x", 0)
            archive.save_document(doc.replace(text=text, published=published), archive.record_capture(capture))
        known = archive.known_pages("police")[doc.url]
    finally:
        archive.close()
    assert (known.first_captured, known.last_captured) == (datetime(2026, 2, 1), datetime(2026, 2, 9))
    assert known.published == date(2026, 1, 10), "a correction's newer date does not make it younger"


# -- crawls against a loopback site whose sitemap lastmod never changes --------------------------


def age_archive(data: Path, days: int) -> None:
    """Move every document's capture times ``days`` back: the next crawl runs "``days`` later"."""
    with sqlite3.connect(data / "archive.sqlite") as conn:
        rows = conn.execute("SELECT id, first_captured, last_captured FROM documents").fetchall()
        for doc_id, first, last in rows:
            moved = [str(datetime.fromisoformat(value) - timedelta(days=days)) for value in (first, last)]
            conn.execute("UPDATE documents SET first_captured = ?, last_captured = ? WHERE id = ?", (*moved, doc_id))
    conn.close()


def version_texts(data: Path, slug: str) -> list[str]:
    with sqlite3.connect(data / "archive.sqlite") as conn:
        rows = conn.execute("SELECT v.text FROM versions v JOIN documents d ON d.id = v.document_id "
                            "WHERE d.url LIKE ? ORDER BY v.number", (f"%/{slug}",)).fetchall()
    conn.close()
    return [text for (text,) in rows]


def release_requests(site: MutableSite) -> list[str]:
    fetched = [path for path in site.requests if path.startswith("/news/releases/")]
    site.requests.clear()
    return fetched


@pytest.fixture
def fresh_site(tmp_path: Path) -> Any:
    """Three releases published today, in a sitemap whose lastmod is years old and stays so."""
    with MutableSite(sitemap_lastmod=date(2019, 1, 1)) as site:
        today = datetime.now(UTC).date()
        for i in range(3):
            site.add(f"release-{i}", f"Release {i}: operation Tide", f"Officers made {38 + i} arrests.", today)
        (tmp_path / "site.toml").write_text(site.profile_toml())
        yield site


def test_silent_edit_is_caught_by_a_revisit_eight_days_later(cli: CLI, fresh_site: MutableSite,
                                                             tmp_path: Path) -> None:
    profile, share = tmp_path / "site.toml", "PRESSARCHIVE_REVISIT_SHARE=1"
    assert crawl(cli, profile, "--set", share)["new"] == 3
    release_requests(fresh_site)
    fresh_site.releases["release-1"].text = "Officers made 40 arrests, not 39 as first stated."
    age_archive(cli.data, 8)
    later = crawl(cli, profile, "--set", share)
    assert sorted(release_requests(fresh_site)) == [f"/news/releases/release-{i}" for i in range(3)]
    assert (later["revisited"], later["changed_on_revisit"], later["changed"], later["unchanged"]) == (3, 1, 1, 2)
    assert ["40 arrests" in text for text in version_texts(cli.data, "release-1")] == [False, True]
    again = crawl(cli, profile, "--set", share)
    assert release_requests(fresh_site) == [], "revisited today: not due again, the sitemap's lastmod is trusted"
    assert (again["revisited"], again["changed"], again["skipped_by_reason"]["unchanged_per_sitemap"]) == (0, 0, 3)


def test_a_large_archive_is_revisited_a_capped_share_per_crawl(cli: CLI, tmp_path: Path) -> None:
    with MutableSite(sitemap_lastmod=date(2019, 1, 1)) as site:
        for i in range(30):
            site.add(f"release-{i}", f"Release {i}: operation Reef", f"Officers made {i} arrests.",
                     date(2020, 1, 1) + timedelta(days=i))
        profile = tmp_path / "site.toml"
        profile.write_text(site.profile_toml())
        assert crawl(cli, profile)["new"] == 30
        release_requests(site)
        age_archive(cli.data, 60)  # every release is two monthly intervals overdue
        batches = []
        for _ in range(2):
            summary = crawl(cli, profile)
            batches.append(set(release_requests(site)))
            assert summary["revisited"] == 3 and len(batches[-1]) == 3, "10% of 30 per crawl"
            assert summary["skipped_by_reason"]["unchanged_per_sitemap"] == 27
        assert not batches[0] & batches[1], "the next crawl takes the next most overdue"
        full = crawl(cli, profile, "--full")
        assert len(release_requests(site)) == 30 and full["revisited"] == 0, "--full still refetches everything"


def test_a_senseless_revisit_setting_is_one_clear_error(cli: CLI, fresh_site: MutableSite, tmp_path: Path) -> None:
    result = cli("crawl", "--profile", str(tmp_path / "site.toml"), "--set", "PRESSARCHIVE_REVISIT_SHARE=nan")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: PRESSARCHIVE_REVISIT_SHARE")
    assert fresh_site.requests == [], "refused before the crawl starts"
