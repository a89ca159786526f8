"""At most :data:`RUNS_AT_ONCE` page runs at a time in one server process, the others queued.

Streamlit runs each session's script in its own thread. Under Python's global interpreter lock
50 runs at once take no less time in total than 50 in turn, but each holds its tables, map and
messages in memory all along: 50 sessions opening pages together peaked at 1.9 GB of server
memory when this was added, and still at 0.8-0.9 GB against ~0.63 GB queued now that views are
shared (benchmarks/bench_load.py). Queued runs cost nothing meanwhile. A run waits at most
:data:`WAIT_MAX_S`, then goes ahead anyway, so a stuck run can slow the others but never stop
them. ``PLACEMAP_RUNS_AT_ONCE=0`` turns the queue off (the benchmark's baseline)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

RUNS_AT_ONCE = int(os.environ.get("PLACEMAP_RUNS_AT_ONCE", "2"))
WAIT_MAX_S = 60.0
_GATE = threading.BoundedSemaphore(max(RUNS_AT_ONCE, 1))


@contextmanager
def admitted() -> Iterator[None]:
    """Hold one of the server's run slots for the duration (a rerun or stop releases it)."""
    acquired = RUNS_AT_ONCE > 0 and _GATE.acquire(timeout=WAIT_MAX_S)
    try:
        yield
    finally:
        if acquired:
            _GATE.release()
