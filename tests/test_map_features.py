"""services/map_view.py map_features on the four squares (tests/squares.py): each layer's frame
built at once, with the columns, order and classes worked out by hand."""

import numpy as np
import pandas as pd

from services.map_view import geojson_size_bytes, map_features
from services.places import PlaceConfig
from services.workspace import Workspace
from tests.squares import squares_store

COLUMNS = ["code", "geometry", "name", "population", "population_text", "class", "flagged",
           "vintage", "population_method"]


def _workspace() -> Workspace:
    store = squares_store({"X1": 450, "X3": 450, "X2": 100, "X4": 900})
    store.map_layers.update({layer_id: frame[["code", "geometry"]].to_crs(4326)
                             for layer_id, frame in store.layers.items()})
    return Workspace(store)


def test_each_layer_as_drawn() -> None:
    ws = _workspace()
    places = ws.places(PlaceConfig("test", "hand-made", pd.DataFrame(
        [("West", "lad", "L"), ("East", "lad", "R")], columns=["place", "block_type", "code"])),
        "I")
    features = map_features(ws, "I", places, ("icb", "lad", "place"), frozenset({"East"}),
                            threshold=0.99, sliver=0.005)
    assert list(features) == ["icb", "lad", "place"]
    assert all(list(frame.columns) == COLUMNS for frame in features.values())
    lad, place = features["lad"], features["place"]
    assert lad["code"].tolist() == ["L", "R"]
    assert lad["population"].tolist() == [900, 1000]
    assert lad["population_text"].tolist() == ["900", "1,000"]
    assert lad["class"].tolist() == ["coterminous vs places"] * 2  # West = L, East = R
    assert place["code"].tolist() == ["East", "West"]
    assert place["class"].tolist() == ["coterminous vs HWB areas"] * 2  # HL = L, HR = R
    assert place["flagged"].tolist() == ["yes", ""]
    assert features["icb"]["class"].tolist() == [""]
    assert place.crs.to_epsg() == 4326 and not place.geometry.is_empty.any()
    assert geojson_size_bytes(features) == sum(len(frame.to_json(drop_id=True))
                                               for frame in features.values())


def test_area_classes_are_those_of_coterminosity() -> None:
    ws = _workspace()
    places = ws.places(PlaceConfig("test", "hand-made", pd.DataFrame(
        [("West", "lad", "L"), ("West", "lsoa", "X2")], columns=["place", "block_type", "code"])),
        "I")
    lad = ws.geography("lad")
    for codes in (pd.Index(["R", "L"]), pd.Index(["L"])):
        classes = ws.area_classes(lad, places, codes=codes).tolist()
        assert classes == ws.coterminosity(lad, places, codes=codes)["population_class"].tolist()
    assert ws.area_classes(lad, places, codes=pd.Index(["L", "R"])).tolist() == [
        "within", "straddles"]  # L inside West; R: X2 in West, X4 in no place


def test_a_stored_place_shape_is_drawn_for_exactly_its_lsoas() -> None:
    """The store's shape of a set of LSOAs (services/place_shapes.py) is drawn for a place of
    exactly those LSOAs; a place of other LSOAs is united from the LSOA copies."""
    from shapely.geometry import box

    from services.place_shapes import shape_key

    ws = _workspace()
    stored = box(-1.0, 53.0, -0.9, 53.1)
    ws.store.place_shapes = {shape_key(np.array([0, 2])): stored}  # X1 + X3 = LAD L
    places = ws.places(PlaceConfig("test", "hand-made", pd.DataFrame(
        [("West", "lad", "L"), ("East", "lad", "R")], columns=["place", "block_type", "code"])),
        "I")
    place = map_features(ws, "I", places, ("place",), threshold=0.99, sliver=0.005)["place"]
    shapes = dict(zip(place["code"], place.geometry, strict=True))
    assert shapes["West"] is stored
    lsoa = ws.store.map_layers["lsoa"].geometry
    assert shapes["East"].equals(lsoa.iloc[1].union(lsoa.iloc[3]))  # X2 + X4, united
