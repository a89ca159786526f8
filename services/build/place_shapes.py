"""Build time: the default place scheme's places united once, for the store to keep
(:mod:`services.place_shapes` serves them to maps by the LSOAs each unites)."""

from __future__ import annotations

import geopandas as gpd
import shapely

from layers import GENERATIONS
from services.io.store import Store
from services.io.store_check import PLACE_SHAPE_COLUMNS
from services.place_shapes import place_rows, shape_key, union_shape


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
