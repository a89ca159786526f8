"""A tiny complete store for the store's own tests: two 2 km LSOA squares side by side near
Manchester, both in one area ``I`` of one more layer (``icb_2024`` unless named otherwise: the
store checks whatever layers its ``meta.json`` lists)::

    E01000001 | E01000002     one area I, population 2 × ``population``

and one stored place shape, the two squares' map copies united (``place_shapes``).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from services.build.adjacency import lsoa_adjacency
from services.build.store import map_copy
from services.io.store import write_store
from services.place_shapes import shape_key

ORIGIN_X, ORIGIN_Y = 380_000, 398_000
CODES = ["E01000001", "E01000002"]


def lsoa_squares(population: int) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"code": CODES, "name": ["West", "East"], "population": [population, population]},
        geometry=[box(ORIGIN_X, ORIGIN_Y, ORIGIN_X + 2000, ORIGIN_Y + 2000),
                  box(ORIGIN_X + 2000, ORIGIN_Y, ORIGIN_X + 4000, ORIGIN_Y + 2000)],
        crs=27700,
    )
    frame["area_m2"] = frame.area
    return frame


def tiny_store(built_at: str, population: int = 7, area: str = "icb_2024") -> dict:
    """``write_store`` arguments (but the path) for the two squares."""
    lsoa = lsoa_squares(population)
    whole = gpd.GeoDataFrame({"code": ["I"], "name": ["Square ICB"],
                              "population": [2 * population]},
                             geometry=[shapely.union_all(lsoa.geometry.values)], crs=27700)
    whole["area_m2"] = whole.area
    spine = pd.DataFrame({"lsoa21_code": CODES, "lsoa21_name": ["West", "East"],
                          f"{area}_code": "I", "population": [population, population],
                          "centroid_easting_m": [ORIGIN_X + 1000.0, ORIGIN_X + 3000.0],
                          "centroid_northing_m": [ORIGIN_Y + 1000.0, ORIGIN_Y + 1000.0]})
    layers = {area: whole, "lsoa": lsoa}
    meta = {"built_at": built_at, "build_seconds": 0.1, "sources": {},
            "layer_info": {key: {"vintage": "2024", "repaired_geometries": 0} for key in layers},
            "generations": {"2024": {"label": "2024", "layers": {"icb": area, "lsoa": "lsoa"}}}}
    map_layers = {key: map_copy(frame, 50) for key, frame in layers.items()}
    return {"meta": meta, "spine": spine, "layers": layers, "map_layers": map_layers,
            "adjacency": lsoa_adjacency(lsoa), "place_shapes": gpd.GeoDataFrame(
                {"generation": ["2024"], "code": ["Square ICB"],
                 "shape_key": [shape_key(np.array([0, 1]))]},
                geometry=[shapely.union_all(map_layers["lsoa"].geometry.values)], crs=4326)}


def write_tiny(path: Path, built_at: str, population: int = 7) -> None:
    write_store(path, **tiny_store(built_at, population))
