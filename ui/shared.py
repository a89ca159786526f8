"""The one workspace per server process, in a module light enough to load before any session:
``python -m ui.serve`` starts loading it while the server starts (importing the map widget
there would register it outside Streamlit's runtime)."""

from __future__ import annotations

import streamlit as st

from services.io.store import load_store
from services.workspace import Workspace


@st.cache_resource(show_spinner="Loading the geography store (first visit only)…")
def shared_workspace() -> Workspace:
    return Workspace(load_store())
