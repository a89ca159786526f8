"""The basemap: on when the view asks for it and this server can reach the tile host; when it
cannot, the maps draw the store's backdrop instead and the page says why."""

from __future__ import annotations

import streamlit as st

from services.io.tiles import tiles_reachable
from ui import context

UNREACHABLE = "Basemap off: tiles cannot be reached from this server."


def shown() -> bool:
    """Whether the maps draw tiles (never when the tile host is unreachable)."""
    return context.view().basemap and tiles_reachable()


def toggle(asked: bool) -> bool:
    """The sidebar's switch; disabled, showing the view's own choice, when tiles are
    unreachable (so a link made here keeps asking for a basemap where there is one)."""
    reachable = tiles_reachable()
    chosen = st.toggle("Basemap", asked, disabled=not reachable,
                       help="Off for offline rooms" if reachable else UNREACHABLE)
    if not reachable:
        st.caption(UNREACHABLE)
    return chosen


def explain() -> None:
    """Under a map: why it has no basemap, when the view asked for one."""
    if context.view().basemap and not tiles_reachable():
        st.caption(UNREACHABLE)
