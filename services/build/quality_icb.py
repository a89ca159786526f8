"""ICBs dissolved from LSOAs against the official ICB polygons (pure, run at build time).

The official polygons are never built from: they check what the LSOA lookup gives. Both sides are
generalised (super generalised official polygons, 200 m LSOA polygons), so agreement is high but
not exact; the population measure (LSOA centroids inside the official polygon of their ICB) is the
one that matters for population figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from services.build.quality import require_bng, require_columns, require_unique
from services.records import json_ready, records

M2_PER_KM2 = 1_000_000


@dataclass
class IcbAgreement:
    """Per ICB code: built area against official area, IoU and population inside."""
    table: pd.DataFrame
    counts: dict

    def to_meta(self) -> dict:
        return {"counts": json_ready(self.counts), "icbs": records(self.table)}


def icb_polygon_agreement(built_icbs: gpd.GeoDataFrame, official: gpd.GeoDataFrame,
                          lsoas: pd.DataFrame, icb_column: str = "icb_code") -> IcbAgreement:
    """Per ICB code: built and official areas, intersection over union, and the share of its
    people whose LSOA's population-weighted centroid lies inside the official polygon of the same
    code; codes present on one side only are rows too (NaN on the missing side).

    ``built_icbs`` (dissolved from LSOAs) and ``official``: code, name, geometry in EPSG:27700.
    ``lsoas``: lsoa21_code, population, centroid_easting_m, centroid_northing_m and
    ``icb_column`` (each LSOA's ICB in the built generation).
    """
    for frame, what in ((built_icbs, "built_icbs"), (official, "official")):
        require_columns(frame, ("code", "name", "geometry"), what)
        require_bng(frame, what)
        require_unique(frame["code"], what)
    require_columns(lsoas, ("lsoa21_code", "population", "centroid_easting_m",
                            "centroid_northing_m", icb_column), "lsoas")
    built, off = built_icbs.set_index("code"), official.set_index("code")
    inside = _centroids_inside(lsoas, off.geometry, icb_column)
    people = inside.groupby(icb_column).agg(population=("population", "sum"),
                                            lsoas=("lsoa21_code", "size"),
                                            people_inside=("people_inside", "sum"),
                                            lsoas_inside=("inside", "sum"))
    codes = sorted(set(built.index) | set(off.index) | set(people.index))
    table = pd.DataFrame(index=pd.Index(codes, name="code"))
    table["name"] = built["name"].reindex(codes).fillna(off["name"].reindex(codes))
    table["in_built"] = table.index.isin(built.index)
    table["in_official"] = table.index.isin(off.index)
    built_geom = built.geometry.reindex(codes).to_numpy()
    off_geom = off.geometry.reindex(codes).to_numpy()
    built_m2, off_m2 = shapely.area(built_geom), shapely.area(off_geom)
    both_m2 = shapely.area(shapely.intersection(built_geom, off_geom))
    table["built_area_km2"], table["official_area_km2"] = built_m2 / M2_PER_KM2, off_m2 / M2_PER_KM2
    table["iou"] = both_m2 / (built_m2 + off_m2 - both_m2)
    table = table.join(people)
    table["population_inside_share"] = (table["people_inside"] / table["population"]).where(
        table["in_official"])
    table = table.reset_index()
    return IcbAgreement(table, _icb_counts(table, inside))


def _centroids_inside(lsoas: pd.DataFrame, official: gpd.GeoSeries, icb_column: str
                      ) -> pd.DataFrame:
    """LSOAs with whether their centroid lies in (or on) the official polygon of their ICB."""
    points = shapely.points(lsoas["centroid_easting_m"].astype(float).to_numpy(),
                            lsoas["centroid_northing_m"].astype(float).to_numpy())
    polygons = official.reindex(lsoas[icb_column]).to_numpy()
    shapely.prepare(polygons)
    frame = lsoas[["lsoa21_code", icb_column, "population"]].copy()
    frame["inside"] = shapely.covers(polygons, points)
    frame["people_inside"] = frame["population"].where(frame["inside"], 0)
    return frame


def _icb_counts(table: pd.DataFrame, inside: pd.DataFrame) -> dict:
    def lowest(column: str) -> dict | None:
        known = table.dropna(subset=[column])
        if known.empty:
            return None
        row = known.loc[known[column].idxmin()]
        return {"code": row["code"], "name": row["name"], "value": float(row[column])}

    return {
        "icbs_built": int(table["in_built"].sum()),
        "icbs_official": int(table["in_official"].sum()),
        "only_built": table.loc[table["in_built"] & ~table["in_official"], "code"].tolist(),
        "only_official": table.loc[~table["in_built"] & table["in_official"], "code"].tolist(),
        "lsoas": len(inside),
        "lsoas_inside": int(inside["inside"].sum()),
        "lsoas_outside": records(inside.loc[~inside["inside"], inside.columns[:3]]),
        "people_inside_share": float(inside["people_inside"].sum() / inside["population"].sum()),
        "min_iou": lowest("iou"),
        "min_population_inside_share": lowest("population_inside_share"),
    }
