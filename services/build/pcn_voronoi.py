"""The approximate PCN footprint engine shared by every PCN vintage (PCNs have no official
boundary).

Competing *units* (a PCN, or a PCN's share of one sub-ICB location) each have seeds (practice
locations) and a target population, and compete only for the LSOAs of their own sub-ICB location.
An LSOA goes to the candidate unit minimising ``log(d) − v_unit`` (multiplicatively weighted
Voronoi; d = distance from the LSOA's population-weighted centroid to the unit's nearest seed, at
least ``MIN_DISTANCE_M``), with ``v += step × log((target + s) / (population + s))`` repeated
``WEIGHT_ROUNDS`` times, the step falling linearly from ``WEIGHT_STEP`` to 0 (s = mean LSOA
population, so an empty unit still grows). With v = 0 it is the plain nearest-practice baseline,
returned too. The result shows where a PCN's patients probably live, not where they do: its
populations are "approximate (modelled footprint)", never exact.

Also here: the helpers both vintages share (bad-input lines, LSOA 2011 → 2021 parts, practice
locations) and the footprint quality figures (list correlation, median ratio, pieces).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

APPROXIMATE = "approximate"
NEAREST_PRACTICE = "nearest_practice"
#: Practices at the same centroid as an LSOA are still this far away (metres): keeps log(d) finite.
MIN_DISTANCE_M = 200.0
#: Weight updates: first log-weight step (decaying linearly to 0, which damps the oscillation of
#: whole LSOAs flipping between units) and number of rounds.
WEIGHT_STEP = 0.2
WEIGHT_ROUNDS = 100


@dataclass
class PcnFootprints:
    """``assignment``: spine LSOA 2021 code → PCN code (every spine LSOA, once).
    ``pcns``: one row per PCN with a footprint, indexed by code: name, method, sub_icb_code,
    icb_code, list_size (registered patients, not residents). ``quality``: JSON-ready figures
    (see :func:`footprint_quality`). ``shares``/``coverage``: registrations method only."""

    method: str
    assignment: pd.Series
    pcns: pd.DataFrame
    quality: dict
    bad_input: list[dict]
    shares: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None


@dataclass
class Voronoi:
    """``assignment``/``baseline``: LSOA 2021 code → unit (weighted / nearest seed), every spine
    LSOA once. ``orphans``: LSOAs of a sub-ICB location with no unit, given to the nearest seed's
    unit anywhere (so they leave their sub-ICB: always reported); ``orphan_areas`` their areas."""

    assignment: pd.Series
    baseline: pd.Series
    orphans: list[str]
    orphan_areas: list[str]


def report(rule: str, items: pd.Series | list, **extra: object) -> dict:
    """A bad-input line: the rule, how many items broke it, a few examples."""
    items = sorted(set(items))
    return {"rule": rule, "count": len(items), "examples": [str(item) for item in items[:5]],
            **extra}


def parse_count(values: pd.Series) -> pd.Series:
    """Counts as published: digits with optional thousands commas; anything else → NaN."""
    return pd.to_numeric(values.astype(str).str.replace(",", "").str.strip(), errors="coerce")


def lsoa21_parts(lookup: pd.DataFrame, spine: pd.DataFrame) -> pd.DataFrame:
    """Each LSOA code (2011 or 2021) → its LSOA 2021 part(s) with ``population_weight``.

    A 2021 code maps to itself (weight 1). A 2011 code maps to the 2021 LSOAs the ONS lookup gives
    it, weight = Census 2021 population of the part / population of all its parts (U and M: 1).
    """
    population = spine.set_index("lsoa21_code")["population"]
    own = pd.DataFrame({"lsoa_code": spine["lsoa21_code"], "lsoa21_code": spine["lsoa21_code"],
                        "population_weight": 1.0})
    old = lookup.loc[lookup["LSOA11CD"].str.startswith("E")
                     & ~lookup["LSOA11CD"].isin(population.index), ["LSOA11CD", "LSOA21CD"]]
    old = old.rename(columns={"LSOA11CD": "lsoa_code", "LSOA21CD": "lsoa21_code"})
    old = old[old["lsoa21_code"].isin(population.index)].drop_duplicates()
    part_population = old["lsoa21_code"].map(population).astype(float)
    total = part_population.groupby(old["lsoa_code"]).transform("sum")
    old["population_weight"] = (part_population / total.where(total > 0)).fillna(
        1.0 / old.groupby("lsoa_code")["lsoa21_code"].transform("size"))
    return pd.concat([own, old], ignore_index=True)


def place_at_lsoa(lsoa_codes: pd.Series, parts: pd.DataFrame, spine: pd.DataFrame
                  ) -> pd.DataFrame:
    """Points at the population-weighted centroid of an LSOA (2011 or 2021 code): lsoa21_code, x,
    y, sub_icb_code (of the LSOA). A split 2011 LSOA gives its 2021 part with the most population
    (the likeliest place of one point); unknown codes give NaN."""
    main_part = parts.sort_values("population_weight", ascending=False).drop_duplicates(
        "lsoa_code").set_index("lsoa_code")["lsoa21_code"]
    lsoa21 = lsoa_codes.map(main_part)
    where = spine.set_index("lsoa21_code")
    return pd.DataFrame({"lsoa21_code": lsoa21,
                         "x": lsoa21.map(where["centroid_easting_m"]),
                         "y": lsoa21.map(where["centroid_northing_m"]),
                         "sub_icb_code": lsoa21.map(where["sub_icb_code"])},
                        index=lsoa_codes.index)


def scaled_to_residents(capacity: pd.Series, area: pd.Series, spine: pd.DataFrame) -> pd.Series:
    """Each unit's target population: its capacity (registered list) rescaled so the targets of
    each sub-ICB location sum to its Census population, ``capacity × pop(area) / Σ capacity``
    (lists run above residents: list inflation); an area whose capacities sum to 0 is split
    equally."""
    area_population = area.map(spine.groupby("sub_icb_code")["population"].sum())
    area_capacity = capacity.groupby(area).transform("sum")
    target = capacity * area_population / area_capacity.where(area_capacity > 0)
    return target.fillna(area_population / area.groupby(area).transform("size"))


def capacity_voronoi(spine: pd.DataFrame, units: pd.DataFrame, seeds: pd.DataFrame) -> Voronoi:
    """Assign every spine LSOA to a unit of its own sub-ICB location (see the module docstring).

    ``units``: indexed by unit, columns sub_icb_code (where it competes), target_population.
    ``seeds``: columns unit, x, y (metres, EPSG:27700); a seed competes in its unit's area
    wherever it lies.
    """
    unit_index = pd.Series(np.arange(len(units)), index=units.index)
    seeds = seeds.assign(pcn=seeds["unit"].map(unit_index), x=seeds["x"].astype(float),
                         y=seeds["y"].astype(float),
                         sub_icb_code=seeds["unit"].map(units["sub_icb_code"])).sort_values("pcn")
    log_distance, candidate, orphan_areas = _candidate_distances(spine, seeds, units)
    orphans = np.isinf(log_distance).all(axis=1)
    if orphans.any():
        log_distance[orphans, 0], candidate[orphans, 0] = 0.0, _nearest_seed(spine[orphans], seeds)
    rows = np.arange(len(spine))
    population = spine["population"].to_numpy(dtype=float)
    target = units["target_population"].to_numpy(dtype=float)
    smoothing = population.mean()
    log_weight = np.zeros(len(units))
    baseline = candidate[rows, np.argmin(log_distance, axis=1)]
    for step in np.linspace(WEIGHT_STEP, 0, WEIGHT_ROUNDS, endpoint=False):
        chosen = candidate[rows, np.argmin(log_distance - log_weight[candidate], axis=1)]
        actual = np.bincount(chosen, weights=population, minlength=len(units))
        log_weight += step * np.log((target + smoothing) / (actual + smoothing))
    chosen = candidate[rows, np.argmin(log_distance - log_weight[candidate], axis=1)]
    labels, lsoa = units.index.to_numpy(), spine["lsoa21_code"].to_numpy()
    return Voronoi(pd.Series(labels[chosen], index=lsoa, name="unit"),
                   pd.Series(labels[baseline], index=lsoa, name="unit"),
                   sorted(lsoa[orphans]), orphan_areas)


def spread_coincident_seeds(seeds: pd.DataFrame, distance_m: float = MIN_DISTANCE_M
                            ) -> pd.DataFrame:
    """Seeds of n > 1 units at one point (practices placed at the same LSOA centroid) moved apart:
    the k-th unit (in unit order) to ``distance_m`` from the point at angle 2πk/n. At one point
    the units could only take whole areas in turn, by weight, which can leave one empty."""
    key = ["x", "y", "unit"]
    units = seeds[key].drop_duplicates().sort_values(key)
    at_point = units.groupby(["x", "y"])["unit"]
    angle = 2 * np.pi * at_point.cumcount() / at_point.transform("size")
    shared = at_point.transform("size") > 1
    units = units.assign(dx=np.where(shared, distance_m * np.cos(angle), 0.0),
                         dy=np.where(shared, distance_m * np.sin(angle), 0.0))
    moved = seeds.merge(units, on=key, how="left")
    return moved.assign(x=moved["x"] + moved["dx"], y=moved["y"] + moved["dy"]).drop(
        columns=["dx", "dy"])


def _candidate_distances(spine: pd.DataFrame, seeds: pd.DataFrame, units: pd.DataFrame
                         ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per LSOA, its sub-ICB's units (padded to the largest count) and log distance to each unit's
    nearest seed (inf in padding). Done per sub-ICB: a few hundred LSOAs × tens of seeds."""
    width = int(units.groupby("sub_icb_code").size().max())
    log_distance = np.full((len(spine), width), np.inf)
    candidate = np.zeros((len(spine), width), dtype=np.int64)
    xy = spine[["centroid_easting_m", "centroid_northing_m"]].to_numpy()
    seeds_by_area = dict(list(seeds.groupby("sub_icb_code")))
    orphan_areas = []
    for area, lsoa_rows in spine.groupby("sub_icb_code").indices.items():
        area_seeds = seeds_by_area.get(area)
        if area_seeds is None:
            orphan_areas.append(area)
            continue
        seed_unit = area_seeds["pcn"].to_numpy()
        starts = np.flatnonzero(np.r_[True, seed_unit[1:] != seed_unit[:-1]])
        distance = np.hypot(xy[lsoa_rows, None, 0] - area_seeds["x"].to_numpy()[None, :],
                            xy[lsoa_rows, None, 1] - area_seeds["y"].to_numpy()[None, :])
        nearest = np.minimum.reduceat(distance, starts, axis=1)
        log_distance[lsoa_rows, :len(starts)] = np.log(np.maximum(nearest, MIN_DISTANCE_M))
        candidate[lsoa_rows, :len(starts)] = seed_unit[starts]
    return log_distance, candidate, sorted(orphan_areas)


