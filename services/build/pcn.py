"""Primary care network (PCN) footprints of the January 2023 ePCN vintage: PCNs have no official
boundary, so we draw one from LSOAs (the August 2026 vintage: :mod:`services.build.pcn_2026`).
Footprint populations are modelled ("approximate (modelled footprint)"), never exact.

Two methods, both giving every LSOA 2021 of the spine one PCN, once:

- ``registrations`` (the proper method, when NHS 'patients registered at a GP practice by LSOA' is
  available): a PCN's registered patients by LSOA are the sum over its member practices; its
  ``population_share`` of an LSOA is ``patients(PCN, LSOA) / patients(all practices, LSOA)``; the
  footprint rule is **each LSOA goes to the PCN with the largest share** (ties: lowest PCN code),
  the rule of the Surrey-i lookup and Beaney et al. (BJGP Open 2022).
- ``approximate`` (offline fallback): practices are placed at the population-weighted centroid of
  the LSOA they sit in and every LSOA goes to a PCN of its own sub-ICB location by the
  capacity-weighted Voronoi of :mod:`services.build.pcn_voronoi`, so that footprint populations
  follow the PCNs' list sizes. It shows where a PCN's patients probably live, not where they do.

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

import pandas as pd

from layers import MODELLED
from services.build.pcn_2026 import pcn_footprints_2026
from services.build.pcn_voronoi import (
    APPROXIMATE,
    NEAREST_PRACTICE,
    PcnFootprints,
    capacity_voronoi,
    footprint_pieces,
    footprint_quality,
    lsoa21_parts,
    parse_count,
    piece_quality,
    place_at_lsoa,
    report,
    scaled_to_residents,
    with_names,
)

__all__ = ["APPROXIMATE", "NEAREST_PRACTICE", "REGISTRATIONS", "PcnFootprints",
           "footprint_pieces", "pcn_footprints", "pcn_footprints_2026", "piece_quality"]

REGISTRATIONS = "registrations"

#: Areas the coverage of a PCN's list is reported over (spine columns), plus ``place`` if given.
COVERAGE_AREAS = ("lad_code", "hwb_code", "icb_code")


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
    table = table.assign(patients=parse_count(table["NUMBER_OF_PATIENTS"]))
    unreadable = table["patients"].isna()
    negative = table["patients"] < 0
    unknown_lsoa = ~table["lsoa_code"].isin(parts["lsoa_code"])
    valid = table[~unreadable & ~negative & ~unknown_lsoa]
    without_pcn = ~valid["practice_code"].isin(pcn_of_practice.index)
    bad_input = [
        report("unreadable_patient_count", table.loc[unreadable, "practice_code"],
                rows=int(unreadable.sum())),
        report("negative_patient_count", table.loc[negative, "practice_code"],
                rows=int(negative.sum()), patients=float(table.loc[negative, "patients"].sum())),
        report("unknown_lsoa_code", table.loc[unknown_lsoa & ~unreadable & ~negative,
                                               "lsoa_code"],
                patients=float(table.loc[unknown_lsoa & ~negative, "patients"].sum())),
        report("practice_without_pcn", valid.loc[without_pcn, "practice_code"],
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
    an LSOA 2021 population-weighted centroid (:func:`place_at_lsoa`). Returns practice_code,
    pcn_code, list_size, lsoa21_code, x, y, sub_icb_code and the bad-input lines."""
    table = pd.DataFrame({"practice_code": practices["Practice"].str.strip(),
                          "lsoa_code": practices["LSOA11"].str.strip(),
                          "list_size": parse_count(practices["Average"])})
    invalid = table["list_size"].isna() | (table["list_size"] < 0)
    unknown_lsoa = ~table["lsoa_code"].isin(parts["lsoa_code"])
    table["pcn_code"] = table["practice_code"].map(pcn_of_practice)
    without_pcn = table["pcn_code"].isna()
    bad_input = [
        report("negative_or_unreadable_list_size", table.loc[invalid, "practice_code"]),
        report("unknown_lsoa_code", table.loc[unknown_lsoa, "lsoa_code"]),
        report("practice_without_pcn", table.loc[without_pcn, "practice_code"],
               patients=float(table.loc[without_pcn & ~invalid, "list_size"].sum())),
    ]
    table = table[~invalid & ~unknown_lsoa & ~without_pcn]
    table = table.join(place_at_lsoa(table["lsoa_code"], parts, spine))
    return table.drop(columns="lsoa_code").reset_index(drop=True), bad_input


