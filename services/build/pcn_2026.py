"""PCN footprints of August 2026: modelled from practices, populations "approximate (modelled
footprint)", never exact (PCNs have no official boundary).

- **Membership**: the August 2026 practice mapping file (practice → PCN → 2026 sub-ICB location →
  ICB). Practices in PCN ``U`` belong to no PCN: counted, with their patients, and left out.
- **Capacity**: each PCN's August 2026 registered list (rows ORG_TYPE=PCN, SEX=ALL, AGE=ALL).
- **Where practices are**: the LSOA 2011 of the 2023/24 cross-boundary file, placed at the
  population-weighted centroid of its (main) 2021 part. A practice missing there seeds nothing
  (its patients still count in its PCN's list); where that leaves a PCN with no located practice
  in one of its sub-ICB locations, that part is seeded at the sub-ICB's population-weighted
  centroid (the mean of its LSOA centroids weighted by population). Both are counted.
  Practices of different PCNs placed at one LSOA centroid are moved ``MIN_DISTANCE_M`` apart
  (:func:`services.build.pcn_voronoi.spread_coincident_seeds`): at one point two PCNs can only
  take whole areas in turn, which left two August 2026 PCNs with no footprint.
- **Sub-ICB locations**: a footprint stays inside its practices' 2026 sub-ICB locations (of the
  practice map, wherever the practice building lies). A PCN with practices in several competes in
  each, seeded by its practices there, its list split by its practices' share of its 2023/24 list
  sizes (a practice without one counts as the PCN's mean practice; PCNs listed in the report).
- **Scaling to residents**: within each sub-ICB location the parts' capacities are scaled so they
  sum to its Census 2021 population (:func:`services.build.pcn_voronoi.scaled_to_residents`);
  the footprints are then drawn by :func:`services.build.pcn_voronoi.capacity_voronoi`.
"""

from __future__ import annotations

import pandas as pd

from layers import MODELLED
from services.build.pcn_voronoi import (
    APPROXIMATE,
    NEAREST_PRACTICE,
    PcnFootprints,
    capacity_voronoi,
    footprint_quality,
    lsoa21_parts,
    parse_count,
    place_at_lsoa,
    report,
    scaled_to_residents,
    spread_coincident_seeds,
    with_names,
)

NO_PCN = "U"
SPINE_COLUMNS = ("lsoa21_code", "population", "centroid_easting_m", "centroid_northing_m",
                 "sub_icb_code", "icb_code")
CAPACITY = ("August 2026 registered list of each PCN, scaled within each 2026 sub-ICB location so "
            "the lists sum to its Census 2021 population; a PCN in several sub-ICB locations is "
            "split by its practices' share of its 2023/24 list sizes")


def pcn_footprints_2026(spine: pd.DataFrame, lsoa11_lsoa21: pd.DataFrame,
                        practice_map: pd.DataFrame, practice_locations: pd.DataFrame,
                        registered_lists: pd.DataFrame) -> PcnFootprints:
    """Every spine LSOA to one August 2026 PCN of its own 2026 sub-ICB location (module docstring).

    Inputs as read from their sources (strings): the spine (columns ``SPINE_COLUMNS``, 2026
    sub-ICB and ICB codes), ``lsoa11_lsoa21``, ``gp_practice_mapping_2026``,
    ``practice_locations`` (x-boundary) and ``gp_registered_lists_2026``. The pieces figures
    need polygons: the build counts them on the dissolved layer
    (``services.build.checks.add_piece_counts``).
    """
    _check_spine(spine)
    members, bad_input = _members(practice_map, spine, practice_locations["Practice"].str.strip())
    lists, list_bad = _pcn_lists(registered_lists, members)
    members, located_bad = _locate(members, practice_locations, lsoa11_lsoa21, spine)
    units = _units(members, lists, spine)
    seeds, seed_bad = _seeds(members, units, spine)
    voronoi = capacity_voronoi(spine, units, spread_coincident_seeds(seeds))
    assignment = voronoi.assignment.map(units["pcn_code"]).rename("pcn_code")
    baseline = voronoi.baseline.map(units["pcn_code"]).rename("pcn_code")
    pcns = _pcn_table(units, lists, spine)
    names = members.drop_duplicates("pcn_code").set_index("pcn_code")["pcn_name"]
    pcns, without_footprint = with_names(pcns, assignment, names, APPROXIMATE)
    bad_input += list_bad + located_bad + seed_bad + [
        {**report("lsoa_in_sub_icb_without_pcn", voronoi.orphans, sub_icbs=voronoi.orphan_areas,
                  action="given to the nearest practice's PCN in another sub-ICB location"),
         "source": "gp_practice_mapping_2026"}, without_footprint]
    expected = units.groupby("pcn_code")["target_population"].sum()
    quality = {
        "population_method": MODELLED,
        "capacity": CAPACITY,
        APPROXIMATE: footprint_quality(assignment, pcns["list_size"], spine, pcns["icb_code"],
                                       expected),
        NEAREST_PRACTICE: footprint_quality(baseline, pcns["list_size"], spine, pcns["icb_code"],
                                            expected),
        "list_scaling": _list_scaling(units, spine),
        **_cross_boundary(members, units),
    }
    return PcnFootprints(APPROXIMATE, assignment, pcns, quality, bad_input)