def _nearest_seed(lsoas: pd.DataFrame, seeds: pd.DataFrame) -> np.ndarray:
    xy = lsoas[["centroid_easting_m", "centroid_northing_m"]].to_numpy()
    distance = np.hypot(xy[:, None, 0] - seeds["x"].to_numpy()[None, :],
                        xy[:, None, 1] - seeds["y"].to_numpy()[None, :])
    return seeds["pcn"].to_numpy()[np.argmin(distance, axis=1)]


def with_names(pcns: pd.DataFrame, assignment: pd.Series, names: pd.Series, method: str
               ) -> tuple[pd.DataFrame, dict]:
    """The PCN table the build dissolves (PCNs with a footprint, sorted: name, method,
    sub_icb_code, icb_code, list_size) and the bad-input line of PCNs left without one."""
    with_footprint = pcns.index.isin(assignment)
    line = {**report("pcn_without_footprint", pcns.index[~with_footprint]), "source": method}
    pcns = pcns.loc[with_footprint].sort_index()
    pcns = pcns.assign(name=pcns.index.map(names), method=method)
    return pcns[["name", "method", "sub_icb_code", "icb_code", "list_size"]], line


def footprint_quality(assignment: pd.Series, list_size: pd.Series, spine: pd.DataFrame,
                      icb_of_pcn: pd.Series, expected: pd.Series | None = None) -> dict:
    """How well footprint populations follow list sizes, England-wide and per ICB.

    ``correlation``: Pearson r between footprint population and list size over PCNs.
    ``median_ratio``: median of footprint population / expected population, where expected is the
    list scaled to residents (``expected``; default: list size × England population / England
    list total, since lists run about 8% above residents). PCNs with no footprint count as 0.
    """
    population = spine.groupby(assignment.reindex(spine["lsoa21_code"]).to_numpy())[
        "population"].sum().reindex(list_size.index, fill_value=0)
    if expected is None:
        expected = list_size * spine["population"].sum() / list_size.sum()
    ratio = population / expected.reindex(list_size.index)

    def figures(codes: pd.Index) -> dict:
        correlation = (float(np.corrcoef(population[codes], list_size[codes])[0, 1])
                       if len(codes) > 2 else None)
        return {"pcns": len(codes), "correlation": correlation,
                "median_ratio": float(ratio[codes].median())}

    by_icb = {icb: figures(codes) for icb, codes in
              list_size.index.groupby(icb_of_pcn.reindex(list_size.index)).items()}
    return {"england": figures(list_size.index), "by_icb": dict(sorted(by_icb.items()))}


