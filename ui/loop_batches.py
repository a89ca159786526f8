"""Script threads' hand-offs to the server's event loop, batched: one wake-up for the messages a
run produces while the loop is busy, instead of one each.

Streamlit hands every message a script run makes (each element, block, page info) to the event
loop with its own ``call_soon_threadsafe``: a write to the loop's wake-up pipe, a wake-up of the
loop's thread and a hand-over of Python's lock to it and back, ~40 per page run. A live room's
structural move reruns every follower's session at once (benchmarks/bench_rooms.py), and py-spy
showed these hand-overs at ~7% of the script threads' time, besides the loop's own wake-ups
between followers' route polls. Here the callbacks of every session go to one queue in the
order they were made, and the loop is woken only when none is pending: it runs the queue in that
order (each callback apart, an exception in one reported as asyncio reports it and the rest
run), so each session's messages reach its browser in the order Streamlit made them. Installed
by ui/serve.py (what ``make run`` serves).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable

from streamlit.runtime import app_session


class LoopBatch:
    """Callbacks for one event loop, run in the order given, one wake-up per batch."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._waiting: deque[Callable[[], None]] = deque()
        self._woken = False
        self._lock = threading.Lock()

    def call_soon(self, callback: Callable[[], None]) -> None:
        """As ``loop.call_soon_threadsafe(callback)`` (a closed loop raises RuntimeError)."""
        with self._lock:
            self._waiting.append(callback)
            if self._woken:
                return
            self._woken = True
        try:
            self.loop.call_soon_threadsafe(self._run)
        except RuntimeError:
            with self._lock:
                self._woken = False
                self._waiting.clear()
            raise

    def _run(self) -> None:
        with self._lock:
            batch, self._woken = list(self._waiting), False
            self._waiting.clear()
        for callback in batch:
            try:
                callback()
            except Exception as exc:  # as asyncio's own handles report a callback's fault
                self.loop.call_exception_handler({
                    "message": "Exception in a batched callback", "exception": exc})


_BATCHES: dict[int, LoopBatch] = {}
_BATCHES_LOCK = threading.Lock()


def batch_of(loop: asyncio.AbstractEventLoop) -> LoopBatch:
    """The one batch of ``loop`` (a server has one loop; tests may make more)."""
    with _BATCHES_LOCK:
        batch = _BATCHES.get(id(loop))
        if batch is None or batch.loop is not loop:
            batch = _BATCHES[id(loop)] = LoopBatch(loop)
        return batch


def _call_soon_on_event_loop(self: app_session.AppSession, callback: Callable[[], None]
                             ) -> None:
    """Streamlit's own, through the loop's batch: a closed loop's callbacks are dropped."""
    try:
        batch_of(self._event_loop).call_soon(callback)
    except RuntimeError:
        if not self._event_loop.is_closed():
            raise


def install() -> None:
    """Once per process (installing twice changes nothing)."""
    app_session.AppSession._call_soon_on_event_loop = _call_soon_on_event_loop
