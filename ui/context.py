"""The view this session shows: one workspace per generation per server process, the view state
(session ↔ URL) and what it selects (ICB, places, layers); navigation between pages.

Heavy work lives in ``services``; cached results per view are in ``ui/results.py``, the frame
around every page in ``ui/frame.py`` and the map widget in ``ui/map_widget.py``.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from layers import GENERATIONS, LATEST, LAYERS
from services.drafts import is_draft_ref
from services.geography import Geography
from services.io.place_files import PlaceFileError
from services.io.store import Store
from services.text import fill
from services.view_state import MAP_LAYERS, ViewState, read_link
from services.workspace import Workspace
from ui import draft_session, icb_draft, text
from ui.configs import config_names, custom_configs
from ui.derived import derived
from ui.keys import Key
from ui.shared import shared_workspace


def workspace() -> Workspace:
    """The engine over the view's generation: one per generation per server process, shared by
    every session (the view may not be read yet: then the link's generation, or the latest)."""
    _inside_the_frame()
    state = st.session_state.get(Key.VIEW)
    if state is not None:
        return icb_draft.workspace(state)
    linked = st.query_params.get("vintage", LATEST)
    return shared_workspace(linked if linked in GENERATIONS else LATEST)


def _inside_the_frame() -> None:
    """Run pages only inside ``app.py``'s frame. Until some session has run ``app.py`` (which
    calls ``st.navigation``), Streamlit treats the ``pages/`` folder as an old-style multipage
    app, so the first link a fresh server gets, e.g. ``/coverage?icb=...``, would run the page
    bare: no sidebar, no link state. Switching that mode off and rerunning the same page
    (an ``st.Page``'s hash is its URL path) brings the frame back."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.session_state[Key.LINK_PAGE] = _requested_page()  # the rerun names no page
        st.rerun()


def _requested_page() -> str:
    """The page path the browser asked for ("" for the app's root)."""
    ctx = get_script_run_ctx()
    return (ctx.pages_manager.intended_page_name or "") if ctx else ""


def view() -> ViewState:
    """This session's view, read once from the link it was opened with."""
    _inside_the_frame()
    if Key.VIEW not in st.session_state:
        open_link()
    return st.session_state[Key.VIEW]


def open_link(pages: Collection[str] | None = None) -> None:
    """Read the link this session was opened with (once), naming every part of it that is not
    used. ``pages``: the URL paths of the app's pages ("" for the default), when known. The raw
    query string is read because ``st.query_params`` keeps only the last of repeated keys and
    is empty for a query of more than 1,000 parameters."""
    if Key.VIEW in st.session_state:
        return
    ctx = get_script_run_ctx()
    page = st.session_state.pop(Key.LINK_PAGE, None) or _requested_page() if pages else ""
    state, problems = read_link(ctx.query_string if ctx else "", page, pages or ("",))
    state, draft_problems = draft_session.open_linked(state)  # may switch the generation
    state, icb_problems = icb_draft.opened(state)
    problems, ws = problems + draft_problems + icb_problems, icb_draft.workspace(state)
    if state.places not in config_names():
        problems.append(fill("place configuration {} is not known here (uploads stay in the "
                             "session that made them); showing the default scheme",
                             state.places))
        state = state.with_(places=ViewState().places)
    if state.icb and state.icb not in set(ws.store.layer("icb")["code"]):
        problems.append(fill("ICB {} is not an ICB as at {}; showing the first ICB by name "
                             "instead", state.icb, ws.generation.label))
        state = state.with_(icb="")
    if state.area and not any(state.area in ws.geography(i).names() for i in MAP_LAYERS
                              if ws.has(i) and i != "place") \
            and state.area not in _place_names(ws, state.places):
        problems.append(fill("area {} is not a code of any layer here, nor a place of {}; "
                             "nothing is selected", state.area, state.places))
        state = state.with_(area="")
    st.session_state[Key.VIEW] = state
    st.session_state[Key.LINK_PROBLEMS] = problems


def _place_names(ws: Workspace, config_name: str) -> pd.Series:
    """Names of a scheme's or published configuration's places (none if it does not resolve:
    :func:`places` then says why)."""
    try:
        return ws.places(custom_configs().get(config_name, config_name)).names()
    except (KeyError, PlaceFileError):
        return pd.Series(dtype=object)


def update(**changes) -> None:
    if "area" in changes:  # areas highlighted together go with the area they were chosen for
        changes.setdefault("highlight", ())
    st.session_state[Key.VIEW] = view().with_(**changes)


def sync_url() -> None:
    """Write the view into the address bar, so copying it shares exactly this view.

    ``st.query_params`` holds the address the browser had when it asked for this run, which can
    be older than what an earlier run wrote (a map reports its fitted view, then its linked
    position 250 ms later, before the first run's address has reached the browser). So the
    address is written when it differs from either; comparing with the request's alone would
    leave the earlier run's address in the bar."""
    query = view().to_query()
    asked = st.query_params.to_dict()
    if query != asked or query != st.session_state.get(Key.URL_WRITTEN, asked):
        st.query_params.from_dict(query)
        st.session_state[Key.URL_WRITTEN] = query


def share_link() -> str:
    base = st.context.url.split("?")[0] if st.context.url else ""
    query = urlencode(view().to_query(), safe=",")
    return f"{base}?{query}" if query else base


def places() -> Geography:
    """The chosen place configuration over England (resolved once per server, then cached)."""
    name = view().places
    try:
        config = (draft_session.config_for(name, view().vintage) if is_draft_ref(name)
                  else custom_configs().get(name, name))
        return workspace().places(config)
    except (KeyError, PlaceFileError, *draft_session.OPEN_ERRORS) as exc:
        text.warning("Place configuration {} cannot be used ({}); showing the default scheme "
                     "instead.", name, exc)
        update(places=ViewState().places)
        return workspace().places(ViewState().places)


def area_kept(new_places: Geography) -> str:
    """The selected area once ``new_places`` is the configuration shown: a store layer's code
    stays selected; a place only if the new configuration has a place of that name."""
    area = view().area
    if area and area in places().names() and area not in new_places.names():
        return ""
    return area


def icb_code() -> str:
    """The chosen ICB, or the first by name when the link names none."""
    code = view().icb
    if not code:
        code = next(iter(icb_names()))
        update(icb=code)
    return code


def icb_names() -> dict[str, str]:
    """The view's ICBs, code to name, in name order (made once per store)."""
    return derived(workspace().store, _icbs_by_name)


def _icbs_by_name(store: Store) -> dict[str, str]:
    icbs = store.layer("icb").sort_values("name")
    return dict(zip(icbs["code"].astype(str), icbs["name"].astype(str), strict=True))


def geography(layer_id: str) -> Geography:
    return places() if layer_id == "place" else workspace().geography(layer_id)


def subject_control(label: str, options: tuple[str, ...], holding: str = "") -> str:
    """The layer a page examines, shared by the pages and kept in the link. A layer this page
    does not offer shows as its first option without forgetting the linked one; an area the user
    picked elsewhere (``holding``, e.g. a council found by search) switches to its own layer."""
    options = tuple(i for i in options if workspace().has(i))
    shown = view().subject if view().subject in options else options[0]
    if holding and holding not in geography(shown).names():
        shown = next((i for i in options if holding in geography(i).names()), shown)
        update(subject=shown)
    chosen = st.segmented_control(label, options, default=shown,
                                  format_func=lambda i: LAYERS[i].title) or shown
    if chosen != shown:
        update(subject=chosen, area="")
    return chosen


def icb_name(code: str) -> str:
    return str(workspace().geography("icb").names()[code])


def show_on_map(layer_id: str, code: str, icb: str | None = None,
                highlight: tuple[str, ...] = ()) -> None:
    """Select an area and open the map on it, with its layer switched on so it can be seen;
    ``highlight`` ("layer:code"): areas shown with it, the map fitted to them all."""
    v = view()
    update(icb=icb or v.icb, area=code, layers=tuple(dict.fromkeys([*v.layers, layer_id])),
           lat=None, lon=None, zoom=None, highlight=highlight)
    st.session_state.pop(Key.MAP_START, None)  # fit the area, even if it was already selected
    st.switch_page("pages/map.py")
