"""The follower's poller: a component with no height whose script (follow_frontend/index.html)
polls the room's route (ui/room_route.py) from the follower's browser.

Why not an ``st.fragment(run_every=…)``: each poll would be a script run on the server (~5–10 ms
of CPU each, more under load), so 50 followers at two polls a second held a core and left no
time for the runs that show a move (benchmarks/bench_rooms.py). Here a poll costs the server one
primary-key read and no script run; a new centre or zoom moves the follower's map in the
browser (Leaflet's setView in the map's frame, same origin), and only a new page, ICB, layers,
area or configuration (or the room's end) reruns the follower's session, once, through this
component's value. A move made here is not reported back by the map (it would be one map rerun
per follower per move): the session takes the room's centre and zoom itself on its next run and
when it stops following (ui/rooms.py), and sends them to the map, so its link holds what the map
shows.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from services.rooms import BROWSER_POLL_S
from ui.keys import Key
from ui.room_route import ROUTE_PREFIX

_COMPONENT = components.declare_component(
    "placemap_follow", path=str(Path(__file__).with_name("follow_frontend")))
#: The value the poller sets when the route says the room is over or gone.
ENDED = "ended"


def _key(code: str) -> str:
    return f"{Key.ROOM_POLLER}-{code}"


def asked(code: str) -> int | str | None:
    """What this browser's poller asked for: the room version to catch up to, :data:`ENDED`,
    or None (nothing yet). Read before :func:`poller` is drawn, so it is drawn caught up."""
    return st.session_state.get(_key(code))


def poller(code: str, where: str) -> None:
    """Poll room ``code`` from this browser; ``where`` is the part of the room's view that
    needs a rerun (:func:`services.rooms.follow_view`), as this session last caught up to it."""
    _COMPONENT(code=code, where=where, route=ROUTE_PREFIX, poll_ms=int(BROWSER_POLL_S * 1000),
               key=_key(code), default=None)
