"""The frame of a session following a live room: the page as the presenter shows it, with a
lean sidebar (what is followed, the share box) instead of the controls.

While following, the view is the presenter's: an ICB, places, layers or thresholds picked in
the sidebar would be replaced at the presenter's next change, so the controls would only cost
the server a sidebar per run. Each of the presenter's page or ICB changes reruns every
follower's session at once (ui/rooms.py): the sidebar's widgets were ~20% of each such run
(benchmarks/bench_rooms.py, py-spy). Switching off "Follow the presenter" (the room bar above
the page) brings the controls back at once.
"""

from __future__ import annotations

import streamlit as st

from services.rooms import display_code
from ui import context, frame


def sidebar() -> None:
    """The follower's sidebar: whose view this is, how to take the controls, the share box."""
    with st.sidebar:
        st.markdown(f"**Following room {display_code(context.view().room)}**")
        st.caption("You see the presenter's view: its page, ICB, places, layers and settings. "
                   "Switch following off above the page to choose your own.")
        frame.share_slot()
