"""A map layer's GeoJSON as the map's script writes it, each geometry dumped once per process.

An ICB's first map dumped every feature's geometry three times: mapped to Python tuples for
folium, dumped by folium's ``tojson`` into the script, and dumped again by ``to_json`` only to
count the bytes (~0.15 s of CPU of each first map, holding the interpreter lock). The store's
map copies and the place shapes are the same Python objects in every view, so each geometry's
JSON text is kept while the geometry lives (by identity, like ``ui/derived.py``), and a layer's
text is joined from it: :class:`LayerGeoJson` is what folium is given, its geometries stand-ins
that say only their type, and the ``tojson`` policy :func:`services.folium_text.install` sets
writes it through :meth:`LayerGeoJson.text`, the same text ``json.dumps(..., sort_keys=True)``
of the full collection gives, so every map's HTML stays byte for byte the same.
"""

from __future__ import annotations

import json
import threading
import weakref

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

_TEXTS: dict[int, str] = {}
_LOCK = threading.Lock()


def geometry_texts(geometries: np.ndarray) -> list[str]:
    """Each geometry's GeoJSON as ``json.dumps(mapping(g), sort_keys=True)`` writes it ("null"
    for a missing or empty one, as geopandas writes it), made once per live geometry."""
    texts = []
    for geometry in geometries:
        text = _TEXTS.get(id(geometry))
        if text is None:
            text = _geometry_text(geometry)
        texts.append(text)
    return texts


def _geometry_text(geometry: object) -> str:
    if not geometry:  # None, or an empty geometry (shapely's bool): what geopandas writes
        return "null"
    text = _polygonal_text(geometry) or json.dumps(mapping(geometry), sort_keys=True)
    with _LOCK:
        if id(geometry) not in _TEXTS:  # two sessions may both make it: equal texts, one kept
            _TEXTS[id(geometry)] = text
            weakref.finalize(geometry, _TEXTS.pop, id(geometry), None).atexit = False
    return text


def _polygonal_text(geometry: object) -> str | None:
    """``json.dumps(mapping(geometry), sort_keys=True)`` of a 2-D polygon or multipolygon (what
    every map copy is), each ring's coordinates read by GEOS at once instead of point by point
    through ``mapping`` (~2x faster; the same floats, so the same text); None for anything else."""
    if shapely.get_coordinate_dimension(geometry) != 2:
        return None
    if isinstance(geometry, shapely.Polygon):
        polygons, kind = [geometry], "Polygon"
    elif isinstance(geometry, shapely.MultiPolygon):
        polygons, kind = list(geometry.geoms), "MultiPolygon"
    else:
        return None
    rings = [[shapely.get_coordinates(ring).tolist() for ring in (p.exterior, *p.interiors)]
             for p in polygons]
    return f'{{"coordinates": {json.dumps(rings[0] if kind == "Polygon" else rings)}, ' \
           f'"type": "{kind}"}}'


def feature_properties(frame: gpd.GeoDataFrame) -> list[dict]:
    """Each feature's properties as ``to_geo_dict`` gives them (Python scalars, missing values
    None), without mapping the geometries."""
    geometry = frame.geometry.name
    columns = [name for name in frame.columns if name != geometry]
    values = []
    for name, series in frame.items():  # column by column: a frame's conversions cost more
        if name == geometry:  # than its rows
            continue
        column = series.to_numpy(dtype=object)
        missing = pd.isna(column)
        if missing.any():
            column = column.copy()
            column[missing] = None
        values.append(column)
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


class LayerGeoJson(dict):
    """A FeatureCollection for folium: properties as given, each geometry a stand-in naming
    only its type (what folium reads), the geometries' text kept apart. Written into the map
    only through :meth:`text` (the ``tojson`` policy); a plain ``json.dumps`` would write the
    stand-ins."""

    def __init__(self, properties: list[dict], geometries: np.ndarray) -> None:
        texts = geometry_texts(geometries)
        features = [{"type": "Feature", "properties": props,
                     "geometry": None if text == "null" else {"type": geometry.geom_type}}
                    for props, text, geometry in zip(properties, texts, geometries, strict=True)]
        super().__init__(type="FeatureCollection", features=features)
        self.geometry_texts = texts

    def text(self) -> str:
        """``json.dumps(collection, sort_keys=True)`` of the collection with its geometries
        (folium may have added keys, e.g. an ``id`` per feature)."""
        features = ", ".join(_feature_text(feature, geometry) for feature, geometry in zip(
            self["features"], self.geometry_texts, strict=True))
        rest = {key: value for key, value in self.items() if key != "features"}
        return _object_text({**rest, "features": None}, {"features": f"[{features}]"})


def _feature_text(feature: dict, geometry: str) -> str:
    return _object_text(feature, {"geometry": geometry})


def _object_text(value: dict, written: dict[str, str]) -> str:
    """``json.dumps(value, sort_keys=True)``, with the members in ``written`` as given."""
    return "{" + ", ".join(
        f"{json.dumps(key)}: "
        + (written[key] if key in written else json.dumps(value[key], sort_keys=True))
        for key in sorted(value)) + "}"


def geojson_bytes(frame: gpd.GeoDataFrame) -> int:
    """The length of ``frame.to_json(drop_id=True)`` (ASCII: bytes), from the kept geometry
    texts: key order changes no length, so each feature is its properties' and geometry's
    text and the same fixed members."""
    texts = geometry_texts(frame.geometry.to_numpy())
    properties = feature_properties(frame)
    feature_members = len('{"type": "Feature", "properties": , "geometry": }')
    features = sum(len(json.dumps(props)) + len(text) + feature_members
                   for props, text in zip(properties, texts, strict=True))
    separators = 2 * max(len(texts) - 1, 0)  # ", " between features
    return len('{"type": "FeatureCollection", "features": []}') + features + separators
