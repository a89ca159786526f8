"""The one HTTP route followers' browsers poll: ``GET /_placemap/room/{code}?since=VERSION``.

A follower polled from an ``st.fragment(run_every=…)`` costs a Streamlit script run per poll
(~5–10 ms of server CPU each, more under load): 50 followers at two polls a second held a core
(benchmarks/bench_rooms.py). Polled here, a poll is one primary-key read and a small JSON answer
with no script run; the follower's browser (ui/follow.py) moves its map itself and reruns its
session only when more than the position changed. Read-only: it never writes, and never returns
the presenter's token (:func:`services.rooms.poll_answer`). Served by ui/serve.py beside
Streamlit's own routes, on the same 127.0.0.1 address.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.io.drafts_db import DraftsUnavailable
from services.io.rooms_db import shared_rooms
from services.rooms import RoomError, RoomNotFound, check_code, poll_answer

ROUTE_PREFIX = "/_placemap/room"
_VERSION_MAX_DIGITS = 12  # a longer ``since`` is no version of ours: read as none
_HEADERS = {"Cache-Control": "no-store"}


def _since(raw: str | None) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= _VERSION_MAX_DIGITS:
        return int(raw)
    return None


def room_poll(request: Request) -> JSONResponse:
    """The room's version and (when not ``since``) its view; 400 for a malformed code, 404 for
    no such room, 503 while the database cannot be reached (the browser asks again). A sync
    endpoint: Starlette runs it on its thread pool, off the event loop."""
    try:
        code = check_code(request.path_params["code"])
        answer = poll_answer(shared_rooms().poll(code), _since(request.query_params.get("since")))
    except RoomNotFound as exc:
        return JSONResponse({"error": str(exc)}, 404, _HEADERS)
    except RoomError as exc:
        return JSONResponse({"error": str(exc)}, 400, _HEADERS)
    except DraftsUnavailable as exc:
        return JSONResponse({"error": str(exc)}, 503, _HEADERS)
    return JSONResponse(answer, headers=_HEADERS)


ROUTES = [Route(ROUTE_PREFIX + "/{code}", room_poll, methods=["GET"])]