def _check_spine(spine: pd.DataFrame) -> None:
    missing = [column for column in SPINE_COLUMNS if column not in spine.columns]
    if missing:
        raise ValueError(f"PCN 2026 footprints: the spine lacks {missing}; pass the 2026 spine "
                         f"(columns {list(SPINE_COLUMNS)}).")
    repeated = spine["lsoa21_code"][spine["lsoa21_code"].duplicated()]
    if len(repeated):
        raise ValueError(f"PCN 2026 footprints: {len(repeated)} LSOAs repeated in the spine "
                         f"(e.g. {list(repeated[:3])}); each LSOA must appear once.")


def _members(practice_map: pd.DataFrame, spine: pd.DataFrame, located: pd.Series
             ) -> tuple[pd.DataFrame, list]:
    """Practices of a PCN, with their 2026 sub-ICB location (of the map) and PCN name; the line
    of practices in no PCN also counts those of them without a location (``located``: codes)."""
    table = pd.DataFrame({"practice_code": practice_map["PRACTICE_CODE"].str.strip(),
                          "pcn_code": practice_map["PCN_CODE"].str.strip(),
                          "pcn_name": practice_map["PCN_NAME"].str.strip(),
                          "sub_icb_code": practice_map["ONS_SUB_ICB_LOCATION_CODE"].str.strip(),
                          "icb_code": practice_map["ONS_ICB_CODE"].str.strip()})
    no_pcn = table["pcn_code"] == NO_PCN
    repeated = table["practice_code"].duplicated()
    icb_of_area = spine.drop_duplicates("sub_icb_code").set_index("sub_icb_code")["icb_code"]
    unknown_area = ~table["sub_icb_code"].isin(icb_of_area.index)
    other_icb = ~unknown_area & (table["sub_icb_code"].map(icb_of_area) != table["icb_code"])
    bad = [report("practice_in_no_pcn", table.loc[no_pcn, "practice_code"],
                  without_location=int((no_pcn & ~table["practice_code"].isin(located)).sum()),
                  action="left out: PCN_CODE U (their patients are in no PCN's list)"),
           report("practice_repeated_in_map", table.loc[repeated, "practice_code"],
                  action="first row kept"),
           report("practice_sub_icb_not_in_spine", table.loc[unknown_area & ~no_pcn,
                                                             "practice_code"],
                  action="left out: its sub-ICB location is not in the 2026 lookup"),
           report("practice_icb_differs_from_lookup", table.loc[other_icb, "practice_code"],
                  action="the lookup's ICB of the sub-ICB location is used")]
    bad = [{**line, "source": "gp_practice_mapping_2026"} for line in bad]
    return table[~no_pcn & ~repeated & ~unknown_area].reset_index(drop=True), bad


