"""A tiny complete store for the store's own tests: two 2 km LSOA squares side by side near
Manchester, both in one area of a layer named ``square`` (any layer id works: the store checks
what ``meta.json`` lists)::

    E01000001 | E01000002     one "square" area S, population 2 × ``population``
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from services.build.store import map_copy
from services.io.store import write_store

ORIGIN_X, ORIGIN_Y = 380_000, 398_000
CODES = ["E01000001", "E01000002"]


def lsoa_squares(population: int) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"code": CODES, "name": ["West", "East"], "square_code": "S",
         "population": [population, population]},
        geometry=[box(ORIGIN_X, ORIGIN_Y, ORIGIN_X + 2000, ORIGIN_Y + 2000),
                  box(ORIGIN_X + 2000, ORIGIN_Y, ORIGIN_X + 4000, ORIGIN_Y + 2000)],
        crs=27700,
    )
    frame["area_m2"] = frame.area
    return frame


def tiny_store(built_at: str, population: int = 7) -> dict:
    """``write_store`` arguments (but the path) for the two squares."""
    lsoa = lsoa_squares(population)
    square = lsoa.dissolve("square_code", aggfunc="sum").reset_index(drop=True)
    square = square.assign(code="S", name="Square")[["code", "name", "population", "geometry"]]
    square["area_m2"] = square.area
    spine = pd.DataFrame({"lsoa21_code": CODES, "lsoa21_name": ["West", "East"],
                          "square_code": "S", "population": [population, population],
                          "centroid_easting_m": [ORIGIN_X + 1000.0, ORIGIN_X + 3000.0],
                          "centroid_northing_m": [ORIGIN_Y + 1000.0, ORIGIN_Y + 1000.0]})
    layers = {"square": square, "lsoa": lsoa}
    info = {layer_id: {"vintage": "2021", "repaired_geometries": 0} for layer_id in layers}
    return {"meta": {"built_at": built_at, "layer_info": info}, "spine": spine, "layers": layers,
            "map_layers": {layer_id: map_copy(frame, 50) for layer_id, frame in layers.items()}}


def write_tiny(path: Path, built_at: str, population: int = 7) -> None:
    write_store(path, **tiny_store(built_at, population))
