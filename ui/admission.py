"""At most :data:`RUNS_AT_ONCE` script runs at a time in one server process, the others queued.

Streamlit runs each session's script in its own thread. Under Python's global interpreter lock
50 runs at once take no less time in total than 50 in turn, but each holds its tables, map and
messages in memory all along: 50 sessions opening pages together peaked at 1.9 GB of server
memory when this was added, and still at 0.8-0.9 GB against ~0.63 GB queued now that views are
shared (benchmarks/bench_load.py). Queued runs cost nothing meanwhile. A run waits at most
:data:`WAIT_MAX_S`, then goes ahead anyway, so a stuck run can slow the others but never stop
them. ``PLACEMAP_RUNS_AT_ONCE=0`` turns the queue off (the benchmark's baseline).

app.py queues each page's body (:func:`admitted`). A served dashboard (ui/serve.py) queues
whole runs instead, Streamlit's own per-run work and the frame around the page included
(:func:`install`): with only the page queued, a live room's structural move had all 50
followers' runs in their frames at once, sharing the interpreter's lock, so each page run, once
admitted, took ~5x its CPU time in wall time (36-76 ms for 14.5 ms; benchmarks/bench_rooms.py)
and every follower finished late. Queued whole, runs finish one after another in the order
they asked, save for a rank (:data:`Rank`, given by ``rank`` to :func:`install`): a live
room's presenter's runs go first (every follower waits on them). :func:`admitted`
holds one slot per thread, so the page's queue inside a queued run passes straight through.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum

from streamlit.runtime.scriptrunner import script_runner

RUNS_AT_ONCE = int(os.environ.get("PLACEMAP_RUNS_AT_ONCE", "2"))
WAIT_MAX_S = 60.0


class Rank(IntEnum):
    """A queued run's place: lower goes first, the same rank in the order asked."""

    FIRST = 0
    NORMAL = 1


class _Gate:
    """:data:`RUNS_AT_ONCE` slots; a slot freed goes straight to the waiter first in line."""

    def __init__(self, slots: int) -> None:
        self.free = slots
        self._line: list[tuple[int, int, threading.Event]] = []
        self._order = itertools.count()
        self._lock = threading.Lock()

    def acquire(self, rank: int, timeout_s: float) -> bool:
        with self._lock:
            if self.free > 0 and not self._line:
                self.free -= 1
                return True
            place = (rank, next(self._order), threading.Event())
            heapq.heappush(self._line, place)
        if place[2].wait(timeout_s):
            return True
        with self._lock:
            if place[2].is_set():  # handed a slot as the wait timed out
                return True
            self._line.remove(place)
            heapq.heapify(self._line)
            return False

    def release(self) -> None:
        with self._lock:
            if self._line:
                heapq.heappop(self._line)[2].set()
            else:
                self.free += 1


_GATE = _Gate(max(RUNS_AT_ONCE, 1))
_HELD = threading.local()  # whether this thread holds a slot now


@contextmanager
def admitted(rank: int = Rank.NORMAL) -> Iterator[None]:
    """Hold one of the server's run slots for the duration (a rerun or stop releases it); a
    thread holding one already keeps it and takes no second."""
    if getattr(_HELD, "slot", False):
        yield
        return
    acquired = RUNS_AT_ONCE > 0 and _GATE.acquire(rank, WAIT_MAX_S)
    _HELD.slot = acquired
    try:
        yield
    finally:
        if acquired:
            _HELD.slot = False
            _GATE.release()


def install(rank: Callable[[object], int] = lambda _state: Rank.NORMAL) -> None:
    """Every script run (page or fragment) queued whole, at ``rank(session_state)``; once per
    process."""
    run = script_runner.ScriptRunner._run_script
    if getattr(run, "admitted", False):
        return

    @functools.wraps(run)
    def queued(self: script_runner.ScriptRunner, *args, **kwargs):
        with admitted(rank(self._session_state)):
            return run(self, *args, **kwargs)

    queued.admitted = True
    script_runner.ScriptRunner._run_script = queued
