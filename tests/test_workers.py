"""Extraction worker processes: a worker that dies under a task does not end the crawl's extraction."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from pressarchive.extract.workers import ATTEMPTS, ExtractionWorkers, WorkerCrashed


def _die_first_time(marker: str, value: int) -> int:
    """Kills its worker the first time it runs (as a crashing parser would), returns ``value`` after."""
    if not os.path.exists(marker):
        Path(marker).touch()
        os._exit(9)
    return value


def _die_always() -> None:
    os._exit(9)


def test_a_task_whose_worker_died_runs_again_on_new_workers(tmp_path: Path) -> None:
    async def scenario(workers: ExtractionWorkers) -> list[int]:
        return list(await asyncio.gather(
            workers.run(_die_first_time, str(tmp_path / "died"), 7),
            workers.run(int, "5"),
        ))

    with ExtractionWorkers(1) as workers:
        assert asyncio.run(scenario(workers)) == [7, 5]
        assert workers.restarts == 1


def test_a_task_that_always_kills_its_worker_is_given_up_and_the_workers_go_on() -> None:
    async def scenario(workers: ExtractionWorkers) -> int:
        with pytest.raises(WorkerCrashed):
            await workers.run(_die_always)
        return await workers.run(int, "11")

    with ExtractionWorkers(1) as workers:
        assert asyncio.run(scenario(workers)) == 11
        assert workers.restarts == ATTEMPTS
