"""Streamlit glue shared by ``app.py`` and the pages: one workspace per server process, the view
state (session ↔ URL), cached results per view, the one sidebar, and the map widget.

Heavy work lives in ``services``; this module only decides what is cached and for how long.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlencode

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit_folium import st_folium  # noqa: F401  (ui/dual_map.py draws through it)

from layers import GENERATIONS, LATEST, LAYERS
from services.coterminosity import DEFAULT_SLIVER
from services.flags import misalignment_flags
from services.geography import Geography
from services.io.place_files import PlaceFileError, published_configurations
from services.map_view import SELECTED_COLOUR, legend_rows, map_features
from services.places import SCHEMES, PlaceConfig, session_label
from services.text import fill
from services.view_state import MAP_LAYERS, SLIVER_RANGE, THRESHOLD_RANGE, ViewState, read_link
from services.vintages import successors
from services.workspace import Workspace
from ui import text
from ui.map_widget import RenderedMap, render_map, send_map
from ui.shared import shared_attribution, shared_workspace


def workspace() -> Workspace:
    """The engine over the view's generation: one per generation per server process, shared by
    every session (the view may not be read yet: then the link's generation, or the latest)."""
    _inside_the_frame()
    state = st.session_state.get("view")
    if state is not None:
        return shared_workspace(state.vintage)
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
        st.session_state["link_page"] = _requested_page()  # the rerun names no page
        st.rerun()


def _requested_page() -> str:
    """The page path the browser asked for ("" for the app's root)."""
    ctx = get_script_run_ctx()
    return (ctx.pages_manager.intended_page_name or "") if ctx else ""


def view() -> ViewState:
    """This session's view, read once from the link it was opened with."""
    _inside_the_frame()
    if "view" not in st.session_state:
        open_link()
    return st.session_state["view"]


def open_link(pages: Collection[str] | None = None) -> None:
    """Read the link this session was opened with (once), naming every part of it that is not
    used. ``pages``: the URL paths of the app's pages ("" for the default), when known. The raw
    query string is read because ``st.query_params`` keeps only the last of repeated keys and
    is empty for a query of more than 1,000 parameters."""
    if "view" in st.session_state:
        return
    ctx = get_script_run_ctx()
    page = st.session_state.pop("link_page", None) or _requested_page() if pages else ""
    state, problems = read_link(ctx.query_string if ctx else "", page, pages or ("",))
    if state.places not in config_names():
        problems.append(fill("place configuration {} is not known here (uploads stay in the "
                             "session that made them); showing the default scheme",
                             state.places))
        state = state.with_(places=ViewState().places)
    if state.icb and state.icb not in set(workspace().store.layer("icb")["code"]):
        problems.append(fill("ICB {} is not an ICB as at {}; showing the first ICB by name "
                             "instead", state.icb, workspace().generation.label))
        state = state.with_(icb="")
    if state.area and not any(state.area in geography(i).names() for i in MAP_LAYERS
                              if workspace().has(i) and i != "place") \
            and state.area not in _place_names(state.places):
        problems.append(fill("area {} is not a code of any layer here, nor a place of {}; "
                             "nothing is selected", state.area, state.places))
        state = state.with_(area="")
    st.session_state["view"] = state
    st.session_state["link_problems"] = problems


def _place_names(config_name: str) -> pd.Series:
    """Names of a scheme's or published configuration's places (none if it does not resolve:
    :func:`places` then says why)."""
    try:
        return workspace().places(config_name).names()
    except (KeyError, PlaceFileError):
        return pd.Series(dtype=object)


def link_problems() -> None:
    """What could not be restored from the link this session was opened with."""
    problems = st.session_state.get("link_problems", [])
    if problems:  # one warning, each problem already inert (services.text.fill)
        text.warning("The link was not used in full:\n" + "".join(f"\n- {problem}."
                                                                for problem in problems))


def update(**changes) -> None:
    st.session_state["view"] = view().with_(**changes)


def finish_run(page_title: str) -> None:
    """After every page: the link holds the view, the share box shows it, and the map knows
    whether its next run is a return to it (see :func:`_start_position`)."""
    sync_url()
    show_share_link()
    st.session_state["last_page"] = page_title


def sync_url() -> None:
    """Write the view into the address bar, so copying it shares exactly this view."""
    query = view().to_query()
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def share_link() -> str:
    base = st.context.url.split("?")[0] if st.context.url else ""
    query = urlencode(view().to_query(), safe=",")
    return f"{base}?{query}" if query else base


def custom_configs() -> dict[str, PlaceConfig]:
    return st.session_state.setdefault("custom_places", {})


def config_names() -> list[str]:
    return [*SCHEMES, *published_configurations(), *custom_configs()]


def config_label(name: str) -> str:
    if name in SCHEMES:
        return f"Scheme: {SCHEMES[name]}"
    if name in custom_configs():
        return session_label(name, custom_configs()[name].name)
    return f"Published: {name.replace('_', ' ').title()}"


def places() -> Geography:
    """The chosen place configuration over England (resolved once per server, then cached)."""
    name = view().places
    config = custom_configs().get(name, name)
    try:
        return workspace().places(config)
    except (KeyError, PlaceFileError) as exc:
        text.warning("Place configuration {} cannot be used ({}); showing the default scheme "
                     "instead.", name, exc)
        update(places=ViewState().places)
        return workspace().places(ViewState().places)


def icb_code() -> str:
    """The chosen ICB, or the first by name when the link names none."""
    code = view().icb
    if not code:
        code = str(workspace().store.layer("icb").sort_values("name")["code"].iloc[0])
        update(icb=code)
    return code


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


# Results per view, shared by every session and never copied (cache_resource): read-only.
@st.cache_resource(show_spinner="Checking alignment…", max_entries=64)
def flags(_places: Geography, places_key: str, icb: str, threshold: float,
          sliver: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    return misalignment_flags(workspace(), _places, icb, threshold=threshold, sliver=sliver)


@st.cache_resource(show_spinner="Preparing the map…", max_entries=64)
def features(_places: Geography, places_key: str, icb: str, layers: tuple[str, ...],
             threshold: float, sliver: float) -> dict[str, gpd.GeoDataFrame]:
    flagged = frozenset(flags(_places, places_key, icb, threshold, sliver)[0]["code"])
    return map_features(workspace(), icb, _places, layers, flagged, threshold=threshold,
                        sliver=sliver)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=64)
def rendered_map(_places: Geography, places_key: str, icb: str, layers: tuple[str, ...],
                 threshold: float, sliver: float, selected: str, basemap: bool,
                 key: str) -> RenderedMap:
    """The map as the widget sends it, drawn once per server (ui/map_widget.py)."""
    drawn = features(_places, places_key, icb, layers, threshold, sliver)
    return render_map(drawn, selected=selected, basemap=basemap, key=key,
                      returned_objects=["center", "zoom"])


def current_flags() -> tuple[pd.DataFrame, pd.DataFrame]:
    v, geography = view(), places()
    return flags(geography, geography.key, icb_code(), v.threshold, v.sliver)


def current_map(key: str) -> RenderedMap:
    v, geography = view(), places()
    return rendered_map(geography, geography.key, icb_code(), v.layers, v.threshold, v.sliver,
                        v.area, v.basemap, key)


def show_map(rendered: RenderedMap, key: str, height: int = 640) -> dict | None:
    """The one place the map widget is sent (tests replace ``send_map``). Only centre and zoom
    come back, so a pan or zoom reruns the map fragment alone, never the whole page."""
    return send_map(rendered, height, **_start_position(key))


def _start_position(key: str) -> dict:
    """Centre and zoom for a map whose content has just changed, then the same values for as
    long as the content stays the same. streamlit-folium moves the map whenever these arguments
    change, so feeding back the position the map has just reported (one step late) makes it
    jump between the last two positions for ever."""
    v = view()
    content = (key, v.with_(lat=None, lon=None, zoom=None), places().key)
    started = st.session_state.get("map_start")
    arriving = st.session_state.get("last_page") != "Map"  # a new map widget: start afresh
    if started is None or started[0] != content or arriving:
        position = {}
        if v.lat is not None and v.lon is not None and v.zoom is not None:
            position = {"center": (v.lat, v.lon), "zoom": v.zoom}
        started = st.session_state["map_start"] = (content, position)
    return started[1]


def remember_map_position(state: dict | None) -> None:
    """Keep the map's centre and zoom in the view and the link. Called by the map fragment on
    every run, full or partial, because a fragment may only refill the sidebar's share box on
    its own reruns if it also writes it during full runs."""
    if state and state.get("center") and state.get("zoom") is not None:
        _remember(state)
    show_share_link()


def _remember(state: dict) -> None:
    lat = round(float(state["center"]["lat"]), 5)
    lon = round(float(state["center"]["lng"]), 5)
    zoom = int(state["zoom"])
    v = view()
    if (lat, lon, zoom) != (v.lat, v.lon, v.zoom) and 49 <= lat <= 56.5 and -7 <= lon <= 2.5:
        update(lat=lat, lon=lon, zoom=zoom)
        sync_url()


def show_on_map(layer_id: str, code: str, icb: str | None = None) -> None:
    """Select an area and open the map on it, with its layer switched on so it can be seen."""
    v = view()
    update(icb=icb or v.icb, area=code, layers=tuple(dict.fromkeys([*v.layers, layer_id])),
           lat=None, lon=None, zoom=None)
    st.session_state.pop("map_start", None)  # fit the area, even if it was already selected
    st.switch_page("pages/map.py")


def legend(layer_ids: tuple[str, ...]) -> None:
    rows = legend_rows(layer_ids) + ([("Selected", SELECTED_COLOUR, 6)] if view().area else [])
    items = " &nbsp; ".join(
        f"<span style='border-bottom:{max(weight, 1.5):.0f}px solid {colour};padding:0 4px'>"
        f"{title}</span>" for title, colour, weight in rows)
    st.markdown(f"<div style='font-size:0.9rem'>{items}</div>", unsafe_allow_html=True)
    if "place" in layer_ids:
        st.caption("Place fill: green coterminous with one HWB area, blue within one, light blue "
                   "a union of whole HWB areas, orange straddles. Dashed outline: flagged.")
    elif not layer_ids:
        st.info("No layer is switched on: choose layers in the sidebar.")


def presentation_frame() -> None:
    """Presentation mode on every page: no sidebar, and one way back."""
    st.markdown("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl']"
                "{display:none}</style>", unsafe_allow_html=True)
    if st.button("Exit presentation mode", icon=":material/close_fullscreen:"):
        update(present=False)
        st.rerun()


def attribution() -> None:
    """Every page ends with the vintage of what it showed and the data's attribution."""
    st.caption(_vintages(workspace()))
    st.caption(shared_attribution())


def sidebar() -> None:
    """The one sidebar: find, ICB, places, layers, thresholds, map options, share, data."""
    ws, v = workspace(), view()
    with st.sidebar:
        _boundaries_as_at(v)
        _find(ws)
        icbs = ws.store.layer("icb").sort_values("name")
        codes = icbs["code"].tolist()
        chosen = st.selectbox("ICB", codes, index=codes.index(icb_code()),
                              format_func=dict(zip(icbs["code"], icbs["name"], strict=True)).get)
        changes: dict = {}
        if chosen != v.icb:
            changes.update(icb=chosen, area="", lat=None, lon=None, zoom=None)
        names = config_names()
        labels = {name: config_label(name) for name in names}  # read the session now
        name = st.selectbox("Places", names, index=names.index(v.places) if v.places in names
                            else 0, format_func=labels.__getitem__)
        if name != v.places:
            changes.update(places=name, area="")
        available = [i for i in MAP_LAYERS if ws.has(i)]
        layers = st.multiselect("Layers", available, default=[i for i in v.layers
                                                              if i in available],
                                format_func=lambda i: LAYERS[i].title)
        threshold = st.slider("Coterminous when both population shares ≥", *THRESHOLD_RANGE,
                              v.threshold, 0.005, format="%.3f")
        sliver = st.slider("Sliver below (share of the smaller area)", *SLIVER_RANGE, v.sliver,
                           0.001, format="%.3f", help=f"Default {DEFAULT_SLIVER}")
        basemap = st.toggle("Basemap", v.basemap, help="Off for offline rooms")
        present = st.toggle("Presentation mode", v.present)
        settings = {"layers": tuple(layers), "threshold": threshold, "sliver": sliver,
                    "basemap": basemap, "present": present}
        changes.update({key: value for key, value in settings.items()
                        if getattr(v, key) != value})
        if changes:  # rerun at once, so the page and the frame never show the old view
            update(**changes)
            st.rerun()
        st.session_state["share_slot"] = st.empty()
        st.caption(_vintages(ws))


def _boundaries_as_at(v: ViewState) -> None:
    """The generation choice. Switching keeps the map where it is and the ICB that holds most of
    the current ICB's people in the other generation (Frimley → its largest receiver)."""
    labels = {g.id: g.label + (" (current)" if g.id == LATEST else "")
              for g in GENERATIONS.values()}
    chosen = st.selectbox("Boundaries as at", list(labels), index=list(labels).index(v.vintage),
                          format_func=labels.get,
                          help="Codes are never joined across generations: each is compared "
                               "through the LSOA 2021 population spine.")
    if chosen != v.vintage:
        icb = successors(workspace().store, "icb", v.vintage, chosen).get(v.icb, "")
        update(vintage=chosen, icb=icb, area="")
        st.rerun()


def show_share_link() -> None:
    """Fill the sidebar's share box with the view as it is now: called after the page has run
    and from the map fragment after a pan, so the copied link is never a step behind."""
    slot = st.session_state.get("share_slot")
    if slot is None or view().present:
        return
    with slot.container():
        st.markdown("**Share this view**")
        st.code(share_link(), language=None, wrap_lines=True)


def _find(ws: Workspace) -> None:
    text = st.text_input("Find a council, ward, place or PCN", placeholder="e.g. Craven")
    if not text:
        return
    hits = ws.search(text, places())
    if hits.empty:
        st.caption(f"No match among the councils, wards, places or PCNs as at "
                   f"{ws.generation.label}.")
        return
    labels = [f"{r.name} ({LAYERS[r.layer].title}, {r.code})" for r in hits.itertuples()]
    pick = st.selectbox("Matches", range(len(hits)), format_func=labels.__getitem__)
    if st.button("Show on map"):
        hit = hits.iloc[pick]
        show_on_map(hit["layer"], hit["code"], icb=hit["icb_code"])


def _vintages(ws: Workspace) -> str:
    parts = [f"{layer.title}: {layer.vintage.label}" for layer in ws.generation.stored_layers()
             if ws.has(layer.id)]
    return (f"Boundaries as at {ws.generation.label}. " + "; ".join(parts)
            + f". Store built {ws.store.meta['built_at']}.")
