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

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from services.bounded_cache import BoundedCache
from services.geography import Geography
from services.io.store import Store, StoreMissingError
from services.pair_table import frame_of


@dataclass(frozen=True)
class PairJoin:
    """The LSOAs A and B share, grouped by pair: one row per pair sorted by (a_pos, b_pos),
    and per shared (LSOA, a, b) row its pair and LSOA. Any LSOA quantity's sums per pair are
    then one ``bincount`` (population, area and border people share one join)."""

    a_pos: np.ndarray
    b_pos: np.ndarray
    pair_of_row: np.ndarray
    lsoa: np.ndarray

    def sums(self, lsoa_values: np.ndarray) -> np.ndarray:
        return np.bincount(self.pair_of_row, weights=lsoa_values[self.lsoa],
                           minlength=len(self.a_pos))


def pair_join(a: Geography, b: Geography, lsoas: int) -> PairJoin:
    """``lsoas``: the spine's length. When either side has one code per LSOA (every store
    layer does) the join is an array lookup; only two many-to-many memberships need a
    relational join."""
    swapped = not a.one_code_per_lsoa and b.one_code_per_lsoa
    first, second = (b, a) if swapped else (a, b)
    second_lsoa = second.membership["lsoa"].to_numpy()
    if first.one_code_per_lsoa:
        code_at = np.full(lsoas, -1, dtype=np.int64)
        code_at[first.membership["lsoa"].to_numpy()] = first.code_positions
        first_of_row = code_at[second_lsoa]
        keep = first_of_row >= 0
        first_of_row, second_of_row = first_of_row[keep], second.code_positions[keep]
        lsoa = second_lsoa[keep]
    else:
        joined = pd.DataFrame({"lsoa": first.membership["lsoa"].to_numpy(),
                               "a": first.code_positions}).merge(
            pd.DataFrame({"lsoa": second_lsoa, "b": second.code_positions}), on="lsoa")
        first_of_row, second_of_row = joined["a"].to_numpy(), joined["b"].to_numpy()
        lsoa = joined["lsoa"].to_numpy()
    a_of_row, b_of_row = (second_of_row, first_of_row) if swapped else (first_of_row,
                                                                        second_of_row)
    pairs, pair_of_row = np.unique(a_of_row.astype(np.int64) * len(b.codes) + b_of_row,
                                   return_inverse=True)
    return PairJoin(pairs // len(b.codes), pairs % len(b.codes), pair_of_row, lsoa)


def overlap(a: Geography, b: Geography, population: np.ndarray,
            lsoa_area_m2: np.ndarray | None = None, join: PairJoin | None = None) -> pd.DataFrame:
    """Overlap table of A against B, sorted by (a_code, b_code); ``area_m2`` is left out (NaN)
    when ``lsoa_area_m2`` is None, for callers that only need population measures.
    ``a_pos``/``b_pos`` index into ``a.codes``/``b.codes``; ``join``: their :func:`pair_join`,
    if the caller keeps it."""
    return frame_of(overlap_columns(a, b, population, lsoa_area_m2, join))


def overlap_columns(a: Geography, b: Geography, population: np.ndarray,
                    lsoa_area_m2: np.ndarray | None = None,
                    join: PairJoin | None = None) -> dict[str, np.ndarray]:
    """:func:`overlap` as plain columns (codes as object arrays), for readers that need no
    frame."""
    join = join or pair_join(a, b, len(population))
    a_pos, b_pos = join.a_pos, join.b_pos
    people = np.round(join.sums(population)).astype(np.int64)
    if lsoa_area_m2 is None:
        area = np.full(len(a_pos), np.nan)
    elif a.lsoa_built and b.lsoa_built:
        area = join.sums(lsoa_area_m2)
    else:
        a_pos, b_pos, people, area = _with_polygon_areas(a, b, a_pos, b_pos, people)
    return {"a_code": a.codes[a_pos], "b_code": b.codes[b_pos],
            "a_pos": a_pos, "b_pos": b_pos, "population": people, "area_m2": area}


def _with_polygon_areas(a: Geography, b: Geography, a_pos: np.ndarray, b_pos: np.ndarray,
                        people: np.ndarray) -> tuple[np.ndarray, ...]:
    """The pairs and their people with each pair's polygon intersection area (wards): pairs
    sharing area but no LSOA get 0 people, pairs sharing LSOAs but no area 0 m²."""
    by_polygon = polygon_overlap_m2(a.geometry, b.geometry)
    areas = pd.DataFrame({"a_pos": a.areas.index.get_indexer(by_polygon["a_code"]),
                          "b_pos": b.areas.index.get_indexer(by_polygon["b_code"]),
                          "area_m2": by_polygon["weight"].to_numpy()})
    table = pd.DataFrame({"a_pos": a_pos, "b_pos": b_pos, "population": people}).merge(
        areas, how="outer", on=["a_pos", "b_pos"]).sort_values(["a_pos", "b_pos"])
    return (table["a_pos"].to_numpy(), table["b_pos"].to_numpy(),
            table["population"].fillna(0).astype(np.int64).to_numpy(),
            table["area_m2"].fillna(0.0).to_numpy())


def pair_sums(join: PairJoin, table: pd.DataFrame | dict[str, np.ndarray],
              lsoa_values: np.ndarray, b_count: int) -> np.ndarray:
    """Σ ``lsoa_values`` over the LSOAs shared by each pair of an overlap ``table`` (sorted by
    a_pos, b_pos; ``join`` the pair join it was made from, ``b_count`` B's number of codes), in
    the table's row order; pairs without shared LSOAs (wards by polygon) get 0."""
    sums = join.sums(lsoa_values)
    if not len(sums):
        return np.zeros(len(table))
    keys = join.a_pos * b_count + join.b_pos
    wanted = (np.asarray(table["a_pos"], dtype=np.int64) * b_count
              + np.asarray(table["b_pos"], dtype=np.int64))
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
        self._columns: BoundedCache[tuple[str, str, bool], dict[str, np.ndarray]] = \
            BoundedCache(128)
        self._joins: BoundedCache[tuple[str, str], PairJoin] = BoundedCache(128)

    @classmethod
    def from_store(cls, store: Store) -> Overlaps:
        lsoa = store.layer("lsoa")
        if not (lsoa["code"].to_numpy() == store.spine["lsoa21_code"].to_numpy()).all():
            raise StoreMissingError(f"{store.path}: lsoa layer and spine are not in the same "
                                    "order; rebuild the store with `placemap data build`.")
        return cls(store.spine["population"].to_numpy(np.float64),
                   lsoa["area_m2"].to_numpy(np.float64))

    def table(self, a: Geography, b: Geography, *, area: bool = True) -> pd.DataFrame:
        full = area or (a.key, b.key, True) in self._columns  # the full table holds it too
        return self._tables.get_or_make((a.key, b.key, full), lambda: frame_of(
            self.columns(a, b, area=full)))

    def columns(self, a: Geography, b: Geography, *,
                area: bool = True) -> dict[str, np.ndarray]:
        """:meth:`table` as plain columns (read-only), kept apart: most readers need no
        frame."""
        if not area and (a.key, b.key, True) in self._columns:
            return self._columns[(a.key, b.key, True)]
        return self._columns.get_or_make((a.key, b.key, area), lambda: overlap_columns(
            a, b, self.population, self.lsoa_area_m2 if area else None, self.join(a, b)))

    def join(self, a: Geography, b: Geography) -> PairJoin:
        """The LSOAs A and B share, by pair (kept: the table and the border sums use it)."""
        return self._joins.get_or_make((a.key, b.key),
                                       lambda: pair_join(a, b, len(self.population)))

    def pair_sums(self, a: Geography, b: Geography, table: pd.DataFrame | dict[str, np.ndarray],
                  lsoa_values: np.ndarray) -> np.ndarray:
        """:func:`pair_sums` of an overlap table of A against B."""
        return pair_sums(self.join(a, b), table, lsoa_values, len(b.codes))

    def totals(self, geography: Geography) -> pd.Series:
        """P(a) for every area, from the spine (areas with nobody get 0)."""
        people = geography.sum_by_area(self.population)
        return pd.Series(np.round(people).astype(np.int64), index=geography.areas.index)
