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

from services.bounded_cache import BoundedCache
from services.geography import Geography
from services.io.store import Store, StoreMissingError


def overlap(a: Geography, b: Geography, population: np.ndarray,
            lsoa_area_m2: np.ndarray | None = None) -> pd.DataFrame:
    """Overlap table of A against B, sorted by (a_code, b_code); ``area_m2`` is left out (NaN)
    when ``lsoa_area_m2`` is None, for callers that only need population measures.
    ``a_pos``/``b_pos`` index into ``a.codes``/``b.codes``."""
    a_pos, b_pos, people = _weighted_overlap(a, b, population)
    order = np.lexsort((b_pos, a_pos))
    table = pd.DataFrame({"a_pos": a_pos[order], "b_pos": b_pos[order],
                          "population": np.round(people[order]).astype(np.int64)})
    if lsoa_area_m2 is None:
        table["area_m2"] = np.nan
    else:
        if a.lsoa_built and b.lsoa_built:
            area_a, area_b, area = _weighted_overlap(a, b, lsoa_area_m2)
        else:
            by_polygon = polygon_overlap_m2(a.geometry, b.geometry)
            area_a = a.areas.index.get_indexer(by_polygon["a_code"])
            area_b = b.areas.index.get_indexer(by_polygon["b_code"])
            area = by_polygon["weight"].to_numpy()
        areas = pd.DataFrame({"a_pos": area_a, "b_pos": area_b, "area_m2": area})
        table = table.merge(areas, how="outer", on=["a_pos", "b_pos"])
        table["population"] = table["population"].fillna(0).astype(np.int64)
        table["area_m2"] = table["area_m2"].fillna(0.0)
        table = table.sort_values(["a_pos", "b_pos"], ignore_index=True)
    table.insert(0, "a_code", pd.Series(a.codes[table["a_pos"].to_numpy()], dtype=object))
    table.insert(1, "b_code", pd.Series(b.codes[table["b_pos"].to_numpy()], dtype=object))
    return table


def _weighted_overlap(a: Geography, b: Geography,
                      weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a positions, b positions, Σ LSOA weights) per pair sharing LSOAs.

    When either side has one code per LSOA (every store layer does) the join is an array lookup;
    only two many-to-many memberships need a relational join.
    """
    swapped = not a.one_code_per_lsoa and b.one_code_per_lsoa
    if swapped:
        a, b = b, a
    b_lsoa = b.membership["lsoa"].to_numpy()
    if a.one_code_per_lsoa:
        code_at = np.full(len(weights), -1, dtype=np.int64)
        code_at[a.membership["lsoa"].to_numpy()] = a.code_positions
        a_of_row = code_at[b_lsoa]
        keep = a_of_row >= 0
        a_of_row, b_of_row, lsoa = a_of_row[keep], b.code_positions[keep], b_lsoa[keep]
    else:
        joined = pd.DataFrame({"lsoa": a.membership["lsoa"].to_numpy(), "a": a.code_positions}) \
            .merge(pd.DataFrame({"lsoa": b_lsoa, "b": b.code_positions}), on="lsoa")
        a_of_row, b_of_row = joined["a"].to_numpy(), joined["b"].to_numpy()
        lsoa = joined["lsoa"].to_numpy()
    key = a_of_row * len(b.codes) + b_of_row
    pairs, inverse = np.unique(key, return_inverse=True)
    sums = np.bincount(inverse, weights=weights[lsoa], minlength=len(pairs))
    a_pos, b_pos = pairs // len(b.codes), pairs % len(b.codes)
    return (b_pos, a_pos, sums) if swapped else (a_pos, b_pos, sums)


def pair_sums(a: Geography, b: Geography, table: pd.DataFrame,
              lsoa_values: np.ndarray) -> np.ndarray:
    """Σ ``lsoa_values`` over the LSOAs shared by each pair of an overlap ``table`` of A
    against B (sorted by a_pos, b_pos), in the table's row order; pairs without shared LSOAs
    (wards by polygon) get 0."""
    a_pos, b_pos, sums = _weighted_overlap(a, b, lsoa_values)
    if not len(sums):
        return np.zeros(len(table))
    keys = a_pos * len(b.codes) + b_pos
    order = np.argsort(keys)  # unsorted when _weighted_overlap swapped A and B
    keys, sums = keys[order], sums[order]
    wanted = table["a_pos"].to_numpy(np.int64) * len(b.codes) + table["b_pos"].to_numpy(np.int64)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, sums[at], 0.0)


def polygon_overlap_m2(a: gpd.GeoSeries, b: gpd.GeoSeries) -> pd.DataFrame:
    """Area of every intersecting pair (EPSG:27700 polygons indexed by code), by spatial index
    then one vectorised intersection; pairs whose intersection has no area are left out."""
    a_geoms, b_geoms = a.to_numpy(), b.to_numpy()
    a_pos, b_pos = b.sindex.query(a_geoms, predicate="intersects")
    shapely.prepare(b_geoms)
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
        self._tables: BoundedCache[tuple[str, str, bool], pd.DataFrame] = BoundedCache(128)

    @classmethod
    def from_store(cls, store: Store) -> Overlaps:
        lsoa = store.layer("lsoa")
        if not (lsoa["code"].to_numpy() == store.spine["lsoa21_code"].to_numpy()).all():
            raise StoreMissingError(f"{store.path}: lsoa layer and spine are not in the same "
                                    "order; rebuild the store with `placemap data build`.")
        return cls(store.spine["population"].to_numpy(np.float64),
                   lsoa["area_m2"].to_numpy(np.float64))

    def table(self, a: Geography, b: Geography, *, area: bool = True) -> pd.DataFrame:
        if not area and (a.key, b.key, True) in self._tables:  # the full table holds it too
            return self._tables.get_or_make((a.key, b.key, True), lambda: self.table(a, b))
        return self._tables.get_or_make((a.key, b.key, area), lambda: overlap(
            a, b, self.population, self.lsoa_area_m2 if area else None))

    def totals(self, geography: Geography) -> pd.Series:
        """P(a) for every area, from the spine (areas with nobody get 0)."""
        people = geography.sum_by_area(self.population)
        return pd.Series(np.round(people).astype(np.int64), index=geography.areas.index)
