"""The map widget: streamlit-folium's rendering of a map, done once per server for each map.

``st_folium`` turns a folium map into Leaflet script and HTML on every call: for an ICB's map
that is ~0.2 s of server CPU (jinja templates compiled per element, every feature's GeoJSON
dumped, styled and walked for its bounds, then the whole script hashed), paid again by every
new session and every pan. What it sends depends only on the map and the widget key, so the map
is rendered once by ``st_folium`` itself with its component call captured
(:func:`render_map`), and each session sends the captured arguments, with its own start
position, to the same component (:func:`send_map`). Cached with ``st.cache_resource`` (ui/results
.py): shared by every session, treated read-only, never the folium map itself (~10x the
GeoJSON's size in Python objects).
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from functools import cached_property

import folium
import geopandas as gpd
import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium  # noqa: F401  (the one folium widget call: tests replace it)

from services.backdrop import Backdrop
from services.map_labels import Labels
from services.map_view import SELECTED_COLOUR, build_map, geojson_size_bytes, legend_rows
from services.palette import CLASS_PALETTE
from ui import context, frame, rooms
from ui.keys import Key
from ui.shared import FIRST_MAP_DRAWN

#: Per session and per call: everything else st_folium sends (its on_change callback included,
#: which reads the calling session's state) is the same for every session.
SESSION_ARGUMENTS = ("center", "zoom", "height")
#: What the map sends back: the position (kept in the link) and the last click (see
#: :func:`new_click`). Each change reruns the map fragment only.
RETURNED_OBJECTS = ["center", "zoom", "last_clicked"]
#: The map fills its frame once the frame has a height, so presentation mode can size the frame
#: to the screen with CSS (ui/frame.py); elsewhere the frame is the widget's height, so nothing
#: changes (while the frame is 0 px high the widget's own height holds, so the map fits right).
FILL_FRAME_CSS = "<style>@media (min-height: 1px) { #map_div { height: 100vh !important } }</style>"


@dataclass(frozen=True)
class RenderedMap:
    """What st_folium sends for one map (read-only), and what the page says about it."""
    arguments: dict = field(repr=False)
    areas: int
    features: dict[str, gpd.GeoDataFrame] = field(repr=False, compare=False)

    @cached_property
    def geojson_bytes(self) -> int:
        """Measured when first asked, after the map is sent (from the geometry texts the map
        was written from: services/geojson_text.py)."""
        return geojson_size_bytes(self.features)


def render_map(features: dict[str, gpd.GeoDataFrame], *, selected: str, basemap: bool, key: str,
               returned_objects: list[str], highlight: gpd.GeoDataFrame | None = None,
               backdrop: Backdrop | None = None, labels: Labels | None = None,
               panes: bool = False) -> RenderedMap:
    """Draw the map (services/map_view.py) and run ``st_folium`` on it, capturing the arguments
    it passes to its component instead of sending them (a copy of the function whose component
    is the recorder, so no other thread's call is affected)."""
    fmap = build_map(features, selected=selected, basemap=basemap, highlight=highlight,
                     backdrop=backdrop, labels=labels, panes=panes)
    fmap.get_root().header.add_child(folium.Element(FILL_FRAME_CSS))
    captured: dict = {}
    capture = types.FunctionType(
        streamlit_folium.st_folium.__code__,
        {**streamlit_folium.__dict__, "_component_func": lambda **kw: captured.update(kw)},
        "st_folium", streamlit_folium.st_folium.__defaults__,
        streamlit_folium.st_folium.__closure__)
    capture.__kwdefaults__ = streamlit_folium.st_folium.__kwdefaults__
    # render=False: st_folium renders the map itself anyway; its extra render of the whole
    # figure first changes nothing it sends (~25% of its CPU)
    capture(fmap, key=key, use_container_width=True, returned_objects=returned_objects,
            render=False)
    arguments = {name: value for name, value in captured.items()
                 if name not in SESSION_ARGUMENTS}
    return RenderedMap(arguments, areas=sum(len(frame) for frame in features.values()),
                       features=features)


def send_map(rendered: RenderedMap, height: int, center: tuple[float, float] | None = None,
             zoom: int | None = None) -> dict | None:
    """The component as ``st_folium`` would call it for this session: the rendered map, the
    height and (when the content has just changed) the centre and zoom to start from."""
    return streamlit_folium._component_func(**rendered.arguments, height=height, center=center,
                                            zoom=zoom)


def show_map(rendered: RenderedMap, key: str, height: int = 640) -> dict | None:
    """The one place the map widget is sent (tests replace ``send_map``). Only centre, zoom and
    the last click come back, so a pan, zoom or click reruns the map fragment alone, never the
    whole page."""
    return send_map(rendered, height, **_start_position(key))


def _start_position(key: str) -> dict:
    """Centre and zoom for a map whose content has just changed, then the same values for as
    long as the content stays the same. streamlit-folium moves the map whenever these arguments
    change, so feeding back the position the map has just reported (one step late) makes it
    jump between the last two positions for ever."""
    v = context.view()
    content = (key, v.with_(lat=None, lon=None, zoom=None), context.places().key)
    started = st.session_state.get(Key.MAP_START)
    arriving = st.session_state.get(Key.LAST_PAGE) != "map"  # a new map widget: start afresh
    if started is None or started[0] != content or arriving:
        position = {}
        if v.lat is not None and v.lon is not None and v.zoom is not None:
            position = {"center": (v.lat, v.lon), "zoom": v.zoom}
        started = st.session_state[Key.MAP_START] = (content, position)
    return started[1]


def remember_map_position(state: dict | None) -> None:
    """Keep the map's centre and zoom in the view and the link. Called by the map fragment on
    every run, full or partial, because a fragment may only refill the sidebar's share box on
    its own reruns if it also writes it during full runs."""
    if state and state.get("center") and state.get("zoom") is not None:
        FIRST_MAP_DRAWN.set()
        _remember(state)
    frame.show_share_link()


def _remember(state: dict) -> None:
    lat = round(float(state["center"]["lat"]), 5)
    lon = round(float(state["center"]["lng"]), 5)
    zoom = int(state["zoom"])
    v = context.view()
    started = st.session_state.get(Key.MAP_START, (None, {}))[1]
    if (v.lat, v.lon) == started.get("center") and zoom == v.zoom == started.get("zoom") \
            and abs(lat - v.lat) + abs(lon - v.lon) < _pixel_deg(zoom):
        return  # the linked start position as Leaflet snaps it to a pixel: keep the link
    if (lat, lon, zoom) != (v.lat, v.lon, v.zoom) and 49 <= lat <= 56.5 and -7 <= lon <= 2.5:
        context.update(lat=lat, lon=lon, zoom=zoom)
        context.sync_url()
        rooms.publish(st.session_state.get(Key.LAST_PAGE, "map"))


def _pixel_deg(zoom: int) -> float:
    """About two screen pixels in degrees at ``zoom`` (256 px tiles): a reported move smaller
    than this is Leaflet rounding the linked centre, not the user panning."""
    return 2 * 360 / (256 * 2 ** zoom)


def new_click(state: dict | None, key: str) -> tuple[float, float] | None:
    """(lat, lon) of a click on map ``key`` that no run has handled yet, else None. The widget
    keeps returning its last click on every later rerun (a pan, another widget), so the click
    handled is remembered per session and reported once."""
    clicked = (state or {}).get("last_clicked")
    if not clicked or clicked.get("lat") is None or clicked.get("lng") is None:
        return None
    point = (float(clicked["lat"]), float(clicked["lng"]))
    if st.session_state.get(Key.HANDLED_CLICK) == (key, point):
        return None
    st.session_state[Key.HANDLED_CLICK] = (key, point)
    return point


def legend(layer_ids: tuple[str, ...]) -> None:
    selected = [("Selected", SELECTED_COLOUR, 6)] if context.view().area else []
    rows = legend_rows(layer_ids) + selected
    items = " &nbsp; ".join(
        f"<span style='border-bottom:{max(weight, 1.5):.0f}px solid {colour};padding:0 4px'>"
        f"{title}</span>" for title, colour, weight in rows)
    st.markdown(f"<div style='font-size:0.9rem'>{items}</div>", unsafe_allow_html=True)
    if "place" in layer_ids:
        st.caption("Place fill (colour-blind safe): " + ", ".join(
            f"{c.colour_name} {c.meaning}" for c in CLASS_PALETTE) + ". Dashed outline: flagged.")
    elif not layer_ids:
        st.info("No layer is switched on: choose layers in the sidebar.")
