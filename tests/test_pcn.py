"""PCN footprints on a hand-made case: four real LSOA codes of Darlington, one of them a 2011 LSOA
split in two in 2021, a practice that moved PCN, and one bad row of each kind. Every expected
figure below is worked out by hand in the comments."""

from __future__ import annotations

import pandas as pd
import pytest

from layers import MODELLED
from services.build.pcn import (
    APPROXIMATE,
    NEAREST_PRACTICE,
    REGISTRATIONS,
    lsoa21_parts,
    pcn_footprints,
    practice_pcn,
    registration_footprints,
)

# LSOA 2021 codes: A and B unchanged since 2011; C and D are the two 2021 parts of E01033468.
A, B, C, D = "E01012051", "E01012052", "E01035189", "E01035190"
SPLIT_2011 = "E01033468"
SUB_ICB, ICB = "E38000247", "E54000050"
NORTH_LAD, SOUTH_LAD = "E06000002", "E06000003"


def _spine() -> pd.DataFrame:
    return pd.DataFrame({
        "lsoa21_code": [A, B, C, D],
        # C : D = 1,000 : 3,000, so E01033468's patients split 1/4 to C and 3/4 to D.
        "population": [1200, 1300, 1000, 3000],
        "centroid_easting_m": [0.0, 1000.0, 0.0, 1000.0],
        "centroid_northing_m": [0.0, 0.0, 600.0, 1000.0],
        "sub_icb_code": SUB_ICB, "icb_code": ICB,
        "lad_code": [NORTH_LAD, SOUTH_LAD, NORTH_LAD, NORTH_LAD],
        "hwb_code": [NORTH_LAD, SOUTH_LAD, NORTH_LAD, NORTH_LAD],
    })


def _lookup() -> pd.DataFrame:
    return pd.DataFrame({"LSOA11CD": [A, B, SPLIT_2011, SPLIT_2011],
                         "CHGIND": ["U", "U", "S", "S"], "LSOA21CD": [A, B, C, D]})


def _details() -> pd.DataFrame:
    return pd.DataFrame({"PCN Code": ["U00001", "U00002", "U00003", "U00004"],
                         "PCN Name": ["ONE PCN", "TWO PCN", "OLD PCN", "EMPTY PCN"],
                         "Close Date": ["", "", "20220331", ""]})


def _members() -> pd.DataFrame:
    # P2 moved from U00003 (closed 31 March 2022) to U00002; P4 belongs to no PCN.
    rows = [("P1", "U00001", "20191001", ""), ("P2", "U00003", "20191001", "20220331"),
            ("P2", "U00002", "20220401", ""), ("P3", "U00001", "20191001", ""),
            ("P5", "U00001", "20200101", ""), ("P6", "U00004", "20200101", "")]
    return pd.DataFrame(rows, columns=["Partner Organisation Code", "PCN Code",
                                       "Practice to PCN Relationship Start Date",
                                       "Practice to PCN Relationship End Date"])


def _registrations() -> pd.DataFrame:
    rows = [("P1", A, "100"), ("P1", SPLIT_2011, "80"),  # 80 → C 20, D 60
            ("P2", A, "50"), ("P2", B, "200"), ("P2", SPLIT_2011, "40"),  # 40 → C 10, D 30
            ("P3", D, "30"),  # a 2021 code, used as is
            ("P4", B, "25"),  # no PCN: in B's denominator only
            ("P3", "E01999999", "5"),  # unknown LSOA
            ("P1", B, "-3")]  # negative count
    return pd.DataFrame(rows, columns=["PRACTICE_CODE", "LSOA_CODE", "NUMBER_OF_PATIENTS"])


def _practices() -> pd.DataFrame:
    rows = [("P1", "1,000", A), ("P2", "2,000", SPLIT_2011),  # split: placed in D (3,000 > 1,000)
            ("P3", "500", "E01999999"),  # unknown LSOA
            ("P4", "700", B),  # no PCN
            ("P5", "-5", A)]  # negative list size; P6 (U00004) is not in the file at all
    return pd.DataFrame(rows, columns=["Practice", "Average", "LSOA11"])


def _rule(bad_input: list[dict], rule: str) -> dict:
    return next(line for line in bad_input if line["rule"] == rule)


def test_split_2011_lsoa_shares_by_2021_population() -> None:
    parts = lsoa21_parts(_lookup(), _spine()).set_index(["lsoa_code", "lsoa21_code"])
    assert parts.loc[(SPLIT_2011, C), "population_weight"] == pytest.approx(0.25)
    assert parts.loc[(SPLIT_2011, D), "population_weight"] == pytest.approx(0.75)
    assert parts.loc[(A, A), "population_weight"] == 1.0


def test_moved_practice_counts_for_its_current_pcn() -> None:
    mapping, _ = practice_pcn(_members(), _details())
    assert mapping.to_dict() == {"P1": "U00001", "P2": "U00002", "P3": "U00001",
                                 "P5": "U00001", "P6": "U00004"}


