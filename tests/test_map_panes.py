"""The edit map in two parts (ui/edit_redraw.py): a base map whose layers sit in panes stacked in
drawing order, and the edited layers as a feature group script for the map drawn already. On
hand-made squares."""

from __future__ import annotations

import re

import folium
import geopandas as gpd
from shapely.geometry import box

from services.map_access import MapName
from services.map_panes import FIRST_PANE_Z, PANES, SELECTED_PANE, layer_pane, pane_z_index
from services.map_view import build_map, layer_geojson
from ui.edit_redraw import feature_group_script


def _layer(names: list[str]) -> gpd.GeoDataFrame:
    """One unit square per name, side by side, at lat 50–51."""
    return gpd.GeoDataFrame({"code": [f"C{i}" for i in range(len(names))], "name": names,
                             "class": "", "population": 10, "population_text": "10",
                             "flagged": "", "vintage": "2025", "population_method": "exact"},
                            geometry=[box(i, 50, i + 1, 51) for i in range(len(names))],
                            crs=4326)


def test_panes_stack_in_drawing_order_the_selected_outline_on_top() -> None:
    # MAP_ORDER: place (drawn lowest), ward, pcn, lad, hwb, sub_icb, icb, nhser
    assert pane_z_index(layer_pane("place")) == FIRST_PANE_Z
    assert pane_z_index(layer_pane("place")) < pane_z_index(layer_pane("ward")) \
        < pane_z_index(layer_pane("icb")) < pane_z_index(SELECTED_PANE)
    assert FIRST_PANE_Z > 400 and pane_z_index(SELECTED_PANE) < 500  # overlay < panes < shadow


def test_a_paned_map_puts_each_layer_in_its_pane() -> None:
    features = {"icb": _layer(["I"]), "ward": _layer(["W1", "W2"])}
    script = build_map(features, basemap=False, panes=True).get_root().render()
    assert script.count(".createPane(") == len(PANES) and "style.pointerEvents = 'none'" in script
    assert re.findall(r'"pane": "(placemap-\w+)"', script) == ["placemap-ward", "placemap-icb"]
    plain = build_map(features, basemap=False).get_root().render()  # every other map: as before
    assert "createPane" not in plain and '"pane"' not in plain


def test_edited_layers_script_adds_only_them_to_the_drawn_map() -> None:
    group = folium.FeatureGroup(name="Edited layers")
    layer_geojson("place", _layer(["Bolton", "New place"]), pane=layer_pane("place")).add_to(group)
    MapName("Map: 2 Place").add_to(group)
    script = feature_group_script(group)
    assert re.findall(r'"pane": "(placemap-\w+)"', script) == ["placemap-place"]
    assert '"New place"' in script and script.count("L.geoJson(") == 1
    assert "map_div.addLayer(feature_group_feature_group_0)" in script
    assert 'map_div.getContainer(), "Map: 2 Place"' in script  # the map renamed
    assert "L.map(" not in script  # never the map itself
