"""A press room for shared-crawl tests: numbered releases on paged listings, every request
timed (``ScriptedSite`` routes that note when each path was asked for)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.scripted_site import Answer, Hit, ScriptedSite, listing_page, release_page

PER_PAGE = 10


class FrontierRoom(ScriptedSite):
    """``releases`` releases, :data:`PER_PAGE` to a listing page; :attr:`times` holds
    (monotonic seconds, path) for every request the server answered."""

    def __init__(self, releases: int, slow: float = 0.0) -> None:
        super().__init__()
        self.releases = releases
        self.slow = slow  # seconds each release takes to answer (to kill a crawl mid-way)
        self.times: list[tuple[float, str]] = []
        self.active = 0  # requests being answered now
        self.most_active = 0  # the most answered at once
        self._times_lock = threading.Lock()
        pages = (releases + PER_PAGE - 1) // PER_PAGE
        for page in range(1, pages + 1):
            links = [f"/releases/{n}" for n in range((page - 1) * PER_PAGE + 1,
                                                     min(page * PER_PAGE, releases) + 1)]
            if page < pages:
                links.append(f"/news/?page={page + 1}")
            path = "/news/" if page == 1 else f"/news/?page={page}"
            self.routes[path] = self._timed(Answer(body=listing_page(*links)))
        for n in range(1, releases + 1):
            self.routes[f"/releases/{n}"] = self._timed(Answer(body=release_page(f"Release number {n}", f"W{n}x")),
                                                        self.slow)
        self.routes["/robots.txt"] = self._timed(self.routes["/robots.txt"])  # type: ignore[arg-type]

    def _timed(self, answer: Answer, delay: float = 0.0):  # type: ignore[no-untyped-def]
        def route(hit: Hit) -> Answer:
            with self._times_lock:
                self.times.append((time.monotonic(), hit.path))
                self.active += 1
                self.most_active = max(self.most_active, self.active)
            try:
                if delay:
                    time.sleep(delay)
            finally:
                with self._times_lock:
                    self.active -= 1
            return answer
        return route

    def release_fetches(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for hit in list(self.hits):
            if hit.path.startswith("/releases/"):
                counts[hit.path] = counts.get(hit.path, 0) + 1
        return counts

    def write_profile(self, folder: Path, name: str = "shared") -> Path:
        path = folder / f"{name}.toml"
        path.write_text(self.profile_toml(name=name), "utf-8")
        return path
