"""Extraction worker processes: a worker that dies under a task, or a task over its time or memory
budget, does not end the crawl's extraction; stopping never waits for a stuck task."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pressarchive import processes
from pressarchive.extract.workers import ATTEMPTS, BudgetExceeded, ExtractionWorkers, WorkerCrashed, WorkersClosed


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


def test_pages_go_to_the_workers_from_the_callers_loop_with_no_thread_between() -> None:
    # The loop writes each page into a worker's pipe and reads the outcome itself: a thread per
    # worker in between would contend with the crawl's thread for the GIL at every read and write.
    async def scenario(workers: ExtractionWorkers) -> tuple[list[int], list[str]]:
        values = list(await asyncio.gather(*(workers.run(int, str(k)) for k in range(20))))
        for starter in list(workers._starters):
            starter.join(30)
        threads = [thread.name for thread in threading.enumerate() if thread is not threading.current_thread()]
        return values, [name for name in threads if name.startswith("extraction")]

    with ExtractionWorkers(2) as workers:
        values, threads = asyncio.run(scenario(workers))
    assert values == list(range(20))
    assert threads == []


def test_a_worker_killed_while_idle_is_replaced_and_the_next_page_runs() -> None:
    async def scenario(workers: ExtractionWorkers) -> int:
        pid = await workers.run(os.getpid)
        os.kill(pid, signal.SIGKILL)  # the OOM killer, between two pages
        for _ in range(100):  # the loop sees the pipe's end and starts another process
            if workers.restarts:
                break
            await asyncio.sleep(0.05)
        return await workers.run(int, "12")

    with ExtractionWorkers(1) as workers:
        assert asyncio.run(scenario(workers)) == 12
    assert workers.restarts == 1


# -- every page has a budget -------------------------------------------------------------------


def _endless_loop() -> None:
    """A parser that never ends, as pypdf's did on several published hostile PDFs."""
    count = 0
    while True:
        count += 1


def _memory_hog() -> int:
    """A parser that allocates without end, a megabyte at a time, as a decompression bomb does."""
    chunks = []
    while True:
        chunks.append(bytearray(2**20))  # zero-filled: resident, not only reserved


def _recurse(depth: int) -> int:
    return _recurse(depth + 1) + 1


def test_a_page_in_an_endless_loop_is_killed_at_its_timeout_and_the_next_page_runs() -> None:
    async def scenario(workers: ExtractionWorkers) -> tuple[float, int]:
        await workers.run(int, "1")  # the worker has started: the clock runs for the page alone
        started = time.monotonic()
        with pytest.raises(BudgetExceeded) as raised:
            await workers.run(_endless_loop)
        elapsed = time.monotonic() - started
        assert raised.value.kind == "timeout"
        return elapsed, await workers.run(int, "5")

    with ExtractionWorkers(1, timeout=1.0) as workers:
        elapsed, value = asyncio.run(scenario(workers))
    assert value == 5
    assert 1.0 <= elapsed < 3.0, f"given up after {elapsed:.1f} s"
    assert workers.restarts == 1


def test_an_answer_read_after_its_deadline_is_over_time_whatever_the_loop_saw_first() -> None:
    # A busy loop finds the answer and the expired timer in the same turn, and runs readers
    # first: the page still took longer than its budget.
    async def scenario(workers: ExtractionWorkers) -> int:
        await workers.run(int, "1")  # the worker has started
        slow = asyncio.ensure_future(workers.run(time.sleep, 0.1))
        await asyncio.sleep(0)  # sent
        time.sleep(0.5)  # the loop is busy elsewhere until both are due
        with pytest.raises(BudgetExceeded) as raised:
            await slow
        assert raised.value.kind == "timeout"
        return await workers.run(int, "4")

    with ExtractionWorkers(1, timeout=0.03) as workers:
        assert asyncio.run(scenario(workers)) == 4
    assert workers.restarts == 1


def test_a_memory_hog_is_stopped_at_its_budget_and_the_next_page_runs() -> None:
    async def scenario(workers: ExtractionWorkers) -> int:
        with pytest.raises(BudgetExceeded) as raised:
            await workers.run(_memory_hog)
        assert raised.value.kind == "memory"
        return await workers.run(int, "6")

    # 24 GiB of RAM on the test machine and no swap: without the budget the hog runs until
    # the OOM killer ends it (and the timeout is far away, so it is not what stops the hog).
    with ExtractionWorkers(1, timeout=60.0, memory_mb=200) as workers:
        assert asyncio.run(scenario(workers)) == 6
    assert workers.restarts == 1


