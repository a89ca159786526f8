"""``python -m ui.serve [port]``: the dashboard on 127.0.0.1 (what ``make run`` starts). The
store loads as soon as the server is up, while the first browser loads Streamlit's page, instead
of after the first session has asked for it, as a plain ``streamlit run app.py`` would. Not
before the server is up: loading (Python work, like the server's own start-up) would take half
of the interpreter's time from the start-up, and the browser could not fetch the page until both
were done (a cold start's server answered 1.5-3 s later than the floor app's).

Streamlit's source watcher is off (``server.fileWatcherType none``): it reloads the app when its
files are edited, which a served dashboard never needs, and it costs every session after every
run a walk over all ~2,000 loaded modules' paths on the server's event loop thread, which took
more CPU than the page runs themselves (4x under 50 sessions; benchmarks/bench_load.py). Run
``streamlit run app.py`` to develop with reload on save.

Streamlit's full garbage collection after every run is off too (``runner.postScriptGC false``):
it walks every object the process holds (the store, the cached views, ~2,000 modules), ~0.2 s
of CPU per run, more than most page runs (yappi under 20 sessions: 43% of the server's CPU).
Reference counting frees a run's objects as it ends; Python's own generational collector still
collects cycles, and the objects loaded before the first visitor are frozen out of its walks
(:func:`gc.freeze`), so even its full collections stay short.

The app is served as an ``st.App`` so that the route followers' browsers poll
(ui/room_route.py) is answered ahead of Streamlit's own middleware, by the same server on the same
address."""

from __future__ import annotations

import gc
import socket
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import streamlit as st

APP = Path(__file__).resolve().parents[1] / "app.py"


def _ask_for_tiles() -> None:
    """Whether tiles can be reached, asked once as the server starts, beside the loading: a
    network wait (up to its timeout offline) that no session's map should wait for."""
    from services.io.tiles import tiles_reachable

    tiles_reachable()


def _load_workspace() -> None:
    from services.io.store import StoreMissingError
    from ui.shared import warm_up, warm_up_rest

    with suppress(StoreMissingError):  # the first session shows it and says what to do
        warm_up()
        gc.collect()
        gc.freeze()  # the store, kept for the process's life: never walked by a collection again
        warm_up_rest()


def _keep_queries_of_many_parameters() -> None:
    """Streamlit drops a query of more than 1,000 parameters whole before the app sees it (the
    link's ICB lost, nothing said). The app bounds and names them itself
    (:func:`services.view_state.read_link`, linear in the query's length), so only Streamlit's
    cap on characters is kept: a longer query is cut at its last ``&`` within the cap."""
    from streamlit.runtime import app_session
    from streamlit.runtime.state.query_params import CLIENT_STATE_QUERY_STRING_MAX_LENGTH

    def bounded(query: str) -> str:
        if len(query) <= CLIENT_STATE_QUERY_STRING_MAX_LENGTH:
            return query
        return query[:max(query.rfind("&", 0, CLIENT_STATE_QUERY_STRING_MAX_LENGTH), 0)]

    app_session.sanitize_query_string = bounded


def _no_delay_on_connections() -> None:
    """Streamlit binds its listening socket without naming TCP as its protocol, and asyncio
    turns Nagle's algorithm off only on connections accepted from a socket that names it: each
    answer written in two parts (headers, then body) waited for the client's delayed ACK, ~40 ms
    a request (a health check, a follower's room poll) on an idle server. The socket is named
    TCP here; its connections then send at once (TCP_NODELAY)."""
    from streamlit.web.server.starlette import starlette_server

    bind = starlette_server._bind_socket

    def bound(address: str, port: int, backlog: int) -> socket.socket:
        sock = bind(address, port, backlog)
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto:
            return sock
        named = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        named.setblocking(False)
        return named

    starlette_server._bind_socket = bound


@asynccontextmanager
async def _load_once_serving(_app: st.App) -> AsyncIterator[None]:
    """The server's start-up hook (its runtime is up, its socket about to listen)."""
    threading.Thread(target=_ask_for_tiles, daemon=True).start()
    threading.Thread(target=_load_workspace, daemon=True).start()
    yield


def main(port: str = "8501") -> None:
    _keep_queries_of_many_parameters()
    _no_delay_on_connections()
    from ui import loop_batches, run_overheads
    from ui.room_route import MIDDLEWARE

    run_overheads.install()
    loop_batches.install()
    sys.argv = [str(APP)]  # the launcher's folder holds .streamlit/ and static/: app.py's
    st.App(APP, middleware=MIDDLEWARE, lifespan=_load_once_serving).run(config={
        "server.address": "127.0.0.1", "server.port": int(port), "server.headless": True,
        "server.fileWatcherType": "none", "runner.postScriptGC": False,
        "browser.gatherUsageStats": False})


if __name__ == "__main__":
    main(*sys.argv[1:2])
