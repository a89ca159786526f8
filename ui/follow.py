"""The follower's poller: a component with no height whose script (follow_frontend/index.html)
polls the room's route (ui/room_route.py) from the follower's browser.

Why not an ``st.fragment(run_every=…)``: each poll would be a script run on the server (~5–10 ms
of CPU each, more under load), so 50 followers at two polls a second held a core and left no
time for the runs that show a move (benchmarks/bench_rooms.py). Here a poll costs the server one
primary-key read and no script run; a new centre or zoom moves the follower's map in the
browser (Leaflet's setView in the map's frame, same origin), and only a new page, ICB, layers,
area or configuration (or the room's end) reruns the follower's session, once, through this
component's value. The map then reports its new position as after any pan, so the follower's
link stays exact.
"""

from __future__ import annotations

from pathlib import Path

import streamlit.components.v1 as components

from services.rooms import BROWSER_POLL_S
from ui.room_route import ROUTE_PREFIX

_COMPONENT = components.declare_component(
    "placemap_follow", path=str(Path(__file__).with_name("follow_frontend")))
#: The value the poller sets when the route says the room is over or gone.
ENDED = "ended"


def poller(code: str, where: str) -> int | str | None:
    """Poll room ``code`` from this browser; ``where`` is the room view's part needing a rerun
    (:func:`services.rooms.follow_view`) as this session shows it. Returns the version the
    browser asks this session to catch up to, :data:`ENDED`, or None (nothing asked yet)."""
    return _COMPONENT(code=code, where=where, route=ROUTE_PREFIX,
                      poll_ms=int(BROWSER_POLL_S * 1000), key=f"room-follow-{code}",
                      default=None)
