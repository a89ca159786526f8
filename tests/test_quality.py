"""Data quality checks on hand-made 1 km squares, with the answers worked out by hand.

Council world (x in km; every LSOA is a 1 km square; council polygons of 2024):

    y 1-2  P5 |                          polygon A = x 0-2, y 0-2;  polygon B = x 2-4, y 0-1
    y 0-1  P1 | P2 | P3 | P4

    LSOA  people  2022  2024  2025   notes
    P1    100     A     A     A2     A recoded A2 in 2025: not a disagreement
    P2    50      A     B     A2     2024 lookup wrong (middle vintage, polygon says A)
    P3    300     B0    B     B      B0 recoded B in 2024: not a disagreement
    P4    200     B0    B     C      moved to C in 2025: boundary change
    P5    10      B0    B     B      every lookup says B, its polygon lies in A
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from services.build.quality import (
    BOUNDARY_CHANGE,
    LOOKUP_DISAGREES,
    POLYGON_DISAGREES,
    council_disagreements,
    polygon_councils,
)
from services.build.quality_icb import icb_polygon_agreement
from services.quality_text import COUNCIL_KEY, ICB_KEY, quality_lines

KM = 1000
PEOPLE = {"P1": 100, "P2": 50, "P3": 300, "P4": 200, "P5": 10}
CELLS = {"P1": (0, 0), "P2": (1, 0), "P3": (2, 0), "P4": (3, 0), "P5": (0, 1)}
COUNCILS = {"2022": {"P1": "A", "P2": "A", "P3": "B0", "P4": "B0", "P5": "B0"},
            "2024": {"P1": "A", "P2": "B", "P3": "B", "P4": "B", "P5": "B"},
            "2025": {"P1": "A2", "P2": "A2", "P3": "B", "P4": "C", "P5": "B"}}


def km_box(x0: float, y0: float, x1: float, y1: float):
    return box(x0 * KM, y0 * KM, x1 * KM, y1 * KM)


def lsoa_frames(cells: dict[str, tuple[float, float, float, float]],
                people: dict[str, int] = PEOPLE) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    codes = sorted(cells)
    lsoas = pd.DataFrame({"lsoa21_code": codes, "lsoa21_name": [f"{c} name" for c in codes],
                          "population": [people.get(c, 1) for c in codes]})
    polygons = gpd.GeoDataFrame({"lsoa21_code": codes},
                                geometry=[km_box(*cells[c]) for c in codes], crs=27700)
    return lsoas, polygons


def council_polygons() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": ["A", "B"], "name": ["Council A", "Council B"]},
                            geometry=[km_box(0, 0, 2, 2), km_box(2, 0, 4, 1)], crs=27700)


def lookup(codes: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"lsoa21_code": list(codes), "council_code": list(codes.values()),
                         "council_name": [f"Council {c}" for c in codes.values()]})


def world_check():
    lsoas, polygons = lsoa_frames({c: (x, y, x + 1, y + 1) for c, (x, y) in CELLS.items()})
    lookups = {vintage: lookup(codes) for vintage, codes in COUNCILS.items()}
    return council_disagreements(lsoas, lookups, polygons, council_polygons(), "2024")


def test_every_disagreement_is_reported_and_labelled() -> None:
    rows = world_check().disagreements.set_index("lsoa21_code")
    assert list(rows.index) == ["P2", "P4", "P5"]
    assert rows.loc["P2", ["odd_one_out", "label"]].tolist() == ["lookup_2024", LOOKUP_DISAGREES]
    assert rows.loc["P4", ["odd_one_out", "label"]].tolist() == ["lookup_2025", BOUNDARY_CHANGE]
    assert rows.loc["P5", ["odd_one_out", "label"]].tolist() == ["polygon_2024",
                                                                 POLYGON_DISAGREES]
    assert rows.loc["P2", ["lookup_2022_code", "lookup_2024_code", "polygon_2024_code",
                           "lookup_2025_code"]].tolist() == ["A", "B", "A", "A2"]
    assert rows.loc["P2", "lookup_2024_name"] == "Council B"
    assert rows.loc["P2", "polygon_2024_name"] == "Council A"
    assert rows.loc["P2", "polygon_area_share"] == 1.0
    assert rows.loc["P2", ["lsoa21_name", "population"]].tolist() == ["P2 name", 50]


def test_crosswalk_follows_most_people() -> None:
    check = world_check()
    walks = check.crosswalks.set_index(["old_vintage", "new_vintage", "old_code"])
    # B0's 510 people of 2022 are in B (310) and C (200) in 2025; A of 2022 (150) is A (100) and
    # B (50) in 2024; B of 2024 (560) keeps 310 in 2025.
    assert walks.loc[("2022", "2025", "B0"), "new_code"] == "B"
    assert walks.loc[("2022", "2025", "B0"), "people_share"] == pytest.approx(310 / 510)
    assert walks.loc[("2022", "2024", "A"), "people_share"] == pytest.approx(100 / 150)
    assert walks.loc[("2024", "2025", "B"), "people_share"] == pytest.approx(310 / 560)
    assert walks.loc[("2024", "2025", "A"), ["new_code", "people_share"]].tolist() == ["A2", 1.0]
    counts = check.counts
    assert counts["disagreeing_lsoas"] == 3 and counts["disagreeing_people"] == 260
    assert counts["by_label"] == {BOUNDARY_CHANGE: 1, LOOKUP_DISAGREES: 1, POLYGON_DISAGREES: 1}
    assert counts["polygon_test"]["covered"] == 3  # P1, P3, P4; P2 and P5 lie in another council
    assert counts["polygon_test"]["other council"] == 2


def test_earliest_vintage_alone_is_a_boundary_change() -> None:
    """X moved from A to B between 2022 and 2024; Y keeps A so A's successor stays A."""
    lsoas, polygons = lsoa_frames({"X": (2, 0, 3, 1), "Y": (0, 0, 1, 1)})
    lookups = {"2022": lookup({"X": "A", "Y": "A"}), "2024": lookup({"X": "B", "Y": "A"}),
               "2025": lookup({"X": "B", "Y": "A"})}
    check = council_disagreements(lsoas, lookups, polygons, council_polygons(), "2024")
    assert check.disagreements[["lsoa21_code", "odd_one_out", "label"]].values.tolist() == [
        ["X", "lookup_2022", BOUNDARY_CHANGE]]


