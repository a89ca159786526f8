"""A hand-made store of four 1 km LSOA squares in a 2×2 grid, for answers worked out by hand.

    (0,1) X3 | (1,1) X4          LAD L = X1 + X3 (left column), LAD R = X2 + X4 (right column)
    ---------+---------          one ICB "I" and one HWB per LAD; each ward is one square
    (0,0) X1 | (1,0) X2
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import box

from layers import LATEST
from services.build.adjacency import lsoa_adjacency
from services.io.store import Store

ORIGIN_X, ORIGIN_Y = 380_000, 398_000
CELLS = {"X1": (0, 0), "X2": (1, 0), "X3": (0, 1), "X4": (1, 1)}
LAD_OF = {"X1": "L", "X3": "L", "X2": "R", "X4": "R"}


def square(cell: tuple[int, int]) -> shapely.Polygon:
    x, y = ORIGIN_X + 1000 * cell[0], ORIGIN_Y + 1000 * cell[1]
    return box(x, y, x + 1000, y + 1000)


def squares_store(population: dict[str, int], icb_of: dict[str, str] | None = None,
                  pcn_of: dict[str, str] | None = None) -> Store:
    """The four squares with these populations, all in ICB "I" unless ``icb_of`` says; with a
    PCN layer when ``pcn_of`` gives each square's PCN."""
    codes = sorted(CELLS)
    spine = pd.DataFrame({
        "lsoa21_code": codes,
        "lsoa21_name": codes,
        "sub_icb_code": "S",
        "icb_code": [(icb_of or {}).get(c, "I") for c in codes],
        "lad_code": [LAD_OF[c] for c in codes],
        "hwb_code": [f"H{LAD_OF[c]}" for c in codes],
        "region_code": "G",
        "ward_code": [f"W{c[1]}" for c in codes],
        "population": [population[c] for c in codes],
    })
    columns = [("lad", "lad_code"), ("hwb", "hwb_code"), ("icb", "icb_code"),
               ("sub_icb", "sub_icb_code")]
    if pcn_of:
        spine["pcn_code"] = [pcn_of[c] for c in codes]
        columns.append(("pcn", "pcn_code"))
    spine["centroid_easting_m"] = [square(CELLS[c]).centroid.x for c in codes]
    spine["centroid_northing_m"] = [square(CELLS[c]).centroid.y for c in codes]
    lsoa = gpd.GeoDataFrame({"code": codes, "name": codes, "population": spine["population"]},
                            geometry=[square(CELLS[c]) for c in codes], crs=27700)
    lsoa["area_m2"] = lsoa.area
    layers = {"lsoa": lsoa, "ward": _ward_layer(lsoa)}
    for layer_id, column in columns:
        parts = lsoa.assign(key=spine[column].to_numpy()).dissolve("key", aggfunc="sum")
        frame = gpd.GeoDataFrame({"code": parts.index, "name": [f"{layer_id} {c}" for c in
                                                                parts.index],
                                  "population": parts["population"].to_numpy()},
                                 geometry=parts.geometry.to_numpy(), crs=27700)
        frame["ods_code"] = frame["code"]
        frame["area_m2"] = frame.area
        layers[layer_id] = frame
    return Store(path=Path("squares"), meta={}, spine=spine, layers=layers, generation_id=LATEST,
                 adjacency=lsoa_adjacency(lsoa))


def _ward_layer(lsoa: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    wards = gpd.GeoDataFrame({"code": [f"W{c[1]}" for c in lsoa["code"]],
                              "name": [f"ward {c}" for c in lsoa["code"]],
                              "population": lsoa["population"].to_numpy()},
                             geometry=lsoa.geometry.to_numpy(), crs=27700)
    wards["area_m2"] = wards.area
    return wards