def test_registration_footprints_shares_and_coverage() -> None:
    spine = _spine()
    mapping, _ = practice_pcn(_members(), _details())
    place = pd.Series({A: "north", B: "north", C: "south", D: "south"})
    footprint, shares, coverage, list_size, bad_input = registration_footprints(
        _registrations(), mapping, lsoa21_parts(_lookup(), spine), spine, place)

    # LSOA totals: A 100+50 = 150, B 200+25 = 225, C 20+10 = 30, D 60+30+30 = 120.
    # U00001 (P1, P3): A 100, C 20, D 90 → 210; U00002 (P2): A 50, B 200, C 10, D 30 → 290.
    share = shares.set_index(["pcn_code", "lsoa21_code"])["population_share"]
    expected = {("U00001", A): 2 / 3, ("U00001", C): 2 / 3, ("U00001", D): 0.75,
                ("U00002", A): 1 / 3, ("U00002", B): 8 / 9, ("U00002", C): 1 / 3,
                ("U00002", D): 0.25}
    assert share.to_dict() == pytest.approx(expected)
    assert footprint.to_dict() == {A: "U00001", B: "U00002", C: "U00001", D: "U00001"}
    assert list_size.to_dict() == pytest.approx({"U00001": 210, "U00002": 290})

    cover = coverage.set_index(["pcn_code", "area", "area_code"])["list_share"]
    assert cover[("U00001", "lad", NORTH_LAD)] == pytest.approx(1.0)
    assert cover[("U00002", "lad", NORTH_LAD)] == pytest.approx(90 / 290)
    assert cover[("U00002", "lad", SOUTH_LAD)] == pytest.approx(200 / 290)
    assert cover[("U00002", "hwb", SOUTH_LAD)] == pytest.approx(200 / 290)
    assert cover[("U00001", "icb", ICB)] == pytest.approx(1.0)
    assert cover[("U00001", "place", "north")] == pytest.approx(100 / 210)
    assert cover[("U00001", "place", "south")] == pytest.approx(110 / 210)
    assert cover[("U00002", "place", "north")] == pytest.approx(250 / 290)

    assert _rule(bad_input, "negative_patient_count") == {
        "rule": "negative_patient_count", "count": 1, "examples": ["P1"], "rows": 1,
        "patients": -3.0}
    assert _rule(bad_input, "unknown_lsoa_code")["examples"] == ["E01999999"]
    assert _rule(bad_input, "unknown_lsoa_code")["patients"] == 5
    assert _rule(bad_input, "practice_without_pcn") == {
        "rule": "practice_without_pcn", "count": 1, "examples": ["P4"], "patients": 25.0}
    assert _rule(bad_input, "unreadable_patient_count")["count"] == 0


def test_approximate_footprints_follow_list_sizes_and_report_bad_input() -> None:
    result = pcn_footprints(_spine(), _lookup(), _members(), _details(), _practices())
    # Located: P1 (1,000, U00001) at A; P2 (2,000, U00002) at D. Targets over 6,500 people:
    # U00001 2,166.7, U00002 4,333.3. Nearest practice gives U00002 only D (3,000); weighting
    # moves B (equidistant from both) to U00002: {A, C} 2,200 and {B, D} 4,300.
    assert result.method == APPROXIMATE
    assert result.assignment.to_dict() == {A: "U00001", B: "U00002", C: "U00001", D: "U00002"}
    assert result.pcns.loc["U00002", "list_size"] == 2000
    assert set(result.pcns["method"]) == {APPROXIMATE}
    assert set(result.quality) == {"population_method", APPROXIMATE, NEAREST_PRACTICE}
    assert result.quality["population_method"] == MODELLED
    bad = result.bad_input
    assert _rule(bad, "practice_without_pcn")["examples"] == ["P4"]
    assert _rule(bad, "unknown_lsoa_code")["examples"] == ["E01999999"]
    assert _rule(bad, "negative_or_unreadable_list_size")["examples"] == ["P5"]
    assert _rule(bad, "pcn_without_located_practice")["examples"] == ["U00004"]
    assert _rule(bad, "lsoa_in_sub_icb_without_pcn")["count"] == 0


def test_registrations_method_is_used_when_registrations_are_given() -> None:
    result = pcn_footprints(_spine(), _lookup(), _members(), _details(), _practices(),
                            registrations=_registrations())
    assert result.method == REGISTRATIONS
    assert result.assignment.to_dict() == {A: "U00001", B: "U00002", C: "U00001", D: "U00001"}
    assert result.pcns["list_size"].to_dict() == pytest.approx({"U00001": 210, "U00002": 290})
    assert list(result.pcns["name"]) == ["ONE PCN", "TWO PCN"]
    assert set(result.quality) == {"population_method", REGISTRATIONS, APPROXIMATE,
                                   NEAREST_PRACTICE}
    assert _rule(result.bad_input, "lsoa_without_registrations")["count"] == 0
    assert _rule(result.bad_input, "pcn_without_footprint")["count"] == 0
    sources = {(line["rule"], line["source"]) for line in result.bad_input}
    assert {("practice_without_pcn", "registrations"),
            ("practice_without_pcn", "practice_locations")} <= sources