def test_lookup_contradicting_its_polygon_is_not_a_boundary_change() -> None:
    """X: 2022 = 2024 = B ≠ 2025 = A in time order, but the 2024 polygon says A, not B.
    Y (in A) and Z (in B), 10 people each, keep their councils, so A → A and B → B."""
    lsoas, polygons = lsoa_frames({"X": (0, 0, 1, 1), "Y": (1, 0, 2, 1), "Z": (2, 0, 3, 1)},
                                  {"X": 1, "Y": 10, "Z": 10})
    lookups = {vintage: lookup({"X": x, "Y": "A", "Z": "B"})
               for vintage, x in (("2022", "B"), ("2024", "B"), ("2025", "A"))}
    check = council_disagreements(lsoas, lookups, polygons, council_polygons(), "2024")
    assert check.disagreements[["lsoa21_code", "odd_one_out", "label"]].values.tolist() == [
        ["X", "", LOOKUP_DISAGREES]]


def test_polygon_verdicts() -> None:
    """A = x 0-2, y 0-2; B = x 2-4, y 0-1 (km). Shares worked by hand."""
    cells = {"L1": (0, 0, 1, 1),  # wholly in A
             "L2": (1.5, 0, 2.5, 1),  # half in A: the lookup council holds half
             "L3": (1.6, 0, 2.6, 1),  # 40% A, 60% B
             "L4": (2.6, 0.5, 3.4, 1.5),  # 0.8 km², half of it in B
             "L5": (1.8, 2.5, 2.6, 3.5),  # touches nothing
             "L6": (1.9, 1.5, 2.9, 2.5)}  # 0.05 km² in A, none in B: no council holds half
    lsoas, polygons = lsoa_frames(cells)
    codes = pd.Series("A", index=lsoas["lsoa21_code"])
    out = polygon_councils(polygons, council_polygons(), codes)
    assert out["verdict"].to_dict() == {"L1": "covered", "L2": "lookup council",
                                        "L3": "other council", "L4": "other council",
                                        "L5": "no polygon", "L6": "indecisive"}
    assert out.loc["L3", "council_code"] == "B"
    assert out.loc["L3", "area_share"] == pytest.approx(0.6)
    assert out.loc["L3", "lookup_share"] == pytest.approx(0.4)
    assert out.loc["L4", "area_share"] == pytest.approx(0.5)  # 0.8 × 0.5 in B of 0.8 km²
    assert pd.isna(out.loc["L6", "council_code"])
    assert out.loc["L6", "majority_code"] == "A"
    assert out.loc["L6", "majority_share"] == pytest.approx(0.05)


def test_lookup_pairs_repeated_per_lsoa_are_deduplicated_but_clashes_raise() -> None:
    lsoas, polygons = lsoa_frames({"X": (0, 0, 1, 1)})
    pairs = pd.concat([lookup({"X": "A"})] * 2)
    check = council_disagreements(lsoas, {"2022": pairs, "2024": lookup({"X": "A"})}, polygons,
                                  council_polygons(), "2024")
    assert check.disagreements.empty
    clash = pd.concat([lookup({"X": "A"}), lookup({"X": "B"})])
    with pytest.raises(ValueError, match="lookup 2022: 1 LSOAs have two councils"):
        council_disagreements(lsoas, {"2022": clash, "2024": lookup({"X": "A"})}, polygons,
                              council_polygons(), "2024")


