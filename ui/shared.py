"""One store and one workspace per generation per server process, in a module light enough to
load before any session: ``python -m ui.serve`` starts loading them while the server starts
(importing the map widget there would register it outside Streamlit's runtime). Only the
store's own imports are at the top, so the store starts loading as soon as the server does;
the engine's imports follow while it loads (:func:`warm_up`)."""

from __future__ import annotations

import importlib
import inspect
import threading
from typing import TYPE_CHECKING

import streamlit as st

from layers import GENERATIONS, LATEST
from services.io.store import Store, load_store

if TYPE_CHECKING:
    from services.workspace import Workspace

#: The modules every first map imports that declare no Streamlit component (the map page's own
#: imports, ~1 s on a quiet machine; folium's plugins, which streamlit-folium imports, and the
#: search box's index), imported by :func:`warm_up` instead of by the first visitor's run.
FIRST_MAP_MODULES = ("services.flags", "services.here", "services.highlight",
                     "services.map_labels", "services.map_view", "folium.plugins",
                     "services.search", "services.icb_drafts", "services.changes_areas",
                     "services.measures", "services.io.pending_saves")


#: Set when a page has finished its first run in this process (ui/frame.py, ``finish_run``).
FIRST_PAGE_SHOWN = threading.Event()
#: Set when a browser first reports a map's position (ui/map_widget.py): it has drawn the map.
FIRST_MAP_DRAWN = threading.Event()
#: How long :func:`warm_up` keeps what only some first pages need for after the first page, and
#: then for after the browser has drawn its map (its frame's scripts come from this server, so
#: the rest competed with sending them: ~0.3 s of CPU just after the server's first run).
FIRST_PAGE_WAIT_S = 20.0
FIRST_MAP_WAIT_S = 3.0


@st.cache_resource(show_spinner="Loading the geography store (first visit only)…")
def shared_store() -> Store:
    return load_store()


@st.cache_resource(show_spinner=False)
def shared_workspace(generation: str = LATEST) -> Workspace:
    """The engine over one generation; every session viewing that generation shares it."""
    from services.workspace import Workspace

    return Workspace(shared_store(), generation)


@st.cache_resource(show_spinner=False)
def shared_attribution() -> str:
    """The data's attribution, read once per process (parsing the manifest takes ~12 ms and
    every page ends with it)."""
    from services.io.sources import load_manifest

    return " ".join(load_manifest().attribution.values())


def warm_up() -> None:
    """What every first map waits for, in the order it needs it, before the first visitor
    comes (the browser takes seconds to load Streamlit's own page first): the store, then for
    the latest generation (where most first visits are) its workspace, the backdrop drawn when
    there is no basemap (~0.1 s) and the modules a first map imports (folium and the flag
    rules: ~1 s on a quiet machine). What only some first pages need (the default places
    scheme: the landing page's and any ICB's until another is chosen, ~0.2 s; the other
    generations' workspaces) is :func:`warm_up_rest`, for after the first page: the first
    visitor usually arrives while this still runs, and a page that needs one of them makes it
    itself."""
    shared_store()
    from services.backdrop import backdrop  # folium: loaded here, never by ui.shared's importers

    backdrop(shared_workspace(LATEST))
    for module in FIRST_MAP_MODULES:
        importlib.import_module(module)
    _index_module_files()


def warm_up_rest() -> None:
    """What only some first pages need, once the first page is shown and its map drawn (or
    after a wait: a first page may have no map)."""
    from services.places import DEFAULT_SCHEME

    FIRST_PAGE_SHOWN.wait(FIRST_PAGE_WAIT_S)
    FIRST_MAP_DRAWN.wait(FIRST_MAP_WAIT_S)
    shared_workspace(LATEST).places(DEFAULT_SCHEME)
    for generation in GENERATIONS:
        shared_workspace(generation)


def _index_module_files() -> None:
    """Have :func:`inspect.getmodule` index the loaded modules' files now. The first time it is
    asked about a file it has not seen, it resolves every loaded module's path (~2,000, ~0.3 s);
    Streamlit asks it for each custom component declared (the map, the search box) in the first
    visitor's run, which then only looks at the modules loaded since."""
    inspect.getmodule(None, _filename="<placemap: index the loaded modules>")
