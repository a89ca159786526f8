"""The edit map sent in two parts, so a click-edit redraws only what it changed (issue 11: click
to redrawn map < 1 s).

streamlit-folium keeps its Leaflet map in the browser for as long as the component's key (a hash
of the map's script) stays the same, and swaps the ``feature_group`` script it is given in and
out whenever that argument changes, without rebuilding the map. So the edit map is sent as:

- the base map: the layers no edit of the places changes (the unclassed ICB and ward outlines,
  services/map_view.UNCLASSED_LAYERS), rendered once per server (ui/map_widget.py) and kept in
  the browser with its position across edits;
- the edited layers: the place layer and any layer classed against the places (councils,
  PCNs), a feature group rendered once per configuration and redrawn on each edit.

Each layer has a pane of its own (services/map_panes.py), so the edited layers stack where they
belong. An edit can still change a base layer's flagged outlines (an ICB newly flagged): the
base map is keyed by them, so such an edit sends and draws the whole map again.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import streamlit as st
import streamlit_folium
from jinja2 import Template

from layers import MAP_ORDER
from services.backdrop import backdrop
from services.geography import Geography
from services.map_access import MapName, map_label
from services.map_panes import layer_pane
from services.map_view import UNCLASSED_LAYERS, layer_geojson
from ui import context, results
from ui.map_widget import RETURNED_OBJECTS, RenderedMap, render_map


@dataclass(frozen=True)
class EditedLayers:
    """The feature group script of the layers an edit changes, and what it draws."""

    script: str
    areas: int


def rendered_map(places: Geography, icb: str, layers: tuple[str, ...], threshold: float,
                 sliver: float, basemap: bool, key: str) -> RenderedMap:
    """The map as the widget sends it: the base map's arguments, the edited layers in its
    feature group."""
    drawn = results.features(places, places.key, icb, layers, threshold, sliver)
    kept = tuple(layer_id for layer_id in drawn if layer_id in UNCLASSED_LAYERS)
    flagged = tuple(tuple(drawn[i].loc[drawn[i]["flagged"] == "yes", "code"]) for i in kept)
    base = base_map(drawn, icb, kept, sliver, basemap, key, flagged)
    edited = edited_layers(places, places.key, icb, layers, threshold, sliver)
    return RenderedMap({**base.arguments, "feature_group": edited.script},
                       areas=base.areas + edited.areas, features=drawn)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=16)
def base_map(_drawn: dict[str, gpd.GeoDataFrame], icb: str, kept: tuple[str, ...], sliver: float,
             basemap: bool, key: str, flagged: tuple[tuple[str, ...], ...]) -> RenderedMap:
    """The kept layers drawn once per server, whatever the configuration: their features depend
    on the ICB, the sliver and the flags naming them only (``flagged``, per kept layer)."""
    ws = context.workspace()
    return render_map({layer_id: _drawn[layer_id] for layer_id in kept}, selected="",
                      basemap=basemap, key=key, returned_objects=RETURNED_OBJECTS,
                      backdrop=None if basemap else backdrop(ws), panes=True)


@st.cache_resource(show_spinner=False, max_entries=64)
def edited_layers(_places: Geography, places_key: str, icb: str, layers: tuple[str, ...],
                  threshold: float, sliver: float) -> EditedLayers:
    """The layers drawn against the places, once per configuration, in their panes; the map
    renamed for what it now shows."""
    drawn = results.features(_places, places_key, icb, layers, threshold, sliver)
    edited = [(i, drawn[i]) for i in MAP_ORDER if i in drawn and i not in UNCLASSED_LAYERS]
    group = folium.FeatureGroup(name="Edited layers")
    for layer_id, frame in edited:
        if len(frame):
            layer_geojson(layer_id, frame, pane=layer_pane(layer_id)).add_to(group)
    MapName(map_label(drawn)).add_to(group)
    InstantClick().add_to(group)
    return EditedLayers(feature_group_script(group), sum(len(f) for _, f in edited))


def feature_group_script(group: folium.FeatureGroup) -> str:
    """The script streamlit-folium runs for a feature group on the map it has drawn already
    (whose variable there is ``map_div``): what ``st_folium(feature_group_to_add=group)``
    sends, without drawing the map again."""
    return streamlit_folium._get_feature_group_string(group, map=folium.Map(tiles=None))


class InstantClick(folium.MacroElement):
    """Send a click on the map at once. streamlit-folium's frontend sends what the map returns
    250 ms after the last event (a debounce meant for pans): a quarter of the second a
    click-edit may take. This sends what that update would (centre, zoom and last click, in its
    key order) and marks it sent, so the debounced update finds nothing new; it does nothing
    (the debounce stays) unless the frontend returns exactly those objects
    (ui/map_widget.RETURNED_OBJECTS). Added once per map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            if (map.__instantClick) { return; }
            map.__instantClick = true;
            map.on("click", function (e) {
                var data = window.__GLOBAL_DATA__;
                var value = {last_clicked: e.latlng, zoom: map.getZoom(), center: map.getCenter()};
                if (!data || !data.returned_objects || !window.Streamlit
                    || JSON.stringify(data.returned_objects.slice().sort())
                       !== JSON.stringify(Object.keys(value).sort())) { return; }
                data.lat_lng_clicked = e.latlng;
                data.previous_data = value;
                window.Streamlit.setComponentValue(value);
            });
        })({{ this._parent._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "InstantClick"
