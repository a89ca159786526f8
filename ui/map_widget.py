"""The map widget: streamlit-folium's rendering of a map, done once per server for each map.

``st_folium`` turns a folium map into Leaflet script and HTML on every call: for an ICB's map
that is ~0.2 s of server CPU (jinja templates compiled per element, every feature's GeoJSON
dumped, styled and walked for its bounds, then the whole script hashed), paid again by every
new session and every pan. What it sends depends only on the map and the widget key, so the map
is rendered once by ``st_folium`` itself with its component call captured
(:func:`render_map`), and each session sends the captured arguments, with its own start
position, to the same component (:func:`send_map`). Cached with ``st.cache_resource`` (ui/context
.py): shared by every session, treated read-only, never the folium map itself (~10x the
GeoJSON's size in Python objects).
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field

import geopandas as gpd
import streamlit_folium

from services.map_view import build_map, geojson_size_bytes

#: Per session and per call: everything else st_folium sends (its on_change callback included,
#: which reads the calling session's state) is the same for every session.
SESSION_ARGUMENTS = ("center", "zoom", "height")


@dataclass(frozen=True)
class RenderedMap:
    """What st_folium sends for one map (read-only), and what the page says about it."""
    arguments: dict = field(repr=False)
    areas: int
    geojson_bytes: int


def render_map(features: dict[str, gpd.GeoDataFrame], *, selected: str, basemap: bool, key: str,
               returned_objects: list[str]) -> RenderedMap:
    """Draw the map (services/map_view.py) and run ``st_folium`` on it, capturing the arguments
    it passes to its component instead of sending them (a copy of the function whose component
    is the recorder, so no other thread's call is affected)."""
    fmap = build_map(features, selected=selected, basemap=basemap)
    captured: dict = {}
    capture = types.FunctionType(
        streamlit_folium.st_folium.__code__,
        {**streamlit_folium.__dict__, "_component_func": lambda **kw: captured.update(kw)},
        "st_folium", streamlit_folium.st_folium.__defaults__,
        streamlit_folium.st_folium.__closure__)
    capture.__kwdefaults__ = streamlit_folium.st_folium.__kwdefaults__
    capture(fmap, key=key, use_container_width=True, returned_objects=returned_objects)
    arguments = {name: value for name, value in captured.items()
                 if name not in SESSION_ARGUMENTS}
    return RenderedMap(arguments, areas=sum(len(frame) for frame in features.values()),
                       geojson_bytes=geojson_size_bytes(features))


def send_map(rendered: RenderedMap, height: int, center: tuple[float, float] | None = None,
             zoom: int | None = None) -> dict | None:
    """The component as ``st_folium`` would call it for this session: the rendered map, the
    height and (when the content has just changed) the centre and zoom to start from."""
    return streamlit_folium._component_func(**rendered.arguments, height=height, center=center,
                                            zoom=zoom)
