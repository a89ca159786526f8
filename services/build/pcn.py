"""Primary care network (PCN) footprints: PCNs have no official boundary, so we draw one from LSOAs.

Two methods, both assigning every LSOA 2021 of the spine to exactly one PCN:

- ``registrations`` (the proper method, when NHS 'patients registered at a GP practice by LSOA' is
  available): a PCN's registered patients by LSOA are the sum over its member practices; its
  ``population_share`` of an LSOA is ``patients(PCN, LSOA) / patients(all practices, LSOA)``; the
  footprint rule is **each LSOA goes to the PCN with the largest share** (ties: lowest PCN code),
  the rule of the Surrey-i lookup and Beaney et al. (BJGP Open 2022).
- ``approximate`` (offline fallback): practices are placed at the population-weighted centroid of
  the LSOA they sit in and every LSOA goes to a PCN of its own sub-ICB location by a
  capacity-aware multiplicatively weighted Voronoi assignment, so that footprint populations follow
  the PCNs' list sizes. It shows where a PCN's patients probably live, not where they do.

Practice → PCN is the **current** ePCN relationship (empty end date) of a PCN open in the same ePCN
release, so both methods describe the same set of PCNs (the layer's vintage). Registrations of a
practice with no current ePCN relationship fall back on the practice mapping file of the
registration extract when that names an open PCN.

Registrations may use LSOA 2011 or 2021 codes (the codes never collide). A 2011 code is turned into
2021 LSOAs by the ONS LSOA11→LSOA21 lookup: unchanged (U) and merged (M) LSOAs map whole (merged
ones sum); split (S) and complex (X) 2011 LSOAs share their patients among their 2021 parts in
proportion to the parts' Census 2021 population (for X this is an approximation: a part may also
hold people of another 2011 LSOA).

Bad input is never dropped silently: each problem is a named, counted line of ``bad_input``
(``{"rule": ..., "count": ..., "examples": [...]}``), present with count 0 when clean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

REGISTRATIONS = "registrations"
APPROXIMATE = "approximate"
NEAREST_PRACTICE = "nearest_practice"

#: Areas the coverage of a PCN's list is reported over (spine columns), plus ``place`` if given.
COVERAGE_AREAS = ("lad_code", "hwb_code", "icb_code")
#: Practices at the same centroid as an LSOA are still this far away (metres): keeps log(d) finite.
MIN_DISTANCE_M = 200.0
#: Weight updates of the approximate method: first log-weight step (decaying linearly to 0, which
#: damps the oscillation of whole LSOAs flipping between PCNs) and number of rounds.
WEIGHT_STEP = 0.2
WEIGHT_ROUNDS = 100


@dataclass
class PcnFootprints:
    """``assignment``: spine LSOA 2021 code → PCN code (every spine LSOA, once).
    ``pcns``: one row per PCN with a footprint, indexed by code: name, method, sub_icb_code,
    icb_code, list_size. ``quality``: per method, see :func:`footprint_quality`.
    ``shares``/``coverage``: registrations method only (see :func:`registration_footprints`)."""

    method: str
    assignment: pd.Series
    pcns: pd.DataFrame
    quality: dict
    bad_input: list[dict]
    shares: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None


def _report(rule: str, items: pd.Series | list, **extra: object) -> dict:
    """A bad-input line: the rule, how many items broke it, a few examples."""
    items = sorted(set(items))
    return {"rule": rule, "count": len(items), "examples": [str(item) for item in items[:5]],
            **extra}


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


def practice_pcn(members: pd.DataFrame, details: pd.DataFrame,
                 practice_mapping: pd.DataFrame | None = None) -> tuple[pd.Series, list[str]]:
    """Practice code → PCN code: the current ePCN relationship (empty end date) to an open PCN
    (empty close date); then, for practices without one, the mapping file's PCN if it is open.
    Returns the mapping and the practices whose only relationships are to closed PCNs."""
    open_pcns = set(details.loc[details["Close Date"].str.strip() == "", "PCN Code"])
    current = members[members["Practice to PCN Relationship End Date"].str.strip() == ""]
    current = current.sort_values("Practice to PCN Relationship Start Date")
    in_closed = current.loc[~current["PCN Code"].isin(open_pcns), "Partner Organisation Code"]
    current = current[current["PCN Code"].isin(open_pcns)]
    mapping = current.drop_duplicates("Partner Organisation Code", keep="last").set_index(
        "Partner Organisation Code")["PCN Code"]
    if practice_mapping is not None:
        fallback = practice_mapping.set_index("PRACTICE_CODE")["PCN_CODE"]
        mapping = mapping.combine_first(fallback[fallback.isin(open_pcns)])
    return mapping.rename("pcn_code"), sorted(set(in_closed) - set(mapping.index))


def _pcn_names(details: pd.DataFrame) -> pd.Series:
    return details.drop_duplicates("PCN Code").set_index("PCN Code")["PCN Name"]


def _parse_count(values: pd.Series) -> pd.Series:
    """Counts as published: digits with optional thousands commas; anything else → NaN."""
    return pd.to_numeric(values.astype(str).str.replace(",", "").str.strip(), errors="coerce")


def registration_footprints(registrations: pd.DataFrame, pcn_of_practice: pd.Series,
                            parts: pd.DataFrame, spine: pd.DataFrame,
                            place_of_lsoa: pd.Series | None = None
                            ) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, pd.Series, list]:
    """Footprints from registered patients (columns PRACTICE_CODE, LSOA_CODE, NUMBER_OF_PATIENTS).

    Returns ``(footprint, shares, coverage, list_size, bad_input)``:

    - ``shares``: pcn_code, lsoa21_code, patients, population_share, where
      population_share = patients(PCN, LSOA) / patients of every practice in the LSOA (practices
      without a PCN count in the denominator: they are still the LSOA's registered patients);
    - ``footprint``: LSOA 2021 → PCN with the largest share (ties: lowest PCN code); LSOAs with no
      registered patient are absent;
    - ``coverage``: pcn_code, area (``lad``/``hwb``/``icb``/``place``), area_code, patients,
      list_share = patients(PCN, area) / list_size(PCN);
    - ``list_size``: registered patients per PCN (fractional where split LSOAs were shared).

    ``place_of_lsoa`` maps lsoa21_code → place code (any place definition) to add place coverage.
    """
    table = registrations.rename(columns={"PRACTICE_CODE": "practice_code",
                                          "LSOA_CODE": "lsoa_code"})
    table = table.assign(patients=_parse_count(table["NUMBER_OF_PATIENTS"]))
    unreadable = table["patients"].isna()
    negative = table["patients"] < 0
    unknown_lsoa = ~table["lsoa_code"].isin(parts["lsoa_code"])
    valid = table[~unreadable & ~negative & ~unknown_lsoa]
    without_pcn = ~valid["practice_code"].isin(pcn_of_practice.index)
    bad_input = [
        _report("unreadable_patient_count", table.loc[unreadable, "practice_code"],
                rows=int(unreadable.sum())),
        _report("negative_patient_count", table.loc[negative, "practice_code"],
                rows=int(negative.sum()), patients=float(table.loc[negative, "patients"].sum())),
        _report("unknown_lsoa_code", table.loc[unknown_lsoa & ~unreadable & ~negative,
                                               "lsoa_code"],
                patients=float(table.loc[unknown_lsoa & ~negative, "patients"].sum())),
        _report("practice_without_pcn", valid.loc[without_pcn, "practice_code"],
                patients=float(valid.loc[without_pcn, "patients"].sum())),
    ]

    located = valid.merge(parts, on="lsoa_code")
    located["patients"] = located["patients"] * located["population_weight"]
    located["pcn_code"] = located["practice_code"].map(pcn_of_practice)
    lsoa_patients = located.groupby("lsoa21_code")["patients"].sum()
    shares = (located.dropna(subset=["pcn_code"])
              .groupby(["pcn_code", "lsoa21_code"], as_index=False)["patients"].sum())
    shares["population_share"] = shares["patients"] / shares["lsoa21_code"].map(lsoa_patients)
    footprint = (shares.sort_values(["lsoa21_code", "population_share", "pcn_code"],
                                    ascending=[True, False, True])
                 .drop_duplicates("lsoa21_code").set_index("lsoa21_code")["pcn_code"])
    list_size = shares.groupby("pcn_code")["patients"].sum().rename("list_size")

    areas = spine.set_index("lsoa21_code")[list(COVERAGE_AREAS)]
    if place_of_lsoa is not None:
        areas = areas.assign(place_code=place_of_lsoa)
    coverage = []
    for column in areas.columns:
        by_area = shares.assign(area_code=shares["lsoa21_code"].map(areas[column]))
        by_area = by_area.groupby(["pcn_code", "area_code"], as_index=False)["patients"].sum()
        coverage.append(by_area.assign(area=column.removesuffix("_code")))
    coverage = pd.concat(coverage, ignore_index=True)
    coverage["list_share"] = coverage["patients"] / coverage["pcn_code"].map(list_size)
    coverage = coverage[["pcn_code", "area", "area_code", "patients", "list_share"]]
    return footprint, shares, coverage, list_size, bad_input


def locate_practices(practices: pd.DataFrame, pcn_of_practice: pd.Series, parts: pd.DataFrame,
                     spine: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """Practices (columns Practice, Average = list size, LSOA11 = where the practice is) placed at
    an LSOA 2021 population-weighted centroid. A split 2011 LSOA gives the practice its 2021 part
    with the most population (the likeliest place of one point). Returns practice_code, pcn_code,
    list_size, lsoa21_code, x, y, sub_icb_code and the bad-input lines."""
    table = pd.DataFrame({"practice_code": practices["Practice"].str.strip(),
                          "lsoa_code": practices["LSOA11"].str.strip(),
                          "list_size": _parse_count(practices["Average"])})
    invalid = table["list_size"].isna() | (table["list_size"] < 0)
    unknown_lsoa = ~table["lsoa_code"].isin(parts["lsoa_code"])
    table["pcn_code"] = table["practice_code"].map(pcn_of_practice)
    without_pcn = table["pcn_code"].isna()
    bad_input = [
        _report("negative_or_unreadable_list_size", table.loc[invalid, "practice_code"]),
        _report("unknown_lsoa_code", table.loc[unknown_lsoa, "lsoa_code"]),
        _report("practice_without_pcn", table.loc[without_pcn, "practice_code"],
                patients=float(table.loc[without_pcn & ~invalid, "list_size"].sum())),
    ]
    table = table[~invalid & ~unknown_lsoa & ~without_pcn]
    main_part = parts.sort_values("population_weight", ascending=False).drop_duplicates(
        "lsoa_code").set_index("lsoa_code")["lsoa21_code"]
    table["lsoa21_code"] = table["lsoa_code"].map(main_part)
    where = spine.set_index("lsoa21_code")
    table["x"] = table["lsoa21_code"].map(where["centroid_easting_m"])
    table["y"] = table["lsoa21_code"].map(where["centroid_northing_m"])
    table["sub_icb_code"] = table["lsoa21_code"].map(where["sub_icb_code"])
    return table.drop(columns="lsoa_code").reset_index(drop=True), bad_input


def approximate_footprints(located: pd.DataFrame, spine: pd.DataFrame
                           ) -> tuple[pd.Series, pd.Series, pd.DataFrame, list]:
    """Assign every spine LSOA to a PCN of its own sub-ICB location, populations following lists.

    A PCN's sub-ICB is the one holding most of its list (by practice location); its seeds are its
    practices there. Its target population is its list size rescaled so the targets of each
    sub-ICB sum to the sub-ICB's population: ``target = list_size × pop(sub-ICB) / Σ list_size``.
    An LSOA goes to the candidate PCN minimising ``log(d) − v_pcn`` (multiplicatively weighted
    Voronoi; d = distance from its population-weighted centroid to the PCN's nearest seed, at least
    ``MIN_DISTANCE_M``), with ``v += step × log((target + s) / (population + s))`` repeated
    ``WEIGHT_ROUNDS`` times, step falling linearly from ``WEIGHT_STEP`` to 0 (s = mean LSOA
    population, so an empty PCN still grows). With v = 0 it
    is the plain nearest-practice baseline, returned too. LSOAs of a sub-ICB that holds no PCN go to
    the nearest practice's PCN anywhere (counted).

    Returns ``(assignment, baseline, pcns, bad_input)``; pcns: code → sub_icb_code, list_size,
    target_population.
    """
    list_by_area = located.groupby(["pcn_code", "sub_icb_code"])["list_size"].sum().reset_index()
    home = (list_by_area.sort_values(["pcn_code", "list_size", "sub_icb_code"],
                                     ascending=[True, False, True])
            .drop_duplicates("pcn_code").set_index("pcn_code")["sub_icb_code"])
    pcns = pd.DataFrame({"sub_icb_code": home,
                         "list_size": located.groupby("pcn_code")["list_size"].sum()})
    area_population = spine.groupby("sub_icb_code")["population"].sum()
    area_list = pcns.groupby("sub_icb_code")["list_size"].transform("sum")
    pcns["target_population"] = (pcns["list_size"] * pcns["sub_icb_code"].map(area_population)
                                 / area_list.where(area_list > 0))
    pcns["target_population"] = pcns["target_population"].fillna(
        pcns["sub_icb_code"].map(area_population) / pcns.groupby("sub_icb_code")["list_size"]
        .transform("size"))
    pcn_index = pd.Series(np.arange(len(pcns)), index=pcns.index)
    seeds = located[located["sub_icb_code"].to_numpy() == located["pcn_code"].map(home).to_numpy()]
    seeds = seeds.assign(pcn=seeds["pcn_code"].map(pcn_index)).sort_values("pcn")

    log_distance, candidate, orphan_areas = _candidate_distances(spine, seeds, pcns, pcn_index)
    orphans = np.isinf(log_distance).all(axis=1)
    if orphans.any():
        fallback = _nearest_seed_pcn(spine[orphans], located.assign(
            pcn=located["pcn_code"].map(pcn_index)))
        log_distance[orphans, 0], candidate[orphans, 0] = 0.0, fallback
    rows = np.arange(len(spine))
    population = spine["population"].to_numpy(dtype=float)
    target = pcns["target_population"].to_numpy()
    smoothing = population.mean()
    log_weight = np.zeros(len(pcns))
    baseline = candidate[rows, np.argmin(log_distance, axis=1)]
    for step in np.linspace(WEIGHT_STEP, 0, WEIGHT_ROUNDS, endpoint=False):
        chosen = candidate[rows, np.argmin(log_distance - log_weight[candidate], axis=1)]
        actual = np.bincount(chosen, weights=population, minlength=len(pcns))
        log_weight += step * np.log((target + smoothing) / (actual + smoothing))
    chosen = candidate[rows, np.argmin(log_distance - log_weight[candidate], axis=1)]
    codes = pcns.index.to_numpy()
    lsoa = spine["lsoa21_code"].to_numpy()
    bad_input = [_report("lsoa_in_sub_icb_without_pcn", spine.loc[orphans, "lsoa21_code"],
                         sub_icbs=orphan_areas)]
    return (pd.Series(codes[chosen], index=lsoa, name="pcn_code"),
            pd.Series(codes[baseline], index=lsoa, name="pcn_code"), pcns, bad_input)


def _candidate_distances(spine: pd.DataFrame, seeds: pd.DataFrame, pcns: pd.DataFrame,
                         pcn_index: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per LSOA, its sub-ICB's PCNs (padded to the largest count) and log distance to each PCN's
    nearest seed (inf in padding). Done per sub-ICB: a few hundred LSOAs × tens of seeds."""
    width = int(pcns.groupby("sub_icb_code").size().max())
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
        seed_pcn = area_seeds["pcn"].to_numpy()
        starts = np.flatnonzero(np.r_[True, seed_pcn[1:] != seed_pcn[:-1]])
        distance = np.hypot(xy[lsoa_rows, None, 0] - area_seeds["x"].to_numpy()[None, :],
                            xy[lsoa_rows, None, 1] - area_seeds["y"].to_numpy()[None, :])
        nearest = np.minimum.reduceat(distance, starts, axis=1)
        log_distance[lsoa_rows, :len(starts)] = np.log(np.maximum(nearest, MIN_DISTANCE_M))
        candidate[lsoa_rows, :len(starts)] = seed_pcn[starts]
    return log_distance, candidate, sorted(orphan_areas)


def _nearest_seed_pcn(lsoas: pd.DataFrame, located: pd.DataFrame) -> np.ndarray:
    xy = lsoas[["centroid_easting_m", "centroid_northing_m"]].to_numpy()
    distance = np.hypot(xy[:, None, 0] - located["x"].to_numpy()[None, :],
                        xy[:, None, 1] - located["y"].to_numpy()[None, :])
    return located["pcn"].to_numpy()[np.argmin(distance, axis=1)]


def footprint_quality(assignment: pd.Series, list_size: pd.Series, spine: pd.DataFrame,
                      icb_of_pcn: pd.Series) -> dict:
    """How well footprint populations follow list sizes, England-wide and per ICB.

    ``correlation``: Pearson r between footprint population and list size over PCNs.
    ``median_ratio``: median of footprint population / (list size × England population / England
    list total): lists run about 8% above residents (list inflation), so lists are rescaled first.
    PCNs with no footprint count with population 0.
    """
    population = spine.groupby(assignment.reindex(spine["lsoa21_code"]).to_numpy())[
        "population"].sum().reindex(list_size.index, fill_value=0)
    rescaled = list_size * spine["population"].sum() / list_size.sum()
    ratio = population / rescaled

    def figures(codes: pd.Index) -> dict:
        correlation = (float(np.corrcoef(population[codes], list_size[codes])[0, 1])
                       if len(codes) > 2 else None)
        return {"pcns": len(codes), "correlation": correlation,
                "median_ratio": float(ratio[codes].median())}

    by_icb = {icb: figures(codes) for icb, codes in
              list_size.index.groupby(icb_of_pcn.reindex(list_size.index)).items()}
    return {"england": figures(list_size.index), "by_icb": dict(sorted(by_icb.items()))}


def pcn_footprints(spine: pd.DataFrame, lookup: pd.DataFrame, members: pd.DataFrame,
                   details: pd.DataFrame, practices: pd.DataFrame,
                   registrations: pd.DataFrame | None = None,
                   practice_mapping: pd.DataFrame | None = None,
                   place_of_lsoa: pd.Series | None = None) -> PcnFootprints:
    """PCN footprints over the spine: by registrations when given, else approximate.

    The approximate method (and its nearest-practice baseline) is always computed: it is the
    fallback for LSOAs with no registered patient and a quality comparison for the proper method.
    """
    parts = lsoa21_parts(lookup, spine)
    pcn_of_practice, in_closed = practice_pcn(members, details, practice_mapping)
    open_pcns = details.loc[details["Close Date"].str.strip() == "", "PCN Code"]
    located, bad_input = locate_practices(practices, pcn_of_practice, parts, spine)
    bad_input.append(_report("practice_only_in_closed_pcn", in_closed))
    bad_input.append(_report("pcn_without_located_practice",
                             sorted(set(open_pcns) - set(located["pcn_code"]))))
    approximate, baseline, pcns, area_bad = approximate_footprints(located, spine)
    bad_input = [{**line, "source": "practice_locations"} for line in bad_input + area_bad]
    icb_of_area = spine.drop_duplicates("sub_icb_code").set_index("sub_icb_code")["icb_code"]
    pcns["icb_code"] = pcns["sub_icb_code"].map(icb_of_area)
    quality = {
        APPROXIMATE: footprint_quality(approximate, pcns["list_size"], spine, pcns["icb_code"]),
        NEAREST_PRACTICE: footprint_quality(baseline, pcns["list_size"], spine, pcns["icb_code"]),
    }
    result = PcnFootprints(APPROXIMATE, approximate, pcns, quality, bad_input)
    if registrations is not None:
        result = _with_registrations(result, registrations, pcn_of_practice, parts, spine,
                                     place_of_lsoa, icb_of_area)
    names = _pcn_names(details)
    with_footprint = result.pcns.index.isin(result.assignment)
    result.bad_input.append({**_report("pcn_without_footprint", result.pcns.index[~with_footprint]),
                             "source": result.method})
    result.pcns = result.pcns.loc[with_footprint].sort_index()
    result.pcns = result.pcns.assign(name=result.pcns.index.map(names), method=result.method)[
        ["name", "method", "sub_icb_code", "icb_code", "list_size"]]
    return result


def _with_registrations(approximate: PcnFootprints, registrations: pd.DataFrame,
                        pcn_of_practice: pd.Series, parts: pd.DataFrame, spine: pd.DataFrame,
                        place_of_lsoa: pd.Series | None, icb_of_area: pd.Series
                        ) -> PcnFootprints:
    """The registrations method; LSOAs nobody is registered from keep their approximate PCN.
    A PCN's sub-ICB is the one where most of its registered patients live."""
    footprint, shares, coverage, list_size, bad_input = registration_footprints(
        registrations, pcn_of_practice, parts, spine, place_of_lsoa)
    lsoa = spine["lsoa21_code"]
    unregistered = ~lsoa.isin(footprint.index)
    assignment = footprint.reindex(lsoa).fillna(approximate.assignment.reindex(lsoa))
    by_area = shares.assign(sub_icb_code=shares["lsoa21_code"].map(
        spine.set_index("lsoa21_code")["sub_icb_code"]))
    home = (by_area.groupby(["pcn_code", "sub_icb_code"], as_index=False)["patients"].sum()
            .sort_values(["pcn_code", "patients"], ascending=[True, False])
            .drop_duplicates("pcn_code").set_index("pcn_code")["sub_icb_code"])
    pcns = pd.DataFrame({"sub_icb_code": home, "list_size": list_size})
    pcns["icb_code"] = pcns["sub_icb_code"].map(icb_of_area)
    bad_input.append(_report("lsoa_without_registrations", lsoa[unregistered]))
    quality = {REGISTRATIONS: footprint_quality(assignment, pcns["list_size"], spine,
                                                pcns["icb_code"]), **approximate.quality}
    bad_input = [{**line, "source": "registrations"} for line in bad_input]
    return PcnFootprints(REGISTRATIONS, assignment.rename("pcn_code"), pcns, quality,
                         approximate.bad_input + bad_input, shares, coverage)
