"""One store and one workspace per generation per server process, in a module light enough to
load before any session: ``python -m ui.serve`` starts loading them while the server starts
(importing the map widget there would register it outside Streamlit's runtime)."""

from __future__ import annotations

import streamlit as st

from layers import GENERATIONS, LATEST
from services.io.sources import load_manifest
from services.io.store import Store, load_store
from services.workspace import Workspace


@st.cache_resource(show_spinner="Loading the geography store (first visit only)…")
def shared_store() -> Store:
    return load_store()


@st.cache_resource(show_spinner=False)
def shared_workspace(generation: str = LATEST) -> Workspace:
    """The engine over one generation; every session viewing that generation shares it."""
    return Workspace(shared_store(), generation)


@st.cache_resource(show_spinner=False)
def shared_attribution() -> str:
    """The data's attribution, read once per process (parsing the manifest takes ~12 ms and
    every page ends with it)."""
    return " ".join(load_manifest().attribution.values())


def warm_up() -> None:
    """Every generation's workspace, as the launcher loads them before the first visitor, with
    what every view's first map needs whatever it shows: the backdrop drawn when there is no
    basemap (~0.3 s per generation) and the default places scheme (the landing page's, and any
    ICB's until another is chosen). The latest generation first: most first visits are there."""
    from services.backdrop import backdrop  # folium: loaded here, never by ui.shared's importers
    from services.places import DEFAULT_SCHEME

    for generation in GENERATIONS:
        shared_workspace(generation)
    for generation in (LATEST, *(g for g in GENERATIONS if g != LATEST)):
        backdrop(shared_workspace(generation))
        shared_workspace(generation).places(DEFAULT_SCHEME)