def test_bad_inputs_say_what_to_do() -> None:
    lsoas, polygons = lsoa_frames({"X": (0, 0, 1, 1)})
    lookups = {"2024": lookup({"X": "A"})}
    with pytest.raises(ValueError, match="polygon vintage '2023' has no lookup"):
        council_disagreements(lsoas, lookups, polygons, council_polygons(), "2023")
    with pytest.raises(ValueError, match="to_crs"):
        council_disagreements(lsoas, lookups, polygons.to_crs(4326), council_polygons(), "2024")
    with pytest.raises(ValueError, match="lsoas: 1 codes repeat"):
        council_disagreements(pd.concat([lsoas] * 2), lookups, polygons, council_polygons(),
                              "2024")
    with pytest.raises(ValueError, match="missing column"):
        council_disagreements(lsoas.drop(columns="population"), lookups, polygons,
                              council_polygons(), "2024")


def icb_agreement():
    """Built I1 = x 0-2, I2 = x 2-4; official I1 = x 0-2.5, I3 = x 5-6 (y 0-1 km).
    Centroids: X1 (0.5, 0.5) I1 100 people, X2 (1.5, 0.5) I1 50, X3 (2.5, 0.5) I2 30,
    X4 (1.9, 1.5) I1 50 (outside official I1)."""
    built = gpd.GeoDataFrame({"code": ["I1", "I2"], "name": ["ICB 1", "ICB 2"]},
                             geometry=[km_box(0, 0, 2, 1), km_box(2, 0, 4, 1)], crs=27700)
    official = gpd.GeoDataFrame({"code": ["I1", "I3"], "name": ["ICB 1", "ICB 3"]},
                                geometry=[km_box(0, 0, 2.5, 1), km_box(5, 0, 6, 1)], crs=27700)
    lsoas = pd.DataFrame({"lsoa21_code": ["X1", "X2", "X3", "X4"],
                          "icb_code": ["I1", "I1", "I2", "I1"], "population": [100, 50, 30, 50],
                          "centroid_easting_m": [500, 1500, 2500, 1900],
                          "centroid_northing_m": [500, 500, 500, 1500]})
    return icb_polygon_agreement(built, official, lsoas)


def test_icb_agreement_by_hand() -> None:
    agreement = icb_agreement()
    table = agreement.table.set_index("code")
    assert list(table.index) == ["I1", "I2", "I3"]
    assert table.loc["I1", ["built_area_km2", "official_area_km2", "iou"]].tolist() == \
        pytest.approx([2.0, 2.5, 0.8])
    assert table.loc["I1", "population_inside_share"] == pytest.approx(150 / 200)
    assert pd.isna(table.loc["I2", "iou"]) and pd.isna(table.loc["I2", "population_inside_share"])
    assert pd.isna(table.loc["I3", "population"])
    counts = agreement.counts
    assert (counts["only_built"], counts["only_official"]) == (["I2"], ["I3"])
    assert (counts["lsoas"], counts["lsoas_inside"]) == (4, 2)
    assert [row["lsoa21_code"] for row in counts["lsoas_outside"]] == ["X3", "X4"]
    assert counts["people_inside_share"] == pytest.approx(150 / 230)
    assert counts["min_iou"]["code"] == "I1"
    assert counts["min_population_inside_share"]["value"] == pytest.approx(0.75)


def test_meta_is_json_and_prints_as_lines() -> None:
    meta_part = {COUNCIL_KEY: world_check().to_meta(),
                 ICB_KEY: icb_agreement().to_meta()}
    meta_part = json.loads(json.dumps(meta_part, allow_nan=False))
    lines = quality_lines(meta_part)
    assert lines[0].startswith("Council lookups: 5 LSOAs compared across lookup_2022, "
                               "lookup_2024, polygon_2024, lookup_2025: 3 disagree (260 people)")
    assert any(line.startswith("  P2 P2 name (50 people): lookup_2022 A Council A · "
                               "lookup_2024 B Council B") and line.endswith(
        "odd one out lookup_2024; lookup disagrees") for line in lines)
    assert any("crosswalk 2024→2025: A→A2, B→B (55.36% of people)" in line for line in lines)
    assert "ICB polygons: 2 built from LSOAs, 2 official; only built: I2; only official: I3." \
        in lines
    assert "  I1 ICB 1: built 2.0 km², official 2.5 km², IoU 0.8000, people inside 75.00%" \
        in lines
