"""What is here: the LSOA under a point of the map, and every layer's area there.

A click on a map gives a WGS84 point. Every layer of every generation is a function of the LSOA
2021 spine (each LSOA has one code per stored layer vintage), so the point is turned into one
LSOA, found through the LSOA layer's spatial index (EPSG:27700, built once per loaded layer by
geopandas), and everything else is a row of the spine plus name lookups.
"""

from __future__ import annotations

import math
import threading

import shapely
from pyproj import Transformer

from services.io.store import Store

_local = threading.local()  # pyproj transformers are not safe to share between threads


def _to_bng(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → British National Grid (EPSG:27700) metres, with one transformer per thread."""
    if not hasattr(_local, "transformer"):
        _local.transformer = Transformer.from_crs(4326, 27700, always_xy=True)
    return _local.transformer.transform(lon, lat)


def lsoa_at(store: Store, lat: float, lon: float) -> int | None:
    """The spine position of the LSOA whose polygon holds the WGS84 point (lat, lon), or None
    outside England (or for a point that is not a number). On a border shared by two LSOAs the
    first in spine order is taken. Assumes the LSOA layer is in spine order (the store checks
    it on load)."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    x, y = _to_bng(lon, lat)
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    hits = store.layer("lsoa").sindex.query(shapely.Point(x, y), predicate="intersects")
    return int(hits.min()) if len(hits) else None