def approximate_footprints(located: pd.DataFrame, spine: pd.DataFrame
                           ) -> tuple[pd.Series, pd.Series, pd.DataFrame, list]:
    """Every spine LSOA to a PCN of its own sub-ICB location (:func:`capacity_voronoi`).

    A PCN's sub-ICB is the one holding most of its list (by practice location); its seeds are its
    practices there; its target is its list scaled per sub-ICB (:func:`scaled_to_residents`).
    LSOAs of a sub-ICB that holds no PCN go to the nearest seed's PCN anywhere (counted).
    Returns ``(assignment, baseline, pcns, bad_input)``; pcns: code → sub_icb_code, list_size,
    target_population.
    """
    list_by_area = located.groupby(["pcn_code", "sub_icb_code"])["list_size"].sum().reset_index()
    home = (list_by_area.sort_values(["pcn_code", "list_size", "sub_icb_code"],
                                     ascending=[True, False, True])
            .drop_duplicates("pcn_code").set_index("pcn_code")["sub_icb_code"])
    pcns = pd.DataFrame({"sub_icb_code": home,
                         "list_size": located.groupby("pcn_code")["list_size"].sum()})
    pcns["target_population"] = scaled_to_residents(pcns["list_size"], pcns["sub_icb_code"], spine)
    seeds = located[located["sub_icb_code"].to_numpy() == located["pcn_code"].map(home).to_numpy()]
    voronoi = capacity_voronoi(spine, pcns, seeds.rename(columns={"pcn_code": "unit"}))
    bad_input = [report("lsoa_in_sub_icb_without_pcn", voronoi.orphans,
                        sub_icbs=voronoi.orphan_areas)]
    return (voronoi.assignment.rename("pcn_code"), voronoi.baseline.rename("pcn_code"), pcns,
            bad_input)


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
    bad_input.append(report("practice_only_in_closed_pcn", in_closed))
    bad_input.append(report("pcn_without_located_practice",
                             sorted(set(open_pcns) - set(located["pcn_code"]))))
    approximate, baseline, pcns, area_bad = approximate_footprints(located, spine)
    bad_input = [{**line, "source": "practice_locations"} for line in bad_input + area_bad]
    icb_of_area = spine.drop_duplicates("sub_icb_code").set_index("sub_icb_code")["icb_code"]
    pcns["icb_code"] = pcns["sub_icb_code"].map(icb_of_area)
    quality = {
        "population_method": MODELLED,
        APPROXIMATE: footprint_quality(approximate, pcns["list_size"], spine, pcns["icb_code"]),
        NEAREST_PRACTICE: footprint_quality(baseline, pcns["list_size"], spine, pcns["icb_code"]),
    }
    result = PcnFootprints(APPROXIMATE, approximate, pcns, quality, bad_input)
    if registrations is not None:
        result = _with_registrations(result, registrations, pcn_of_practice, parts, spine,
                                     place_of_lsoa, icb_of_area)
    result.pcns, without_footprint = with_names(result.pcns, result.assignment,
                                                _pcn_names(details), result.method)
    result.bad_input.append(without_footprint)
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
    bad_input.append(report("lsoa_without_registrations", lsoa[unregistered]))
    quality = {REGISTRATIONS: footprint_quality(assignment, pcns["list_size"], spine,
                                                pcns["icb_code"]), **approximate.quality}
    bad_input = [{**line, "source": "registrations"} for line in bad_input]
    return PcnFootprints(REGISTRATIONS, assignment.rename("pcn_code"), pcns, quality,
                         approximate.bad_input + bad_input, shares, coverage)