def test_recursion_error_is_the_page_s_error_and_its_worker_goes_on() -> None:
    async def scenario(workers: ExtractionWorkers) -> int:
        with pytest.raises(RecursionError):
            await workers.run(_recurse, 0)
        return await workers.run(int, "7")

    with ExtractionWorkers(1) as workers:
        assert asyncio.run(scenario(workers)) == 7
    assert workers.restarts == 0


def test_closing_does_not_wait_for_a_stuck_page() -> None:
    workers = ExtractionWorkers(1, timeout=0)  # no time limit: only close() can end the page
    stuck = workers.submit(_endless_loop)
    queued = workers.submit(int, "8")
    time.sleep(0.5)  # let the worker take the page (a slow start only makes close() easier)
    started = time.monotonic()
    workers.close()
    assert time.monotonic() - started < 3.0
    for future in (stuck, queued):
        with pytest.raises(WorkersClosed):
            future.result(timeout=5)
    assert all(process is None or process.process.exitcode is not None for process in workers._processes)


def test_workers_closed_while_they_start_leave_no_process_behind() -> None:
    # Each process starts on a thread of its own, so close() may come before a process exists.
    workers = ExtractionWorkers(2)
    starters = list(workers._starters)
    workers.close()
    for thread in starters:
        thread.join(30)
    assert not any(thread.is_alive() for thread in starters)
    assert all(process is None or process.process.exitcode is not None for process in workers._processes)


def test_a_worker_that_cannot_start_fails_its_pages_instead_of_holding_them(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process(self: ExtractionWorkers) -> processes.WorkerProcess:
        raise OSError("no fork server")

    monkeypatch.setattr(ExtractionWorkers, "_start", no_process)
    with ExtractionWorkers(1) as workers:
        with pytest.raises(WorkerCrashed, match="could not be started"):
            workers.submit(int, "9").result(timeout=10)


def _endless_round(wait: bool = True) -> int:
    _endless_loop()
    return 0


def test_stopping_the_background_indexer_ends_its_round_at_once() -> None:
    from pressarchive.crawler.runner import BackgroundIndexer

    with BackgroundIndexer(_endless_round) as indexer, ThreadPoolExecutor(1) as pool:
        round_ = pool.submit(indexer.round)
        time.sleep(1.0)  # the round is under way
        started = time.monotonic()
        indexer.stop()
        assert round_.result(timeout=5) == 0
        assert time.monotonic() - started < 3.0
        assert indexer.last_round() == 0, "no round after stop(), and none in this process"


def test_a_worker_whose_parent_is_gone_ends_without_a_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    # A crawl stopped (SIGTERM) while its workers start: each finds its pipe closed when it
    # reports ready. Its stderr is the person's terminal, so it must end in silence.
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=processes._serve, args=(child, None, processes.Limits()))
    process.start()
    child.close()
    parent.close()
    process.join(60)
    assert process.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err


# -- workers are forked from a fork server that has loaded what they need ---------------------


def _worker_state(names: list[str]) -> dict[str, object]:
    import sys

    return {"loaded": [name for name in names if name in sys.modules], "cwd": os.getcwd(),
            "variable": os.environ.get("PRESSARCHIVE_TEST_WORKER_ENV"), "pid": os.getpid(), "parent": os.getppid()}


def test_a_worker_starts_loaded_in_the_parents_directory_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Workers are forks of a server that imported extraction (warmed up) and the indexing
    service once; what the parent changed since that server started still reaches them."""
    first = processes.WorkerProcess()
    try:
        first.call(int, "1")  # the fork server runs from here on, whatever the test order
    finally:
        first.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRESSARCHIVE_TEST_WORKER_ENV", "set after the fork server started")
    worker = processes.WorkerProcess()
    try:
        state = worker.call(_worker_state, ["trafilatura", "py3langid", "pressarchive.service", "scrapy"])
    finally:
        worker.close()
    assert state["loaded"] == ["trafilatura", "py3langid", "pressarchive.service"], "no Scrapy in a worker"
    assert state["cwd"] == str(tmp_path)
    assert state["variable"] == "set after the fork server started"
    assert state["parent"] != os.getpid(), "a fork server's child, not a fork of this process"