def footprint_pieces(lsoa_polygons_27700: gpd.GeoSeries, assignment: pd.Series) -> pd.Series:
    """PCN → number of separate pieces of its footprint (the union of its LSOA polygons, British
    National Grid, indexed by lsoa21_code). LSOAs touching only at a corner are separate pieces."""
    missing = assignment.index.difference(lsoa_polygons_27700.index)
    if len(missing):
        raise ValueError(f"{len(missing)} assigned LSOAs have no polygon (e.g. "
                         f"{list(missing[:3])}): pass the polygons of every spine LSOA.")
    geometry = lsoa_polygons_27700.reindex(assignment.index).to_numpy()
    pieces = {code: int(shapely.get_num_geometries(shapely.union_all(geometry[rows])))
              for code, rows in assignment.groupby(assignment.to_numpy()).indices.items()}
    return pd.Series(pieces, name="pieces").sort_index()


def piece_quality(pieces: pd.Series) -> dict:
    """The pieces figures for the quality report (JSON-ready)."""
    multi = pieces[pieces > 1]
    return {"footprints": len(pieces), "multi_piece": len(multi),
            "multi_piece_share": float(len(multi) / len(pieces)) if len(pieces) else None,
            "max_pieces": int(pieces.max()) if len(pieces) else None,
            "multi_piece_examples": [str(code) for code in multi.sort_values(
                ascending=False).index[:5]]}
