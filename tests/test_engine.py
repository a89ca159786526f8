"""The engine on four hand-made squares (tests/squares.py), with answers worked out by hand."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from shapely.geometry import box

from services.bounded_cache import BoundedCache
from services.coterminosity import classify, layer_summary
from services.flags import misalignment_flags
from services.io.place_files import PlaceFileError, place_csv_text, read_place_csv
from services.place_polygons import config_from_polygons
from services.places import PlaceConfig, resolve
from services.workspace import Workspace
from tests.squares import ORIGIN_X, ORIGIN_Y, squares_store

EVEN = {"X1": 450, "X3": 450, "X2": 100, "X4": 900}


def _places(rows: list[tuple[str, str, str]]) -> PlaceConfig:
    return PlaceConfig("test", "hand-made", pd.DataFrame(rows, columns=["place", "block_type",
                                                                        "code"]))


def _workspace(population: dict[str, int] = EVEN) -> Workspace:
    return Workspace(squares_store(population))


def test_an_icb_split_into_two_coterminous_councils() -> None:
    ws = _workspace()
    places = ws.places(_places([("West", "lad", "L"), ("East", "lad", "R")]), "I")
    result = ws.coterminosity(places, ws.geography("lad")).set_index("a_code")
    assert result.loc["West", "best_b_code"] == "L"
    assert result.loc["East", "best_b_code"] == "R"
    assert (result["population_class"] == "coterminous").all()
    assert (result["area_class"] == "coterminous").all()
    assert result["population_share_of_a"].tolist() == [1.0, 1.0]
    flags, slivers = misalignment_flags(ws, places)
    assert set(flags["rule"]) <= {"vintage_mismatch"}
    assert slivers.empty


def test_a_place_taking_ten_percent_of_its_neighbour_straddles() -> None:
    # West = L (900 people) + X2 (100 of R's 1,000): 90% of West is in L, 10% in R.
    ws = _workspace()
    places = ws.places(_places([("West", "lad", "L"), ("West", "lsoa", "X2"),
                                ("East", "lsoa", "X4")]), "I")
    pairs = ws.pairs(places, ws.geography("lad")).set_index(["a_code", "b_code"])
    west_r = pairs.loc[("West", "R")]
    assert west_r["population_share_of_a"] == pytest.approx(0.1)
    assert west_r["population_share_of_b"] == pytest.approx(0.1)
    assert west_r["population_class"] == "straddles"
    assert pairs.loc[("West", "L"), "population_share_of_a"] == pytest.approx(0.9)
    assert pairs.loc[("West", "L"), "population_class"] == "b within a"
    # By area West is 3 km² of which 1 km² in R (a third); R is half in West.
    assert west_r["area_share_of_a"] == pytest.approx(1 / 3)
    assert west_r["area_share_of_b"] == pytest.approx(0.5)
    assert west_r["population_jaccard"] == pytest.approx(100 / (1000 + 1000 - 100))
    per_place = ws.coterminosity(places, ws.geography("lad")).set_index("a_code")
    assert per_place.loc["West", "population_class"] == "straddles"
    assert per_place.loc["East", "population_class"] == "within"
    flags, _ = misalignment_flags(ws, places)
    split = flags[flags["rule"] == "place_splits_lad"].set_index("code")
    assert split.loc["West", "numbers"]["population_in_both"] == 100
    assert "10.0% of it" in split.loc["West", "sentence"]
    assert split.loc["East", "numbers"]["share_of_lad"] == pytest.approx(0.9)


def test_a_sliver_is_reported_apart_not_flagged() -> None:
    # R has 1,000 people of whom 1 (0.1%) live in X2, which West takes.
    ws = _workspace({"X1": 450, "X3": 450, "X2": 1, "X4": 999})
    places = ws.places(_places([("West", "lad", "L"), ("West", "lsoa", "X2"),
                                ("East", "lsoa", "X4")]), "I")
    pairs = ws.pairs(places, ws.geography("lad")).set_index(["a_code", "b_code"])
    assert pairs.loc[("West", "R"), "population_class"] == "sliver"
    flags, slivers = misalignment_flags(ws, places)
    assert "place_splits_lad" not in set(flags["rule"])
    by_council = slivers[slivers["comparison"] == "place vs council"]
    assert by_council[["a_code", "b_code", "population"]].values.tolist() == [["West", "R", 1]]


def test_a_place_crossing_its_icb_is_flagged() -> None:
    # ICB J holds X4 only, so council R (X2 + X4) spans ICBs I and J: a place built from R
    # belongs to J (900 of its 1,000 people) and has 100 people (10%) outside it.
    ws = Workspace(squares_store(EVEN, icb_of={"X4": "J"}))
    places = ws.places(_places([("West", "lad", "L"), ("East", "lad", "R")]))
    assert places.areas["icb_code"].to_dict() == {"East": "J", "West": "I"}
    flags, _ = misalignment_flags(ws, places)
    crossing = flags[flags["rule"] == "place_crosses_icb"]
    assert crossing["code"].tolist() == ["East"]
    numbers = crossing["numbers"].iloc[0]
    assert numbers["population_outside"] == 100
    assert numbers["population_share_outside"] == pytest.approx(0.1)
    assert numbers["other_icbs"] == {"I": 100}
    split = flags[flags["rule"] == "hwb_split_across_icbs"].set_index("code")
    assert split.loc["HR", "numbers"]["population_by_area"] == {"I": 100, "J": 900}


def test_population_is_conserved_in_every_coverage_table() -> None:
    ws = _workspace()
    # Overlapping and gappy places: the sub-ICB location S (all four squares) and the HWB area
    # HL (X1 + X3) rank equal, so X1 and X3 are in both; B's LSOA X4 takes X4 from A.
    places = ws.places(_places([("A", "sub_icb", "S"), ("B", "hwb", "HL"),
                                ("B", "lsoa", "X4")]), "I")
    icb = ws.geography("icb")
    cover = ws.coverage("I", icb, places)
    assert cover.population == 1900
    assert cover.uncovered == 0
    assert cover.double_counted == 900  # X1 and X3 counted twice
    assert cover.rows.set_index("b_code")["population"].to_dict() == {"A": 1000, "B": 1800}
    assert cover.conserved
    for layer_id in ("lad", "hwb", "ward"):
        for code in ws.geography(layer_id).areas.index:
            assert ws.coverage(code, ws.geography(layer_id), places).conserved
    gappy = ws.places(_places([("A", "lsoa", "X1"), ("A", "lsoa", "X2"), ("B", "lad", "L")]),
                      "I")
    assert ws.coverage("I", icb, gappy).uncovered == 900  # X4
    flags, _ = misalignment_flags(ws, places)
    numbers = flags.set_index("rule")["numbers"]
    assert numbers["places_overlap"]["population"] == 900
    flags, _ = misalignment_flags(ws, gappy)
    assert flags.set_index("rule")["numbers"]["places_leave_gap"]["population"] == 900


def test_results_do_not_depend_on_row_order_or_index_type() -> None:
    ws = _workspace()
    rows = [("West", "lad", "L"), ("West", "lsoa", "X2"), ("East", "lsoa", "X4")]
    places = ws.places(_places(rows), "I")
    shuffled_config = _places(rows[::-1])
    shuffled_config.blocks.index = pd.Index(["x", "y", "z"])
    shuffled = Workspace(squares_store(EVEN)).places(shuffled_config, "I")
    lad = ws.geography("lad")
    assert_frame_equal(ws.pairs(places, lad), Workspace(squares_store(EVEN)).pairs(shuffled, lad))
    reordered = lad.membership.sample(frac=1, random_state=1).set_axis(["a", "b", "c", "d"])
    lad_shuffled = type(lad)(lad.id, lad.title, lad.vintage, lad.lsoa_built, reordered, lad.areas,
                             lad.geometry_factory)
    assert_frame_equal(ws.pairs(places, lad), ws.pairs(places, lad_shuffled))


def test_ward_area_overlap_uses_polygons() -> None:
    ws = _workspace()
    pairs = ws.pairs(ws.geography("ward"), ws.geography("lad"))
    assert len(pairs) == 4
    assert np.allclose(pairs["area_m2"], 1_000_000)
    assert (pairs["population_class"] == "a within b").all()


def test_classify_thresholds() -> None:
    classes = classify(np.array([99.0, 50.0, 1.0, 100.0]), np.array([100.0] * 4),
                       np.array([100.0, 50.0, 1000.0, 400.0]),
                       np.array([0.99, 0.5, 0.01, 1.0]), np.array([0.99, 1.0, 0.001, 0.25]),
                       0.99, 0.005)
    assert classes.tolist() == ["coterminous", "b within a", "straddles", "a within b"]


def test_configuration_errors_are_reported_row_by_row() -> None:
    ws = _workspace()
    text = ("place,block_type,code\nWest,lad,L\nWest,lad,NOPE\nEast,lad,L\nEast,lsoa,X4\n")
    _, blocks = read_place_csv(text.encode())
    with pytest.raises(PlaceFileError) as caught:
        resolve(PlaceConfig("bad", "test", blocks), ws.store, "I")
    problems = caught.value.problems
    assert problems["line"].tolist() == [3, 4]
    assert "unknown lad code NOPE" in problems["problem"].iloc[0]
    assert "already used on line 2" in problems["problem"].iloc[1]
    with pytest.raises(PlaceFileError, match="wholly outside"):
        resolve(PlaceConfig("away", "test", blocks.iloc[[0]]), ws.store, "ELSEWHERE")
    with pytest.raises(PlaceFileError, match="no building blocks"):  # e.g. every row deleted
        resolve(PlaceConfig("empty", "test", blocks.iloc[[]]), ws.store, "I")


def test_bad_csv_files_say_which_line() -> None:
    with pytest.raises(PlaceFileError, match="header is"):
        read_place_csv(b"name,type,code\nA,lad,L\n")
    with pytest.raises(PlaceFileError) as caught:
        read_place_csv(b"place,block_type,code\nA,county,L\n,lad,R\nB,lad\n")
    assert caught.value.problems["line"].tolist() == [2, 3, 4]


def test_configuration_csv_round_trips() -> None:
    config = _places([("West", "lad", "L"), ("East, the other", "lsoa", "X4")])
    text = place_csv_text(config.blocks, config.facts())
    facts, blocks = read_place_csv(text)
    assert facts == {"name": "test", "source": "hand-made"}
    assert_frame_equal(blocks[["place", "block_type", "code"]], config.blocks)


def test_polygons_assign_lsoas_by_centroid_and_report_cut_ones() -> None:
    ws = _workspace()
    # 1.4 km wide: holds the centroids of X1 and X3, and 40% of X2 and of X4.
    west = box(ORIGIN_X, ORIGIN_Y, ORIGIN_X + 1400, ORIGIN_Y + 2000)
    polygons = gpd.GeoDataFrame({"place": ["West"]}, geometry=[west], crs=27700)
    config, cut = config_from_polygons(polygons, ws.store)
    assert config.blocks.values.tolist() == [["West", "lsoa", "X1"], ["West", "lsoa", "X3"]]
    assert cut["lsoa21_code"].tolist() == ["X2", "X4"]
    assert cut["share_of_lsoa_area_inside"].tolist() == [0.4, 0.4]
    assert cut["assigned_to"].isna().all()
    assert json.loads(cut.to_json())


def test_polygon_problems_are_reported_not_dropped() -> None:
    ws = _workspace()
    west = box(ORIGIN_X, ORIGIN_Y, ORIGIN_X + 1400, ORIGIN_Y + 2000)
    speck = box(ORIGIN_X + 1900, ORIGIN_Y + 10, ORIGIN_X + 1950, ORIGIN_Y + 60)
    polygons = gpd.GeoDataFrame({"place": ["West", "Also west", "Speck"]},
                                geometry=[west, west, speck], crs=27700)
    with pytest.raises(PlaceFileError) as caught:
        config_from_polygons(polygons, ws.store)
    problems = caught.value.problems["problem"].tolist()
    assert any("Speck" in p and "no LSOA" in p for p in problems)
    assert any("Also west and West overlap: 2 LSOA" in p for p in problems)


def test_contains_needs_the_partners_to_fill_the_area_and_summary_counts_people() -> None:
    ws = _workspace()
    # Council L (900) holds X1 and X3; one place of X1 alone is not a union of whole places.
    places = ws.places(_places([("A", "lsoa", "X1"), ("B", "lsoa", "X2")]), "I")
    by_council = ws.coterminosity(ws.geography("lad"), places).set_index("a_code")
    assert by_council.loc["L", "population_class"] == "straddles"
    whole = ws.places(_places([("A", "lsoa", "X1"), ("B", "lsoa", "X3"),
                               ("C", "lad", "R")]), "I")
    rows = ws.coterminosity(ws.geography("lad"), whole)
    assert rows.set_index("a_code")["population_class"].to_dict() == {
        "L": "contains", "R": "coterminous"}
    summary = layer_summary(rows).set_index("class")
    assert summary.loc["contains", "population"] == 900
    assert summary.loc["coterminous", "population_share"] == pytest.approx(1000 / 1900)


def test_bounded_cache_forgets_the_least_recently_used() -> None:
    cache = BoundedCache(2)
    cache["a"], cache["b"] = 1, 2
    assert cache["a"] == 1
    cache["c"] = 3
    assert list(cache) == ["a", "c"]
