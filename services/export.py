"""Exports: GeoJSON that follows RFC 7946 and CSV tables.

RFC 7946: WGS84 longitude/latitude only (no ``crs`` member), polygon exterior rings
counter-clockwise and holes clockwise, about 6 decimals (~0.1 m). Computed measures travel as
feature properties, so an exported layer carries the numbers shown on screen.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import shapely

COORDINATE_DECIMALS = 6


def to_geojson(frame: gpd.GeoDataFrame) -> str:
    """RFC 7946 FeatureCollection text of ``frame`` (any CRS; reprojected to WGS84)."""
    if frame.crs is None:
        raise ValueError("The layer has no CRS, so it cannot be exported as WGS84 GeoJSON.")
    frame = frame.to_crs(4326)
    geometry = shapely.orient_polygons(frame.geometry.to_numpy(), exterior_cw=False)
    properties = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    features = []
    for props, shape in zip(properties.to_dict(orient="records"), geometry, strict=True):
        features.append({"type": "Feature", "properties": {k: _plain(v) for k, v in
                                                           props.items()},
                         "geometry": _rounded(shapely.geometry.mapping(shape))})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))


def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _rounded(geometry: dict) -> dict:
    def walk(coords):
        if isinstance(coords[0], int | float):
            return [round(c, COORDINATE_DECIMALS) for c in coords]
        return [walk(c) for c in coords]
    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def to_csv(frame: pd.DataFrame) -> str:
    return pd.DataFrame(frame).to_csv(index=False, lineterminator="\n")
