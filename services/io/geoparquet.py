"""Reading the store's GeoParquet files as ``gpd.read_parquet`` does, with one pyproj CRS per
distinct CRS instead of one per file.

geopandas builds each file's CRS from the PROJJSON in its metadata (~18 ms each, holding the GIL),
so loading the store's 30 files spent ~0.5 s of a cold server start building the same two CRSs
(British National Grid, WGS84) again and again. Here the first file of each CRS is read by
geopandas itself and its CRS kept, keyed by the PROJJSON text; a later file with the same text
gets that CRS object. Files not written as the build writes them (one WKB geometry column) are
left to geopandas whole.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow.parquet as pq
import shapely
from pyproj import CRS

#: Geometries parsed per ``shapely.from_wkb`` call (~3 ms of LSOAs: :func:`_parse_wkb`).
WKB_SLICE = 1_000
_CRS_BY_PROJJSON: dict[str, CRS] = {}
_LOCK = threading.Lock()


def read_geoparquet(file: Path) -> gpd.GeoDataFrame:
    """The file as ``gpd.read_parquet(file)`` reads it (same columns, dtypes, geometry, CRS)."""
    table = pq.read_table(file)
    geo = json.loads((table.schema.metadata or {}).get(b"geo", b"{}"))
    column = geo.get("primary_column")
    info = geo.get("columns", {}).get(column, {})
    projjson = json.dumps(info.get("crs"), sort_keys=True)
    with _LOCK:
        crs = _CRS_BY_PROJJSON.get(projjson)
    if crs is None or len(geo["columns"]) != 1 or info.get("encoding") != "WKB":
        frame = gpd.read_parquet(file)
        if "crs" in info and frame.crs is not None:
            with _LOCK:
                _CRS_BY_PROJJSON.setdefault(projjson, frame.crs)
        return frame
    names = list(table.slice(0, 0).to_pandas().columns)  # the order geopandas gives
    frame = table.drop([column]).to_pandas()
    frame.insert(names.index(column), column,
                 gpd.array.GeometryArray(_parse_wkb(np.array(table[column])), crs=crs))
    return gpd.GeoDataFrame(frame, geometry=column)


def _parse_wkb(wkb: np.ndarray) -> np.ndarray:
    """``shapely.from_wkb`` a slice at a time: one call holds the GIL until it has made every
    geometry (~0.1 s for the LSOAs), and a store loading as the server starts then kept the
    server's event loop from sending the browser Streamlit's own scripts for that long, again
    and again. Between slices the loop gets its turn."""
    if len(wkb) <= WKB_SLICE:
        return shapely.from_wkb(wkb)
    return np.concatenate([shapely.from_wkb(wkb[start:start + WKB_SLICE])
                           for start in range(0, len(wkb), WKB_SLICE)])
