"""glibc malloc settings for a long-running, multi-threaded server process (``serve``).

Two glibc defaults make a threaded server's memory grow with its concurrency and stay
there: each thread that allocates may get an arena of its own (up to 8 per core), and the
threshold above which a block is mmapped (and given back to the system on free) rises to
the size of the largest block freed so far, so a search's arrays over every document end
up in those arenas and are kept after the search. ``MALLOC_ARENA_MAX`` and
``MALLOC_MMAP_THRESHOLD_`` in the environment would do the same, but only when set
before the process starts; ``mallopt`` applies to the arenas and blocks of the threads
that come afterwards, which is all of a server's request threads.
"""

from __future__ import annotations

import ctypes
import sys

_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
#: Arenas shared by all threads (glibc's default is 8 per core).
ARENA_MAX = 2
#: Blocks from this size are mmapped and returned on free, fixed rather than left to rise.
#: Not glibc's 128 KiB start: at 100,000 documents a search's per-document arrays (0.1-0.8 MB)
#: then each cost fresh zeroed pages, about 2.5 ms a search (15.0 against 12.6 ms over HTTP,
#: one client); at 4 MiB they are reused from the two arenas and the peak RSS under 8 clients
#: stayed at 378 MB (413 MB with glibc's defaults).
MMAP_THRESHOLD = 4 * 1024 * 1024


def tune_malloc(arena_max: int = ARENA_MAX, mmap_threshold: int = MMAP_THRESHOLD) -> bool:
    """Apply the settings through glibc's ``mallopt``; False where there is no glibc (macOS,
    musl, Windows), which keeps its own allocator's behaviour."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, arena_max)) and bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold))
