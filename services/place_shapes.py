"""Places drawn on maps: each the union of the store's simplified LSOA copies it is made of.

A union of a place's few hundred LSOA copies costs ~20 ms of GEOS (~0.1 s of CPU for each ICB's
first map, most of a fresh server's first-view work), and the default scheme's places are the
same for every server: so the build unites them once per generation and the store keeps them
(:data:`services.io.store_check.PLACE_SHAPES_FILE`). Each shape is keyed by the set of LSOAs it
is the union of (:func:`shape_key`), never by a place's name, so a stored shape is only ever
served for exactly the LSOAs it was made from: an edited place, or a place of another
configuration, that holds the same LSOAs gets it too; any other set is united at run time.
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import shapely

from layers import GENERATIONS
from services.io.store import Store
from services.io.store_check import PLACE_SHAPE_COLUMNS


def shape_key(rows: np.ndarray) -> str:
    """The identity of a set of spine positions (sorted, unique): a digest of their int64
    values."""
    return hashlib.sha1(np.ascontiguousarray(rows, dtype=np.int64).tobytes()).hexdigest()


def union_shape(lsoa_shapes: np.ndarray, rows: np.ndarray) -> shapely.Geometry:
    """The union of the LSOA copies at spine positions ``rows`` (what the map draws)."""
    return shapely.union_all(lsoa_shapes[rows])


def place_rows(membership) -> dict[str, np.ndarray]:
    """Per place code, its spine positions, sorted and unique."""
    return {code: np.unique(group["lsoa"].to_numpy())
            for code, group in membership.groupby("code")}


def default_place_shapes(store: Store) -> gpd.GeoDataFrame:
    """Every generation's default-scheme places (:data:`services.places.DEFAULT_SCHEME`) as map
    shapes, for the build to store: generation, code, shape_key, geometry (EPSG:4326); a place
    holding the same LSOAs in both generations once (the first generation's row)."""
    from services.places import DEFAULT_SCHEME
    from services.workspace import Workspace

    # as loaded from the store's WKB, which keeps no precision model: a fresh map copy still
    # carries its grid (services.build.layers.map_copy), and GEOS unites on it differently
    lsoa = shapely.from_wkb(shapely.to_wkb(store.generation(None).map_layers["lsoa"].geometry
                                           .to_numpy()))
    records: dict[str, list] = {column: [] for column in (*PLACE_SHAPE_COLUMNS, "geometry")}
    seen: set[str] = set()
    for generation in GENERATIONS:
        places = Workspace(store, generation).places(DEFAULT_SCHEME)
        for code, rows in place_rows(places.membership).items():
            key = shape_key(rows)
            if key in seen:
                continue
            seen.add(key)
            records["generation"].append(generation)
            records["code"].append(str(code))
            records["shape_key"].append(key)
            records["geometry"].append(union_shape(lsoa, rows))
    return gpd.GeoDataFrame(records, geometry="geometry", crs=4326)
