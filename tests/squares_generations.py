"""A hand-made store with two generations: six 1 km LSOA squares whose ICBs change.

    X1 | X3 | X5        populations X1..X6 = 100, 200, 300, 400, 500, 600
    ---+----+---
    X2 | X4 | X6

| LSOA | ICB 2024      | ICB 2026      | sub-ICB 2024 | sub-ICB 2026 | LAD 2024  | LAD 2025  |
|------|---------------|---------------|--------------|--------------|-----------|-----------|
| X1   | E54000001 N   | E54000001 N   | E38000001    | E38000001    | E06000001 | E06000001 |
| X2   | E54000002 W   | E54000009 M   | E38000002    | E38000002    | E06000002 | E06000002 |
| X3   | E54000003 S   | E54000009 M   | E38000003    | E38000008    | E06000002 | E06000002 |
| X4   | E54000003 S   | E54000009 M   | E38000003    | E38000008    | E06000003 | E06000003 |
| X5   | E54000004 F   | E54000001 N   | E38000004    | E38000009    | E08000016 | E08000038 |
| X6   | E54000004 F   | E54000009 M   | E38000004    | E38000008    | E08000016 | E08000038 |

So West and South merge into the new Merged ICB, Frimley-like F is divided between North (which
grows) and Merged; sub-ICB E38000002 is re-parented, E38000003 recoded as E38000008, E38000004
divided, E38000009 created; the council E08000016 is recoded E08000038 (like Barnsley) and
becomes split across ICBs, while E06000002 stops being split. Councils are their own HWB areas.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from services.build.adjacency import lsoa_adjacency
from services.io.store import Store

ORIGIN_X, ORIGIN_Y = 380_000, 398_000
LSOAS = ["X1", "X2", "X3", "X4", "X5", "X6"]
POPULATION = dict(zip(LSOAS, [100, 200, 300, 400, 500, 600], strict=True))
CELLS = {"X1": (0, 1), "X2": (0, 0), "X3": (1, 1), "X4": (1, 0), "X5": (2, 1), "X6": (2, 0)}
SPINE = {  # spine column → code per LSOA, in LSOAS order
    "icb_2024_code": ["E54000001", "E54000002", "E54000003", "E54000003", "E54000004",
                      "E54000004"],
    "icb_2026_code": ["E54000001", "E54000009", "E54000009", "E54000009", "E54000001",
                      "E54000009"],
    "sub_icb_2024_code": ["E38000001", "E38000002", "E38000003", "E38000003", "E38000004",
                          "E38000004"],
    "sub_icb_2026_code": ["E38000001", "E38000002", "E38000008", "E38000008", "E38000009",
                          "E38000008"],
    "lad_2024_code": ["E06000001", "E06000002", "E06000002", "E06000003", "E08000016",
                      "E08000016"],
    "lad_2025_code": ["E06000001", "E06000002", "E06000002", "E06000003", "E08000038",
                      "E08000038"],
}
SPINE["hwb_2024_code"], SPINE["hwb_2025_code"] = SPINE["lad_2024_code"], SPINE["lad_2025_code"]
ICB_NAMES = {"E54000001": "North", "E54000002": "West", "E54000003": "South",
             "E54000004": "Frim", "E54000009": "Merged"}
COUNCIL_NAMES = {"E06000001": "Aston", "E06000002": "Brent", "E06000003": "Crewe",
                 "E08000016": "Dover", "E08000038": "Dover"}


def square(lsoa: str) -> box:
    x, y = ORIGIN_X + 1000 * CELLS[lsoa][0], ORIGIN_Y + 1000 * CELLS[lsoa][1]
    return box(x, y, x + 1000, y + 1000)


def generations_store() -> Store:
    """The six squares as a loaded store (both generations; no view chosen yet)."""
    spine = pd.DataFrame({"lsoa21_code": LSOAS, "lsoa21_name": LSOAS, **SPINE,
                          "population": [POPULATION[c] for c in LSOAS]})
    spine["centroid_easting_m"] = [square(c).centroid.x for c in LSOAS]
    spine["centroid_northing_m"] = [square(c).centroid.y for c in LSOAS]
    lsoa = gpd.GeoDataFrame({"code": LSOAS, "name": LSOAS, "population": spine["population"]},
                            geometry=[square(c) for c in LSOAS], crs=27700)
    lsoa["area_m2"] = lsoa.area
    layers = {"lsoa": lsoa}
    for column in SPINE:
        key = column.removesuffix("_code")
        parent = "icb" + key.removeprefix("sub_icb") + "_code" if key.startswith("sub_") else None
        layers[key] = _dissolved(lsoa, spine, column, parent)
    map_layers = {key: frame[["code", "geometry"]].to_crs(4326) for key, frame in layers.items()}
    return Store(path=Path("squares-generations"), meta={}, spine=spine, layers=layers,
                 map_layers=map_layers, adjacency=lsoa_adjacency(lsoa))


def generations_meta(store: Store) -> dict:
    """meta.json facts the store validator asks for, to write the squares as a store folder."""
    info = {key: {"rows": len(frame), "population": int(frame["population"].sum()),
                  "vintage": key.rsplit("_", 1)[-1], "repaired_geometries": 0}
            for key, frame in store.layers.items()}
    return {"built_at": "2026-12-01T00:00:00Z", "build_seconds": 0.1, "sources": {},
            "layer_info": info, "generations": {"2024": {}, "2026": {}}}


def _dissolved(lsoa: gpd.GeoDataFrame, spine: pd.DataFrame, column: str,
               parent_column: str | None) -> gpd.GeoDataFrame:
    parts = lsoa.assign(key=spine[column].to_numpy()).dissolve("key", aggfunc="sum")
    codes = list(parts.index)
    names = {**ICB_NAMES, **COUNCIL_NAMES}
    frame = gpd.GeoDataFrame({"code": codes, "name": [names.get(c, f"Sub-ICB {c}")
                                                      for c in codes],
                              "population": parts["population"].to_numpy()},
                             geometry=parts.geometry.to_numpy(), crs=27700)
    frame["ods_code"] = [f"Q{c[-1]}" for c in codes]
    if parent_column:  # a sub-ICB location's ICB: the one of its first LSOA (they nest)
        first = spine.drop_duplicates(column).set_index(column)[parent_column]
        frame["icb_code"] = first.reindex(codes).to_numpy()
    frame["area_m2"] = frame.area
    return frame
