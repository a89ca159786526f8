"""GeoJSON export follows RFC 7946: WGS84, no crs member, counter-clockwise exteriors."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, shape

from services.export import ExportContext, slug, to_geojson
from tests.squares import ORIGIN_X, ORIGIN_Y


def test_geojson_is_wgs84_with_right_hand_rings_and_properties() -> None:
    # A clockwise exterior with a counter-clockwise hole, in British National Grid metres.
    outer = [(0, 0), (0, 2000), (2000, 2000), (2000, 0)]
    hole = [(500, 500), (1500, 500), (1500, 1500), (500, 1500)]
    move = [(x + ORIGIN_X, y + ORIGIN_Y) for x, y in outer], [
        (x + ORIGIN_X, y + ORIGIN_Y) for x, y in hole]
    frame = gpd.GeoDataFrame({"code": ["A"], "population": [10], "share": [float("nan")]},
                             geometry=[Polygon(*[move[0], [move[1]]])], crs=27700)
    collection = json.loads(to_geojson(frame))
    assert set(collection) == {"type", "features"}
    feature = collection["features"][0]
    assert feature["properties"] == {"code": "A", "population": 10, "share": None}
    polygon = shape(feature["geometry"])
    assert polygon.exterior.is_ccw and not shapely.LinearRing(polygon.interiors[0]).is_ccw
    lon, lat = polygon.exterior.coords[0]
    assert -2.4 < lon < -2.2 and 53.4 < lat < 53.6
    assert polygon.area == pytest.approx(
        frame.to_crs(4326).geometry.iloc[0].area, rel=1e-4)


def test_geojson_refuses_a_layer_without_crs() -> None:
    frame = gpd.GeoDataFrame({"code": ["A"]}, geometry=[Polygon([(0, 0), (1, 0), (1, 1)])])
    with pytest.raises(ValueError, match="no CRS"):
        to_geojson(frame)


def test_export_names_say_icb_configuration_and_generation() -> None:
    about = ExportContext("E54000057", "NHS Greater Manchester ICB", "Your edit: GM (edited)",
                          "2026", "April 2026")
    assert about.file_name("place-full", "geojson") == (
        "place-full_nhs-greater-manchester-icb_your-edit-gm-edited_2026.geojson")
    assert about.properties() == {"icb_code": "E54000057", "icb_name": "NHS Greater Manchester ICB",
                                  "configuration": "Your edit: GM (edited)",
                                  "generation": "April 2026"}
    assert slug("../../etc/passwd <x>") == "etc-passwd-x" and len(slug("a" * 500)) == 60
