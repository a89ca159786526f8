"""Store layers made of whole LSOAs, and the simplified copies drawn on maps.

Layers that are unions of whole LSOAs are dissolved from the *same* LSOA polygons, so where their
borders coincide they are the same line, and nesting is exact: a layer's parent codes (its chain
of ``parent`` layers in its generation) must be single-valued over each of its areas, or the
lookups do not nest and the build stops.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from layers import Generation, store_spine_column
from services.io.sources import SourceError

#: Simplification tolerance (metres, EPSG:27700) of each layer's map copy.
MAP_TOLERANCE_M = {"nhser": 500.0, "region": 500.0, "icb": 150.0, "sub_icb": 100.0,
                   "hwb": 100.0, "lad": 60.0, "pcn": 40.0, "ward": 25.0, "lsoa": 15.0}
#: Map copies are rounded to about 1 m: enough for a screen, and it keeps GeoJSON small.
MAP_GRID_DEGREES = 1e-5


def lsoa_layer(spine: pd.DataFrame, polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The LSOAs themselves, in spine order; their codes in other layers live in the spine."""
    geometry = polygons.set_index("LSOA21CD").geometry.reindex(spine["lsoa21_code"]).values
    layer = gpd.GeoDataFrame({"code": spine["lsoa21_code"].values,
                              "name": spine["lsoa21_name"].values, "vintage": "2021",
                              "population": spine["population"].values},
                             geometry=geometry, crs=27700)
    layer["area_m2"] = layer.geometry.area
    return layer


def parent_keys(generation: Generation, layer_id: str) -> dict[str, str]:
    """Ancestor layer id → its store key in ``generation``, in which a layer built from whole
    LSOAs must nest: ancestors of the same vintage only (2025 councils need not nest in the 2024
    ONS regions: E01027305 is in Cherwell in the 2024 lookup and in West Northamptonshire in
    2025, which the data-quality report names). PCNs are exempt: a footprint may cross sub-ICB
    locations."""
    layer = generation.layer(layer_id)
    parents, parent = {}, layer.parent
    while parent is not None and layer_id != "pcn" and generation.has(parent):
        ancestor = generation.layer(parent)
        if ancestor.vintage.id != layer.vintage.id:
            break
        parents[parent] = ancestor.key
        parent = ancestor.parent
    return parents


def dissolve(lsoa: gpd.GeoDataFrame, spine: pd.DataFrame, key: str, names: pd.DataFrame,
             parents: dict[str, str], vintage: str) -> gpd.GeoDataFrame:
    """Union whole LSOAs per code of ``key``; columns code, name, vintage, extra name columns,
    ``<parent>_code`` per parent, population, lsoa_count, area_m2."""
    column = store_spine_column(key)
    frame = lsoa.assign(**{column: spine[column].to_numpy()},
                        **{f"{p}_code": spine[store_spine_column(k)].to_numpy()
                           for p, k in parents.items()})
    groups = frame.groupby(column, sort=True)
    for parent in parents:
        straddling = groups[f"{parent}_code"].nunique()
        if (straddling > 1).any():
            raise SourceError(
                f"{key} areas {list(straddling[straddling > 1].index[:3])} span several "
                f"{parent} areas: the lookups do not nest as expected.")
    geometry = groups.geometry.apply(lambda series: shapely.union_all(series.values))
    layer = gpd.GeoDataFrame({"code": geometry.index,
                              "name": names["name"].reindex(geometry.index).values,
                              "vintage": vintage}, geometry=geometry.values, crs=27700)
    for extra in names.columns.drop("name"):
        layer[extra] = names[extra].reindex(geometry.index).values
    for parent in parents:
        layer[f"{parent}_code"] = groups[f"{parent}_code"].first().values
    layer["population"] = groups["population"].sum().reindex(layer["code"]).values
    layer["lsoa_count"] = groups.size().values
    layer["area_m2"] = layer.geometry.area
    if layer["name"].isna().any():
        raise SourceError(f"{key}: codes without a name in the lookups: "
                          f"{list(layer.loc[layer['name'].isna(), 'code'][:5])}")
    return layer


def map_copy(layer: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify the layer as one coverage (neighbours keep a shared border), then to WGS84."""
    simplified = shapely.coverage_simplify(layer.geometry.values, tolerance_m)
    frame = gpd.GeoDataFrame({"code": layer["code"].values}, geometry=simplified, crs=27700)
    frame = frame.to_crs(4326)
    frame.geometry = shapely.make_valid(shapely.set_precision(frame.geometry.values,
                                                              MAP_GRID_DEGREES))
    lost = frame.geometry.is_empty
    if lost.any():
        frame.loc[lost, "geometry"] = layer.geometry[lost.values].to_crs(4326).values
    return frame