def _pcn_lists(registered_lists: pd.DataFrame, members: pd.DataFrame) -> tuple[pd.Series, list]:
    """Registered patients per PCN (August 2026), and the PCNs of one file but not the other."""
    rows = registered_lists[(registered_lists["ORG_TYPE"] == "PCN")
                            & (registered_lists["SEX"] == "ALL")
                            & (registered_lists["AGE"] == "ALL")]
    patients = parse_count(rows["NUMBER_OF_PATIENTS"])
    unreadable = patients.isna() | (patients < 0)
    lists = patients[~unreadable].groupby(rows.loc[~unreadable, "ORG_CODE"].str.strip()).sum()
    no_pcn_patients = float(lists.get(NO_PCN, 0.0))
    lists = lists.drop(NO_PCN, errors="ignore")
    in_map = set(members["pcn_code"])
    bad = [report("unreadable_list_size", rows.loc[unreadable, "ORG_CODE"]),
           report("pcn_in_lists_not_in_map", sorted(set(lists.index) - in_map),
                  action="left out: no practice to seed it"),
           report("pcn_in_map_not_in_lists", sorted(in_map - set(lists.index)),
                  action="capacity from its practices' 2023/24 list sizes"),
           report("patients_in_no_pcn", [NO_PCN] if no_pcn_patients else [],
                  patients=no_pcn_patients)]
    return lists, [{**line, "source": "gp_registered_lists_2026"} for line in bad]


