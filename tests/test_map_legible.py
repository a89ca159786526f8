"""The map's labels, text table, accessible name and offline backdrop, on hand-made squares."""

from __future__ import annotations

from types import SimpleNamespace

import folium
import geopandas as gpd
import pytest
from shapely.geometry import box

from services.backdrop import SEA_FILL, add_backdrop, backdrop
from services.map_access import OneKeyboardStop, area_table, area_table_html, map_label
from services.map_labels import add_labels, choose_labels, skipped_text


def _layer(names: list[str], x0: float = 0.0) -> gpd.GeoDataFrame:
    """One unit square per name, side by side from x0 (lon), at lat 50–51."""
    return gpd.GeoDataFrame({"code": [f"C{i}" for i in range(len(names))], "name": names,
                             "class": "coterminous vs HWB areas", "population": 10},
                            geometry=[box(x0 + i, 50, x0 + i + 1, 51)
                                      for i in range(len(names))], crs=4326)


def test_labels_at_representative_points_once_per_name() -> None:
    features = {"place": _layer(["Bolton", "Bury"]), "hwb": _layer(["Bolton", "Wigan"])}
    labels = choose_labels(features, limit=10)
    assert labels.points[["layer", "name"]].values.tolist() == [
        ["place", "Bolton"], ["place", "Bury"], ["hwb", "Wigan"]]  # HWB "Bolton" drawn once
    assert labels.points["lon"].tolist() == pytest.approx([0.5, 1.5, 1.5])
    assert labels.points["lat"].tolist() == pytest.approx([50.5] * 3)
    assert labels.skipped == () and skipped_text(labels) == ""


def test_a_layer_over_the_cap_is_left_out_whole_and_named() -> None:
    features = {"place": _layer(["A", "B"]), "ward": _layer([f"W{i}" for i in range(5)])}
    labels = choose_labels(features, limit=4)
    assert labels.points["name"].tolist() == ["A", "B"]
    assert labels.skipped == ("ward",)
    assert skipped_text(labels, limit=4) == ("Not labelled (more than 4 labels in all): "
                                             "Electoral ward.")


def test_icb_is_never_labelled_and_labels_escape_names() -> None:
    features = {"icb": _layer(["NHS Somewhere"]), "place": _layer(["<b>x</b>"])}
    labels = choose_labels(features)
    assert labels.points["name"].tolist() == ["<b>x</b>"]
    fmap = folium.Map()
    add_labels(fmap, labels)
    html = fmap.get_root().render()
    assert "\\u0026lt;b\\u0026gt;x" in html and "<b>x" not in html  # escaped, then JSON
    assert '"keyboard": false' in html and '"interactive": false' in html


def test_area_table_top_layer_first() -> None:
    features = {"place": _layer(["Bolton"]), "lad": _layer(["Bolton", "Bury"])}
    table = area_table(features)
    assert table.values.tolist() == [
        ["Bolton", "C0", "Lower-tier council (LAD)", "coterminous vs HWB areas", 10],
        ["Bury", "C1", "Lower-tier council (LAD)", "coterminous vs HWB areas", 10],
        ["Bolton", "C0", "Place", "coterminous vs HWB areas", 10]]
    assert area_table({}).empty


def test_area_table_html_is_a_captioned_table_of_escaped_text() -> None:
    table = area_table({"place": _layer(["<img src=x onerror=alert(1)>"]).assign(population=1234)})
    assert area_table_html(table) == (
        "<table><caption>1 areas: name, code, layer and class</caption><thead><tr>"
        "<th scope='col'>Name</th>"
        "<th scope='col'>Code</th><th scope='col'>Layer</th><th scope='col'>Class</th>"
        "<th scope='col'>People</th></tr></thead><tbody><tr>"
        "<td>&lt;img src=x onerror=alert(1)&gt;</td><td>C0</td><td>Place</td>"
        "<td>coterminous vs HWB areas</td><td style='text-align:right'>1,234</td></tr>"
        "</tbody></table>")


def test_map_label_counts_each_layer() -> None:
    features = {"place": _layer(["A", "B"]), "icb": _layer(["I"])}
    assert map_label(features) == ("Map: 1 Integrated care board (ICB); 2 Place. The table "
                                   "'Areas on the map' below lists them.")


def test_keyboard_stop_takes_paths_out_of_the_tab_order_and_names_the_frame() -> None:
    fmap = folium.Map()
    OneKeyboardStop('Map: "quoted"').add_to(fmap)
    script = fmap.get_root().render()
    assert 'path.setAttribute("tabindex", "-1")' in script
    assert 'window.frameElement.setAttribute("aria-label", label)' in script
    assert '"Map: \\"quoted\\""' in script  # the label as a JSON string, never raw


def test_backdrop_is_england_dissolved_from_the_regions() -> None:
    regions = gpd.GeoDataFrame({"code": ["R1", "R2"]}, crs=4326,
                               geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    ws = SimpleNamespace(store=SimpleNamespace(map_layers={"region": regions}),
                         memo=lambda key, make: make())
    drawn = backdrop(ws)
    england = gpd.read_file(drawn.england)
    assert england.geometry.iloc[0].normalize().equals(box(0, 0, 2, 1).normalize())
    assert len(gpd.read_file(drawn.regions)) == 2
    fmap = folium.Map(tiles=None)
    add_backdrop(fmap, drawn)
    html = fmap.get_root().render()
    assert SEA_FILL in html and "interactive: false" in html and "E92000001" in html
