"""CPU accounting inside the crawl's worker processes, for ``bench/crawl.py --profile``.

The instrumented crawl sends every worker call through :func:`timed_call`, which runs it and
adds its CPU time to a per-function total. A worker writes its totals to
``$BENCH_WORKER_DIR/<pid>.json`` at most once a second and when it is stopped (SIGTERM), so the
bench can split each worker process's CPU into its calls and the rest (start-up, warm-up, the
pipe). Bench code only: importable by a spawned worker because ``bench/`` is on the parent's
``sys.path``, which a spawned child inherits.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_totals: dict[str, list[float]] = {}
_state: dict[str, Any] = {"installed": False, "written": 0.0}


def timed_call(name: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, its CPU time added to ``name``'s total in this process."""
    if not _state["installed"]:
        _state["installed"] = True
        signal.signal(signal.SIGTERM, _dump_and_exit)
    profiler = _profiler()
    cpu = time.thread_time()
    try:
        if profiler is not None:
            return profiler.runcall(function, *args, **kwargs)
        return function(*args, **kwargs)
    finally:
        entry = _totals.setdefault(name, [0, 0.0])
        entry[0] += 1
        entry[1] += time.thread_time() - cpu
        if time.monotonic() - _state["written"] > 1.0:
            _dump()


def _profiler() -> Any:
    """With ``BENCH_WORKER_CPROFILE`` set, one cProfile per worker, written beside its totals."""
    if not os.environ.get("BENCH_WORKER_CPROFILE"):
        return None
    if "profiler" not in _state:
        import cProfile

        _state["profiler"] = cProfile.Profile()
    return _state["profiler"]


def _dump() -> None:
    directory = os.environ.get("BENCH_WORKER_DIR")
    if not directory:
        return
    _state["written"] = time.monotonic()
    path = Path(directory) / f"{os.getpid()}.json"
    path.with_suffix(".tmp").write_text(json.dumps({"calls": _totals, "process_cpu": time.process_time()}))
    path.with_suffix(".tmp").replace(path)
    if "profiler" in _state:
        _state["profiler"].dump_stats(str(path.with_suffix(".pstats")))


def _dump_and_exit(_signum: int, _frame: Any) -> None:
    _dump()
    os._exit(0)