def _locate(members: pd.DataFrame, practice_locations: pd.DataFrame, lookup: pd.DataFrame,
            spine: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """Members with x, y (practice location, NaN if unknown) and list_2023 (2023/24 list size)."""
    where = practice_locations.assign(practice_code=practice_locations["Practice"].str.strip())
    where = where.drop_duplicates("practice_code").set_index("practice_code")
    lsoa = members["practice_code"].map(where["LSOA11"].str.strip())
    parts = lsoa21_parts(lookup, spine)
    unknown = lsoa.notna() & ~lsoa.isin(parts["lsoa_code"])
    placed = place_at_lsoa(lsoa.where(~unknown), parts, spine)
    table = members.assign(x=placed["x"], y=placed["y"],
                           list_2023=members["practice_code"].map(parse_count(where["Average"])))
    outside = placed["sub_icb_code"].notna() & (placed["sub_icb_code"] != table["sub_icb_code"])
    bad = [report("practice_without_location", table.loc[lsoa.isna(), "practice_code"],
                  action="seeds nothing; its list counts in its PCN's"),
           report("unknown_lsoa_code", lsoa[unknown], action="practice treated as unlocated"),
           report("practice_located_outside_its_sub_icb", table.loc[outside, "practice_code"],
                  action="its seed still competes only in the sub-ICB location of the map")]
    return table, [{**line, "source": "practice_locations"} for line in bad]


def _units(members: pd.DataFrame, lists: pd.Series, spine: pd.DataFrame) -> pd.DataFrame:
    """One competing unit per (PCN, sub-ICB location) of its practices: capacity = the PCN's list
    × its practices' share of the PCN's 2023/24 list there; target = capacity scaled per sub-ICB."""
    weight = members["list_2023"].fillna(
        members.groupby("pcn_code")["list_2023"].transform("mean")).fillna(1.0)
    units = (members.assign(weight=weight)
             .groupby(["pcn_code", "sub_icb_code"], as_index=False)["weight"].sum())
    pcn_weight = units.groupby("pcn_code")["weight"].transform("sum")
    pcn_list = units["pcn_code"].map(lists).fillna(pcn_weight)
    units["capacity"] = pcn_list * units["weight"] / pcn_weight.where(pcn_weight > 0)
    units["capacity"] = units["capacity"].fillna(0.0)
    units["target_population"] = scaled_to_residents(units["capacity"], units["sub_icb_code"],
                                                     spine)
    return units.drop(columns="weight")


def _seeds(members: pd.DataFrame, units: pd.DataFrame, spine: pd.DataFrame
           ) -> tuple[pd.DataFrame, list]:
    """Located practices as seeds of their unit; a unit with none is seeded at its sub-ICB's
    population-weighted centroid (counted)."""
    unit_of = pd.Series(units.index, index=pd.MultiIndex.from_frame(
        units[["pcn_code", "sub_icb_code"]]))
    located = members.dropna(subset=["x", "y"])
    seeds = pd.DataFrame({"unit": unit_of.reindex(pd.MultiIndex.from_frame(
        located[["pcn_code", "sub_icb_code"]])).to_numpy(), "x": located["x"].to_numpy(),
        "y": located["y"].to_numpy()})
    empty = units[~units.index.isin(seeds["unit"])]
    weighted = spine.assign(x=spine["centroid_easting_m"] * spine["population"],
                            y=spine["centroid_northing_m"] * spine["population"])
    centre = weighted.groupby("sub_icb_code")[["x", "y", "population"]].sum()
    centre = centre[["x", "y"]].div(centre["population"], axis=0)
    seeds = pd.concat([seeds, pd.DataFrame({"unit": empty.index,
                                            "x": empty["sub_icb_code"].map(centre["x"]).to_numpy(),
                                            "y": empty["sub_icb_code"].map(centre["y"]).to_numpy()
                                            })], ignore_index=True)
    line = report("pcn_part_without_located_practice",
                  (empty["pcn_code"] + " in " + empty["sub_icb_code"]).tolist(),
                  action="seeded at the sub-ICB location's population-weighted centroid")
    return seeds, [{**line, "source": "practice_locations"}]


def _pcn_table(units: pd.DataFrame, lists: pd.Series, spine: pd.DataFrame) -> pd.DataFrame:
    """Per PCN: its home sub-ICB location (the part with most capacity), that area's ICB (2026
    lookup) and its list size (registered patients, August 2026)."""
    home = (units.sort_values(["pcn_code", "capacity", "sub_icb_code"],
                              ascending=[True, False, True])
            .drop_duplicates("pcn_code").set_index("pcn_code")["sub_icb_code"])
    icb_of_area = spine.drop_duplicates("sub_icb_code").set_index("sub_icb_code")["icb_code"]
    list_size = lists.reindex(home.index).fillna(units.groupby("pcn_code")["capacity"].sum())
    return pd.DataFrame({"sub_icb_code": home, "icb_code": home.map(icb_of_area),
                         "list_size": list_size})


def _list_scaling(units: pd.DataFrame, spine: pd.DataFrame) -> dict:
    """Residents per registered patient by sub-ICB location (the scale applied to the lists)."""
    capacity = units.groupby("sub_icb_code")["capacity"].sum()
    scale = (spine.groupby("sub_icb_code")["population"].sum() / capacity).dropna()
    return {"registered_patients": float(capacity.sum()),
            "residents": int(spine["population"].sum()),
            "residents_per_patient": {"min": float(scale.min()), "median": float(scale.median()),
                                      "max": float(scale.max()),
                                      "lowest_sub_icb": str(scale.idxmin()),
                                      "highest_sub_icb": str(scale.idxmax())}}


def _cross_boundary(members: pd.DataFrame, units: pd.DataFrame) -> dict:
    """The PCNs whose practices lie in more than one 2026 sub-ICB location or ICB (of the map),
    with the share of the PCN's list each sub-ICB location's part competes with."""
    groups = members.groupby("pcn_code")
    spread = groups.agg(name=("pcn_name", "first"), sub_icbs=("sub_icb_code", "nunique"),
                        icbs=("icb_code", "nunique"))
    listed = []
    for code in spread.index[spread["sub_icbs"] > 1]:
        practices = groups.get_group(code)
        parts = units[units["pcn_code"] == code].set_index("sub_icb_code").sort_index()
        listed.append({"code": str(code), "name": str(spread.at[code, "name"]),
                       "sub_icb_codes": sorted(practices["sub_icb_code"].unique().tolist()),
                       "icb_codes": sorted(practices["icb_code"].unique().tolist()),
                       "practices_by_sub_icb": {str(area): int(count) for area, count in
                                                practices["sub_icb_code"].value_counts()
                                                .sort_index().items()},
                       "list_share_by_sub_icb": {str(area): float(share) for area, share in
                                                 (parts["capacity"] / parts["capacity"].sum())
                                                 .items()}})
    return {"cross_boundary_pcns": listed,
            "cross_boundary_counts": {"sub_icb": int((spread["sub_icbs"] > 1).sum()),
                                      "icb": int((spread["icbs"] > 1).sum())}}
