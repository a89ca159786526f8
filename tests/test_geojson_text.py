"""services/geojson_text.py: a layer's GeoJSON written from kept geometry texts is the text a
full dump gives, its byte count that of ``to_json``, and a map's HTML is unchanged."""

import itertools
import json

import branca.element
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from services import folium_text
from services.geojson_text import LayerGeoJson, feature_properties, geojson_bytes, geometry_texts
from services.map_view import escaped_geojson, map_geojson


def _frame() -> gpd.GeoDataFrame:
    """A square, two squares as one area, an empty shape and none; a missing number, text
    needing escapes (HTML and non-ASCII)."""
    return gpd.GeoDataFrame(
        {"code": ["A", "B", "C", "D"], "name": ["Ashby & <Sons>", "Bro\u0308ck", "C", "D"],
         "population": [1_200, 30, 0, 5], "share": [0.5, np.nan, 1.0, 0.25],
         "note": pd.array(["x", None, "z", "w"], dtype="string")},
        geometry=[shapely.box(0, 0, 1, 1),
                  shapely.MultiPolygon([shapely.box(2, 0, 3, 1), shapely.box(4, 0, 5.5, 1)]),
                  shapely.Polygon(), None], crs=4326)


def test_properties_are_those_geopandas_gives() -> None:
    frame = _frame()
    assert feature_properties(frame) == [f["properties"] for f in frame.to_geo_dict()["features"]]
    assert feature_properties(frame)[1]["share"] is None


def test_text_is_the_full_collection_dumped() -> None:
    frame = _frame()
    layer = map_geojson(frame)
    assert layer.text() == json.dumps(escaped_geojson(frame), sort_keys=True)


def test_keys_folium_adds_are_written() -> None:
    frame = _frame()
    layer = map_geojson(frame)
    full = escaped_geojson(frame)
    for i, (feature, whole) in enumerate(zip(layer["features"], full["features"], strict=True)):
        feature["id"] = whole["id"] = str(i)  # as folium's find_identifier may add them
    assert layer.text() == json.dumps(full, sort_keys=True)


def test_byte_count_is_that_of_to_json() -> None:
    frame = _frame()
    assert geojson_bytes(frame) == len(frame.to_json(drop_id=True).encode())
    assert geojson_bytes(frame.iloc[:0]) == len(frame.iloc[:0].to_json(drop_id=True).encode())


def test_each_geometry_is_dumped_once_while_it_lives(monkeypatch: pytest.MonkeyPatch) -> None:
    square = shapely.box(0, 0, 2, 2)
    dumped = []
    original = json.dumps
    monkeypatch.setattr(json, "dumps", lambda value, **kw: dumped.append(value) or original(
        value, **kw))
    first = geometry_texts(np.array([square]))
    again = geometry_texts(np.array([square]))
    assert first == again == [original(shapely.geometry.mapping(square), sort_keys=True)]
    assert len(dumped) == 1


def _map_html(monkeypatch: pytest.MonkeyPatch, data: dict) -> str:
    ids = itertools.count()
    monkeypatch.setattr(branca.element.Element, "_generate_id",
                        classmethod(lambda cls: f"{next(ids):032x}"))
    fmap = folium.Map(tiles=None)
    folium.GeoJson(data, style_function=lambda f: {"weight": 1},
                   tooltip=folium.GeoJsonTooltip(fields=["name", "code"])).add_to(fmap)
    return fmap.get_root().render()


def test_a_map_renders_the_same_html(monkeypatch: pytest.MonkeyPatch) -> None:
    folium_text.install()
    frame = _frame().iloc[:2]  # folium's tooltip refuses features without geometry
    layer = map_geojson(frame)
    assert isinstance(layer, LayerGeoJson)
    assert _map_html(monkeypatch, layer) == _map_html(monkeypatch, escaped_geojson(frame))


def test_other_values_are_dumped_as_before() -> None:
    assert folium_text.tojson_dumps({"b": 1, "a": [1.5]}, sort_keys=True) == '{"a": [1.5], "b": 1}'


def test_a_text_goes_with_its_geometry() -> None:
    from services import geojson_text

    square = shapely.box(0, 0, 3, 3)
    geometry_texts(np.array([square]))
    key = id(square)
    assert key in geojson_text._TEXTS
    del square
    assert key not in geojson_text._TEXTS


def test_polygon_texts_are_mappings_dumped() -> None:
    """Polygons with holes, multipolygons and other shapes: each text is
    ``json.dumps(mapping(g), sort_keys=True)``, float for float."""
    holed = shapely.box(0, 0, 10, 10).difference(shapely.box(2, 2, 3, 3.3333333333333335))
    shapes = [holed, shapely.MultiPolygon([holed, shapely.box(20, 0, 21.1, 1e-7)]),
              shapely.Point(1, 2), shapely.LineString([(0, 0, 1), (1, 1, 2)]),
              shapely.Polygon([(0, 0, 1), (1, 0, 1), (1, 1, 1)])]
    assert geometry_texts(np.array(shapes, dtype=object)) == [
        json.dumps(shapely.geometry.mapping(s), sort_keys=True) for s in shapes]
