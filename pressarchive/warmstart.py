"""What every worker process needs loaded, loaded once: imported by the workers' fork server.

The fork server (see :mod:`pressarchive.processes`) imports this before its first fork, so an
extraction worker starts with trafilatura, htmldate, the language models and the entity tables
loaded and warmed up by one small extraction, and an indexing process with the service's
modules (the store, the index engines, near-duplicate signing) imported. Nothing here opens a
file, a database or a socket: a fork shares only what was loaded.
"""

import gc

from pressarchive.extract.workers import warm_up
from pressarchive import service  # noqa: F401  (imported for the indexing processes)

warm_up()

# Everything loaded so far lives as long as the workers do: moved out of the collector's reach,
# a worker's full collections no longer walk it, and the collector no longer writes into the
# pages a worker shares with the fork server (which made the kernel copy them for each fork).
gc.freeze()
