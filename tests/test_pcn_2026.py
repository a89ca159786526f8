"""August 2026 PCN footprints on a hand-made line of five LSOAs in two sub-ICB locations, with a
PCN straddling both (and both ICBs), a practice without location, a practice placed outside its
sub-ICB and a practice in no PCN. Every expected figure is worked out by hand in the comments."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from layers import MODELLED
from services.build.pcn import APPROXIMATE, footprint_pieces, pcn_footprints_2026, piece_quality
from services.build.pcn_voronoi import spread_coincident_seeds

L1, L2, L3, L4, L5 = (f"E0100000{i}" for i in range(1, 6))
S1, S2 = "E38000001", "E38000002"
I1, I2 = "E54000001", "E54000002"


def _spine() -> pd.DataFrame:
    # S1: L1 (0 m), L2 (900 m), L3 (2,000 m), 1,000 people each. S2: L4 (3,000 m, 1,300 people),
    # L5 (4,000 m, 700 people).
    return pd.DataFrame({
        "lsoa21_code": [L1, L2, L3, L4, L5],
        "population": [1000, 1000, 1000, 1300, 700],
        "centroid_easting_m": [0.0, 900.0, 2000.0, 3000.0, 4000.0],
        "centroid_northing_m": 0.0,
        "sub_icb_code": [S1, S1, S1, S2, S2], "icb_code": [I1, I1, I1, I2, I2],
    })


def _practice_map() -> pd.DataFrame:
    rows = [("P1", "A", "A PCN", S1, I1), ("P6", "A", "A PCN", S1, I1),
            ("P2", "B", "B PCN", S1, I1), ("P3", "B", "B PCN", S2, I2),  # B straddles S1 and S2
            ("P4", "C", "C PCN", S2, I2),  # not in the cross-boundary file
            ("P5", "U", "Unallocated", S2, I2)]  # in no PCN
    return pd.DataFrame(rows, columns=["PRACTICE_CODE", "PCN_CODE", "PCN_NAME",
                                       "ONS_SUB_ICB_LOCATION_CODE", "ONS_ICB_CODE"])


def _locations() -> pd.DataFrame:
    # P6 (of A, in S1) sits in L5, an S2 LSOA: its seed competes only in S1, where it is far away.
    rows = [("P1", "1,000", L1), ("P6", "500", L5), ("P2", "1,000", L3), ("P3", "1,300", L4),
            ("P5", "90", L5)]
    return pd.DataFrame(rows, columns=["Practice", "Average", "LSOA11"])


def _lists(without: str = "") -> pd.DataFrame:
    # Lists run 10% above residents: A 2,200, B 2,530, C 770 (U: 100; Z is in no practice map).
    rows = [("PCN", "A", "ALL", "ALL", "2200"), ("PCN", "B", "ALL", "ALL", "2530"),
            ("PCN", "C", "ALL", "ALL", "770"), ("PCN", "U", "ALL", "ALL", "100"),
            ("PCN", "Z", "ALL", "ALL", "50"), ("PCN", "A", "FEMALE", "ALL", "1100"),
            ("SUB_ICB_LOCATION_CODE", "X1", "ALL", "ALL", "3300")]
    frame = pd.DataFrame(rows, columns=["ORG_TYPE", "ORG_CODE", "SEX", "AGE",
                                        "NUMBER_OF_PATIENTS"])
    return frame[frame["ORG_CODE"] != without]


def _lookup() -> pd.DataFrame:
    return pd.DataFrame({"LSOA11CD": [L1, L2, L3, L4, L5], "CHGIND": "U",
                         "LSOA21CD": [L1, L2, L3, L4, L5]})


def _run(lists: pd.DataFrame | None = None):
    return pcn_footprints_2026(_spine(), _lookup(), _practice_map(), _locations(),
                               _lists() if lists is None else lists)


def _rule(result, rule: str) -> dict:
    return next(line for line in result.bad_input if line["rule"] == rule)


def test_footprints_follow_scaled_lists_within_each_sub_icb() -> None:
    result = _run()
    # B's list splits by its practices' 2023/24 lists: S1 1,000/2,300 × 2,530 = 1,100, S2 1,430.
    # S1: A 2,200 + B 1,100 = 3,300 patients for 3,000 people → targets A 2,000, B 1,000.
    # S2: B 1,430 + C 770 = 2,200 patients for 2,000 people → targets B 1,300, C 700.
    # C's only practice has no location: C is seeded at S2's population-weighted centroid,
    # (3,000 × 1,300 + 4,000 × 700) / 2,000 = 3,350 m. Nearest seeds: L1, L2 → A (0, 900 m vs
    # 1,100 m); L3 → B; L4 → B (its practice, vs C 350 m); L5 → C (650 m vs B 1,000 m; A's P6
    # sits there but competes only in S1). Targets are met, so the weights never move.
    assert result.method == APPROXIMATE
    assert result.assignment.to_dict() == {L1: "A", L2: "A", L3: "B", L4: "B", L5: "C"}
    # B's home is the part with more capacity (S2: 1,430 > 1,100); list_size is the real list.
    assert result.pcns.to_dict("index") == {
        "A": {"name": "A PCN", "method": APPROXIMATE, "sub_icb_code": S1, "icb_code": I1,
              "list_size": 2200.0},
        "B": {"name": "B PCN", "method": APPROXIMATE, "sub_icb_code": S2, "icb_code": I2,
              "list_size": 2530.0},
        "C": {"name": "C PCN", "method": APPROXIMATE, "sub_icb_code": S2, "icb_code": I2,
              "list_size": 770.0}}
    england = result.quality[APPROXIMATE]["england"]
    # Populations 2,000 / 2,300 / 700 = lists / 1.1 exactly: r = 1, every ratio 1.
    assert england == {"pcns": 3, "correlation": pytest.approx(1.0), "median_ratio": 1.0}
    scale = result.quality["list_scaling"]
    assert scale["registered_patients"] == pytest.approx(5500)
    assert scale["residents_per_patient"]["median"] == pytest.approx(10 / 11)


def test_straddling_pcn_and_bad_input_are_reported() -> None:
    result = _run()
    assert result.quality["cross_boundary_counts"] == {"sub_icb": 1, "icb": 1}
    [straddler] = result.quality["cross_boundary_pcns"]
    assert straddler["code"] == "B" and straddler["sub_icb_codes"] == [S1, S2]
    assert straddler["icb_codes"] == [I1, I2]
    assert straddler["practices_by_sub_icb"] == {S1: 1, S2: 1}
    assert straddler["list_share_by_sub_icb"] == pytest.approx({S1: 1000 / 2300,
                                                                S2: 1300 / 2300})
    assert _rule(result, "practice_in_no_pcn")["examples"] == ["P5"]
    assert _rule(result, "practice_in_no_pcn")["without_location"] == 0  # P5 is in L5
    assert _rule(result, "patients_in_no_pcn")["patients"] == 100
    assert _rule(result, "practice_without_location")["examples"] == ["P4"]
    assert _rule(result, "pcn_part_without_located_practice")["examples"] == [f"C in {S2}"]
    assert _rule(result, "practice_located_outside_its_sub_icb")["examples"] == ["P6"]
    assert _rule(result, "pcn_in_lists_not_in_map")["examples"] == ["Z"]
    for clean in ("pcn_in_map_not_in_lists", "lsoa_in_sub_icb_without_pcn",
                  "pcn_without_footprint", "unknown_lsoa_code"):
        assert _rule(result, clean)["count"] == 0


def test_pcn_missing_from_the_lists_uses_its_practice_list_sizes() -> None:
    result = _run(_lists(without="B"))
    # B's capacity is its practices' 2023/24 lists, 1,000 (S1) + 1,300 (S2) = 2,300. Targets
    # S1: A 2,200 × 3,000 / 3,200 = 1,875, B 937.5; S2: B 1,300 × 2,000 / 2,070 = 1,256, C 744.
    # Each footprint is within 7% of its target; over 100 rounds the log-weights drift apart by
    # less than the 0.2 (L2: log 1,100/900) needed to flip an LSOA, so nothing moves.
    assert _rule(result, "pcn_in_map_not_in_lists")["examples"] == ["B"]
    assert result.pcns.loc["B", "list_size"] == 2300
    assert result.assignment.to_dict() == {L1: "A", L2: "A", L3: "B", L4: "B", L5: "C"}


def test_populations_are_labelled_modelled_never_exact() -> None:
    result = _run()
    assert result.quality["population_method"] == MODELLED
    text = json.dumps({"quality": result.quality, "bad_input": result.bad_input})
    assert "exact" not in text.lower()


def test_spine_without_sub_icb_is_refused_with_what_to_do() -> None:
    with pytest.raises(ValueError, match="sub_icb_code"):
        pcn_footprints_2026(_spine().drop(columns="sub_icb_code"), _lookup(), _practice_map(),
                            _locations(), _lists())


def test_coincident_seeds_of_different_pcns_are_moved_apart() -> None:
    seeds = pd.DataFrame({"unit": [0, 0, 1, 2], "x": [0.0, 0.0, 0.0, 5.0],
                          "y": [0.0, 0.0, 0.0, 5.0]})
    moved = spread_coincident_seeds(seeds, distance_m=200.0)
    # Units 0 and 1 share (0, 0): unit 0 to angle 0 (200, 0), unit 1 to angle π (−200, 0);
    # unit 0's two seeds move together; unit 2 is alone and stays.
    assert moved["x"].tolist() == pytest.approx([200.0, 200.0, -200.0, 5.0])
    assert moved["y"].tolist() == pytest.approx([0.0, 0.0, 0.0, 5.0], abs=1e-9)


def test_footprint_pieces_counts_separate_parts() -> None:
    polygons = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1), box(3, 0, 4, 1)],
                             index=[L1, L2, L3], crs=27700)
    assignment = pd.Series({L1: "X", L2: "Y", L3: "X"})
    pieces = footprint_pieces(polygons, assignment)
    assert pieces.to_dict() == {"X": 2, "Y": 1}
    assert piece_quality(pieces) == {"footprints": 2, "multi_piece": 1, "multi_piece_share": 0.5,
                                     "max_pieces": 2, "multi_piece_examples": ["X"]}
    with pytest.raises(ValueError, match="no polygon"):
        footprint_pieces(polygons.drop(L3), assignment)
