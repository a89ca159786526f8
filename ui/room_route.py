"""The one HTTP route followers' browsers poll: ``GET /_placemap/room/{code}?since=VERSION``.

A follower polled from an ``st.fragment(run_every=…)`` costs a Streamlit script run per poll
(~5–10 ms of server CPU each, more under load): 50 followers at two polls a second held a core
(benchmarks/bench_rooms.py). Polled here, a poll is one primary-key read and a small JSON answer
with no script run; the follower's browser (ui/follow.py) moves its map itself and reruns its
session only when more than the position changed. Read-only: it never writes, and never returns
the presenter's token (:func:`services.rooms.poll_answer`).

Answered by an ASGI middleware (:class:`RoomPolls`) that ui/serve.py puts ahead of Streamlit's
own (path security, sessions, gzip, routing): through them a poll cost ~2.5 ms of server CPU,
and 50 followers poll 200 times a second. Each answer's JSON is made once per room read. HTTP
is parsed by uvicorn's h11, not ``httptools`` (C, ~0.15 ms less a poll): httptools answers a
link of ~100 KB with "Invalid HTTP request received." instead of the page that names what it
ignored (tests/browser/test_hostile_links.py). Same server, same 127.0.0.1 address.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:  # imported by the first poll, not by the server's start-up (ui/serve.py):
    # the engine and the database client are ~1 s of imports before the server could answer
    from services.io.rooms_db import RoomsDB
    from services.rooms import RoomPoll

ROUTE_PREFIX = "/_placemap/room"
_VERSION_MAX_DIGITS = 12  # a longer ``since`` is no version of ours: read as none
_HEADERS = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]
#: A room read is reused for this long (a move reaches followers ≤ this later; polls are 0.25 s).
FRESH_S = 0.1
ROOMS_KEPT = 1000
BODIES_KEPT = 8  # answers kept per read: the followers send the room's version or none


def _since(raw: str | None) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= _VERSION_MAX_DIGITS:
        return int(raw)
    return None


class _Recent:
    """The last read of each room for :data:`FRESH_S`: the followers of a room polling this
    server share one database read per interval instead of one each (bounded: at most
    :data:`ROOMS_KEPT` rooms, the oldest read dropped first), and the JSON of each answer made
    from it (:meth:`body`: one per ``since`` the followers send, ~a third of a poll's CPU)."""

    def __init__(self) -> None:
        self._reads: dict[str, tuple[float, RoomPoll, dict[int | None, bytes]]] = {}

    def get(self, code: str) -> RoomPoll | None:
        read = self._reads.get(code)
        return read[1] if read and time.monotonic() - read[0] < FRESH_S else None

    def latest(self, code: str) -> RoomPoll | None:
        """The last read of ``code``, however old."""
        read = self._reads.get(code)
        return read[1] if read else None

    def put(self, code: str, poll: RoomPoll) -> None:
        self._reads.pop(code, None)
        self._reads[code] = (time.monotonic(), poll, {})
        while len(self._reads) > ROOMS_KEPT:
            self._reads.pop(next(iter(self._reads)))

    def body(self, code: str, poll: RoomPoll, since: int | None) -> bytes:
        """The JSON answer to ``since`` from ``poll``, kept while it is the room's read."""
        from services.rooms import poll_answer

        read = self._reads.get(code)
        bodies = read[2] if read and read[1] is poll else {}
        if since not in bodies:
            if len(bodies) >= BODIES_KEPT:  # versions nobody has: not kept for ever
                bodies.clear()
            bodies[since] = _json(poll_answer(poll, since))
        return bodies[since]


_RECENT = _Recent()


def recent_poll(code: str, version: int) -> RoomPoll | None:
    """Room ``code`` as the polls last read it, when that read holds ``version`` or a later one
    and the room was live, else None (read the database). A structural move reruns every
    follower's session at once (ui/rooms.py): each takes the read its own browser's poll was
    answered from (at least as new as what the browser asked for) instead of a database read
    of its own."""
    poll = _RECENT.latest(code)
    return None if poll is None or poll.ended or poll.version < version else poll


async def answer(raw_code: str, raw_since: str | None) -> tuple[int, bytes]:
    """(HTTP status, JSON) for a poll: the room's version and (when not ``since``) its view;
    400 for a malformed code, 404 for no such room, 503 while the database cannot be reached
    (the browser asks again). A read less than :data:`FRESH_S` old is answered on the event
    loop; a new one runs on Starlette's thread pool, off the loop, once for all the polls that
    come while it runs (:func:`_fresh_read`)."""
    from services.io.drafts_db import DraftsUnavailable
    from services.rooms import RoomError, RoomNotFound, check_code

    try:
        code = check_code(raw_code)
        poll = _RECENT.get(code) or await _fresh_read(code)
        return 200, _RECENT.body(code, poll, _since(raw_since))
    except RoomNotFound as exc:
        return 404, _json({"error": str(exc)})
    except RoomError as exc:
        return 400, _json({"error": str(exc)})
    except DraftsUnavailable as exc:
        return 503, _json({"error": str(exc)})


_READING: dict[str, asyncio.Future] = {}


async def _fresh_read(code: str) -> RoomPoll:
    """The room read from the database, one read at a time per room: when the last read grew
    stale, the next 0.1 s of the followers' polls (a dozen or more) each started a read of
    their own on the thread pool before the first was back."""
    reading = _READING.get(code)
    if reading is None or reading.get_loop() is not asyncio.get_running_loop():
        reading = _READING[code] = asyncio.ensure_future(_read(code))
        reading.add_done_callback(lambda done: _READING.pop(code, None)
                                  if _READING.get(code) is done else None)
    return await asyncio.shield(reading)  # a poll given up does not cancel the others' read


async def _read(code: str) -> RoomPoll:
    poll = await run_in_threadpool(shared_rooms().poll, code)
    _RECENT.put(code, poll)
    return poll


def _json(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def shared_rooms() -> RoomsDB:
    from services.io import rooms_db

    return rooms_db.shared_rooms()


class RoomPolls:
    """ASGI middleware: ``GET ROUTE_PREFIX/{code}`` answered here, anything else passed on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(ROUTE_PREFIX + "/"):
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            status, data = 405, _json({"error": "the room route is read-only: GET it"})
        else:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            status, data = await answer(path[len(ROUTE_PREFIX) + 1:],
                                        query.get("since", [None])[0])
        await send({"type": "http.response.start", "status": status,
                    "headers": [*_HEADERS, (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})


MIDDLEWARE = [Middleware(RoomPolls)]
