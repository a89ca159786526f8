"""The overlap table: the one table every alignment measure is derived from.

For geographies A and B it has a row per pair of areas that share anything, with

- ``population``: P(a∩b), the Census 2021 population of the spine LSOAs in both a and b;
- ``area_m2``: the area of a∩b in EPSG:27700. When both geographies are unions of whole LSOAs
  this is the sum of the shared LSOAs' areas (exact, and the same polygons as the store); otherwise
  (wards) it is a polygon intersection found through a spatial index.

Coterminosity, coverage and the misalignment flags are all group-bys over this table, so it is
computed once per pair of geographies (:class:`Overlaps` keeps them) and reused.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from services.geography import Geography
from services.io.store import Store

OVERLAP_COLUMNS = ["a_code", "b_code", "population", "area_m2"]


def overlap(a: Geography, b: Geography, population: np.ndarray,
            lsoa_area_m2: np.ndarray | None = None) -> pd.DataFrame:
    """Overlap table of A against B, sorted by (a_code, b_code); ``area_m2`` is left out (NaN)
    when ``lsoa_area_m2`` is None, for callers that only need population measures."""
    table = _weighted_overlap(a.membership, b.membership, population).rename(
        columns={"weight": "population"})
    table["population"] = table["population"].round().astype("int64")
    if lsoa_area_m2 is None:
        table["area_m2"] = np.nan
    else:
        if a.lsoa_built and b.lsoa_built:
            areas = _weighted_overlap(a.membership, b.membership, lsoa_area_m2)
        else:
            areas = polygon_overlap_m2(a.geometry, b.geometry)
        table = table.merge(areas.rename(columns={"weight": "area_m2"}), how="outer",
                            on=["a_code", "b_code"])
        table["population"] = table["population"].fillna(0).astype("int64")
        table["area_m2"] = table["area_m2"].fillna(0.0)
    return table[OVERLAP_COLUMNS].sort_values(["a_code", "b_code"], ignore_index=True)


def _weighted_overlap(a: pd.DataFrame, b: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Sum of LSOA weights per (a_code, b_code) over LSOAs in both.

    When either side has one code per LSOA (every store layer does) the join is an array lookup;
    only two many-to-many memberships need a relational join.
    """
    swapped = False
    if not _one_per_lsoa(a) and _one_per_lsoa(b):
        a, b, swapped = b, a, True
    if _one_per_lsoa(a):
        a_index, a_codes = pd.factorize(a["code"], sort=True)
        code_at = np.full(len(weights), -1, dtype=np.int64)
        code_at[a["lsoa"].to_numpy()] = a_index
        b_lsoa = b["lsoa"].to_numpy()
        a_of_b = code_at[b_lsoa]
        keep = a_of_b >= 0
        b_index, b_codes = pd.factorize(b["code"].to_numpy()[keep], sort=True)
        key = a_of_b[keep] * len(b_codes) + b_index
        pairs, inverse = np.unique(key, return_inverse=True)
        sums = np.bincount(inverse, weights=weights[b_lsoa[keep]], minlength=len(pairs))
        table = pd.DataFrame({"a_code": np.asarray(a_codes)[pairs // len(b_codes)],
                              "b_code": np.asarray(b_codes)[pairs % len(b_codes)],
                              "weight": sums})
    else:
        joined = a.merge(b, on="lsoa", suffixes=("_a", "_b"))
        joined["weight"] = weights[joined["lsoa"].to_numpy()]
        table = (joined.groupby(["code_a", "code_b"], sort=True)["weight"].sum().reset_index()
                 .rename(columns={"code_a": "a_code", "code_b": "b_code"}))
    if swapped:
        table = table.rename(columns={"a_code": "b_code", "b_code": "a_code"})
    return table[["a_code", "b_code", "weight"]]


def _one_per_lsoa(membership: pd.DataFrame) -> bool:
    return not membership["lsoa"].duplicated().any()


def polygon_overlap_m2(a: gpd.GeoSeries, b: gpd.GeoSeries) -> pd.DataFrame:
    """Area of every intersecting pair (EPSG:27700 polygons indexed by code), by spatial index
    then one vectorised intersection; pairs whose intersection has no area are left out."""
    a_geoms, b_geoms = a.to_numpy(), b.to_numpy()
    a_pos, b_pos = b.sindex.query(a_geoms, predicate="intersects")
    shapely.prepare(a_geoms)
    inside = shapely.contains_properly(b_geoms[b_pos], a_geoms[a_pos])
    area = shapely.area(a_geoms[a_pos])
    rest = ~inside
    area[rest] = shapely.area(shapely.intersection(a_geoms[a_pos[rest]], b_geoms[b_pos[rest]]))
    table = pd.DataFrame({"a_code": a.index.to_numpy()[a_pos], "b_code": b.index.to_numpy()[b_pos],
                          "weight": area})
    return table[table["weight"] > 0].reset_index(drop=True)


class Overlaps:
    """Overlap tables over one store, each computed once per pair of geographies.

    Keyed by the geographies' membership hashes, so an edited place configuration gets new tables
    while the unchanged pairs are reused.
    """

    def __init__(self, population: np.ndarray, lsoa_area_m2: np.ndarray) -> None:
        self.population = population
        self.lsoa_area_m2 = lsoa_area_m2
        self._tables: dict[tuple[str, str, bool], pd.DataFrame] = {}

    @classmethod
    def from_store(cls, store: Store) -> Overlaps:
        lsoa = store.layer("lsoa")
        if not (lsoa["code"].to_numpy() == store.spine["lsoa21_code"].to_numpy()).all():
            raise ValueError(f"{store.path}: lsoa layer and spine are not in the same order; "
                             "rebuild the store with `placemap data build`.")
        return cls(store.spine["population"].to_numpy(np.float64),
                   lsoa["area_m2"].to_numpy(np.float64))

    def table(self, a: Geography, b: Geography, *, area: bool = True) -> pd.DataFrame:
        key = (a.key, b.key, area)
        if key not in self._tables:
            full = (a.key, b.key, True)
            if full in self._tables:
                return self._tables[full]
            self._tables[key] = overlap(a, b, self.population,
                                        self.lsoa_area_m2 if area else None)
        return self._tables[key]

    def totals(self, geography: Geography) -> pd.Series:
        """P(a) for every area, from the spine (areas with nobody get 0)."""
        weights = self.population[geography.membership["lsoa"].to_numpy()]
        sums = pd.Series(weights, index=geography.membership["code"].to_numpy()).groupby(
            level=0).sum()
        return sums.reindex(geography.areas.index, fill_value=0).round().astype("int64")
