"""December 2022 ward polygons and each LSOA's best-fit 2022 ward (the 2024 generation's wards).

Wards are not made of LSOAs: they keep their official polygons and get an ONS best-fit
population, each LSOA wholly in one ward of its own council (wards nest in councils, so ONS best fit
never crosses one):

1. the ONS 2024 best-fit ward from the lookup, where that ward still has its 2022 code (a ward's
   code changes when its boundary does): ONS fitted the centroids to full-resolution boundaries,
   which the generalised polygons here cannot match near ward edges;
2. otherwise the 2022 ward of the LSOA's council that holds its population-weighted centroid;
3. otherwise (the centroid lies in another council's generalised ward, or in none) the nearest
   ward of its council.
Each route is counted in the store's meta. (2025 wards have no polygons offline: they are the
union of their best-fit LSOAs, dissolved like any LSOA-built layer.)
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers import layer_vintage
from services.build.sources import BuildSources
from services.io.sources import SourceError

KEY = "ward_2022"
COUNCILS = "lad_2024_code"


def build_wards_2022(sources: BuildSources, spine: pd.DataFrame,
                     lads: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict]:
    """(ward layer, meta). Sets ``spine["ward_2022_code"]``; ``lads`` is the 2024 council layer."""
    wards, repaired = sources.geo("wd22_boundaries")
    vintage = layer_vintage(KEY)
    code, name = vintage.source_code_field, vintage.source_name_field
    wards = wards[wards[code].str.startswith("E")]
    parts = wards[code].duplicated(keep=False)
    merged_codes = sorted(set(wards.loc[parts, code]))
    wards = wards.dissolve(code, as_index=False, sort=True, aggfunc="first")
    wards = wards.rename(columns={code: "code", name: "name"})[["code", "name", "geometry"]]
    wards["lad_code"] = _council_of(wards, lads)

    ward_code = spine["ward24_code"].where(spine["ward24_code"].isin(wards["code"]))
    by_lookup = ward_code.notna()
    points = gpd.GeoDataFrame(
        spine.loc[~by_lookup, [COUNCILS]].rename(columns={COUNCILS: "lad_code"}),
        geometry=gpd.points_from_xy(spine.loc[~by_lookup, "centroid_easting_m"],
                                    spine.loc[~by_lookup, "centroid_northing_m"]),
        crs=27700)
    hits = gpd.sjoin(points, wards, how="inner", predicate="within")
    hits = hits[hits["lad_code_left"] == hits["lad_code_right"]]
    hits = hits[~hits.index.duplicated(keep="first")]
    ward_code[hits.index] = hits["code"]
    nearest = points.index.difference(hits.index)
    for lad_code, group in points.loc[nearest].groupby("lad_code"):
        candidates = wards[wards["lad_code"] == lad_code]
        if candidates.empty:
            raise SourceError(f"WD_DEC_2022_UK_BSC.geojson: no ward lies in council {lad_code}; "
                              "check that the ward file covers England.")
        near = gpd.sjoin_nearest(group, candidates[["code", "geometry"]], how="left")
        ward_code[group.index] = near[~near.index.duplicated(keep="first")]["code"]
    spine[f"{KEY}_code"] = ward_code.to_numpy()
    meta = {
        "ward_parts_merged": merged_codes,
        "lsoas_by_ons_2024_best_fit_ward_unchanged_since_2022": int(by_lookup.sum()),
        "lsoas_by_centroid_in_a_2022_ward_of_their_council": len(hits),
        "lsoas_by_nearest_2022_ward_of_their_council": len(nearest),
    }
    return _finish(wards, spine, vintage.vintage.id), {"repaired": repaired, **meta}


def _council_of(wards: gpd.GeoDataFrame, lads: gpd.GeoDataFrame) -> np.ndarray:
    """The 2024 council holding most of each ward's area. 2022 wards of the councils reorganised
    in 2023 (Cumbria, North Yorkshire, Somerset) fall in the new unitary councils."""
    ward_positions, lad_positions = lads.sindex.query(wards.geometry.values,
                                                      predicate="intersects")
    shared = pd.DataFrame({
        "ward": ward_positions,
        "lad_code": lads["code"].to_numpy()[lad_positions],
        "area_m2": shapely.area(shapely.intersection(wards.geometry.values[ward_positions],
                                                     lads.geometry.values[lad_positions])),
    })
    largest = shared.sort_values(["ward", "area_m2"]).drop_duplicates("ward", keep="last")
    council = largest.set_index("ward")["lad_code"].reindex(np.arange(len(wards)))
    if council.isna().any():
        raise SourceError(f"WD_DEC_2022_UK_BSC.geojson: {int(council.isna().sum())} ward(s) "
                          "overlap no council built from the LSOAs; check both files' CRS.")
    return council.to_numpy()


def _finish(wards: gpd.GeoDataFrame, spine: pd.DataFrame, vintage: str) -> gpd.GeoDataFrame:
    """Ward population (best fit) and LSOA count; wards no LSOA fits to keep 0, said plainly."""
    grouped = spine.groupby(f"{KEY}_code")
    wards = wards.copy()
    wards["vintage"] = vintage
    population = grouped["population"].sum().reindex(wards["code"]).fillna(0)
    wards["population"] = population.astype("int64").values
    wards["lsoa_count"] = grouped.size().reindex(wards["code"]).fillna(0).astype("int64").values
    wards["area_m2"] = wards.geometry.area
    return wards[["code", "name", "vintage", "lad_code", "population", "lsoa_count", "area_m2",
                  "geometry"]]
