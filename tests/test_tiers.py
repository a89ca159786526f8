"""Pieces, neighbourhoods and nesting (issue 11, points 2 and 3) on the four squares of
tests/squares.py, answers worked by hand:

    X3 (450) | X4 (900)      LAD L = X1 + X3 (place A), LAD R = X2 + X4 (place B)
    ---------+---------      ward W<n> = square X<n>; PCN P = X1 + X2, PCN Q = X3 + X4
    X1 (450) | X2 (100)      squares touching only at a corner are not adjacent
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from services.build.adjacency import lsoa_adjacency
from services.flags import misalignment_flags
from services.neighbourhoods import PopulationBand, nesting_chain
from services.pieces import pieces_sentence
from services.places import PlaceConfig
from services.workspace import Workspace
from tests.squares import squares_store

PEOPLE = {"X1": 450, "X3": 450, "X2": 100, "X4": 900}
PCNS = {"X1": "P", "X2": "P", "X3": "Q", "X4": "Q"}
PLACES = [("A", "lad", "L"), ("B", "lad", "R")]


def _config(rows: list[tuple[str, str, str]], tier: str = "place") -> PlaceConfig:
    return PlaceConfig("test", "hand-made", pd.DataFrame(rows, columns=[tier, "block_type",
                                                                        "code"]), tier=tier)


def _workspace(icb_of: dict[str, str] | None = None) -> Workspace:
    return Workspace(squares_store(PEOPLE, icb_of=icb_of, pcn_of=PCNS))


def _by_rule(flags: pd.DataFrame, rule: str) -> dict[str, dict]:
    rows = flags[flags["rule"] == rule]
    return dict(zip(rows["code"], rows["numbers"], strict=True))


def test_a_place_of_two_diagonal_squares_is_in_two_named_pieces() -> None:
    ws = _workspace()
    places = ws.places(_config([("A", "lsoa", "X1"), ("A", "lsoa", "X4"), ("B", "lad", "R"),
                                ("B", "lsoa", "X3")]), "I")
    # A = X1 + X4 (corner only); B = X2 + X3 (corner only); X4 is A's by the LSOA block.
    pieces = ws.pieces(places)
    assert [(p.population, p.lsoa_count, p.around) for p in pieces["A"]] == [
        (900, 1, ("ward X4",)), (450, 1, ("ward X1",))]
    assert pieces_sentence("Place 'A'", pieces["A"]) == (
        "Place 'A' is in 2 pieces: the main part (900 people) and the part around ward X1 "
        "(450 people, 1 LSOA).")
    flags, _ = misalignment_flags(ws, places, "I")
    assert set(_by_rule(flags, "place_in_pieces")) == {"A", "B"}
    assert (flags.loc[flags["rule"] == "place_in_pieces", "severity"] == "info").all()
    whole = ws.places(_config(PLACES), "I")
    assert ws.pieces(whole) == {}


def test_an_icb_in_two_pieces_is_flagged() -> None:
    ws = _workspace(icb_of={"X1": "J", "X4": "J"})
    flags, _ = misalignment_flags(ws, ws.places(_config([("A", "lsoa", "X1"),
                                                         ("A", "lsoa", "X4")]), "J"), "J")
    numbers = _by_rule(flags, "icb_in_pieces")["J"]
    assert [piece["population"] for piece in numbers["pieces"]] == [900, 450]


def test_pieces_of_overlapping_areas_count_each_area_alone() -> None:
    # N1 = W1 + W4 (diagonal: 2 pieces); N2 = PCN P = X1 + X2, sharing X1 with N1 (equal rank).
    ws = _workspace()
    hoods = ws.places(_config([("N1", "ward", "W1"), ("N1", "ward", "W4"), ("N2", "pcn", "P")],
                              "neighbourhood"), "I")
    assert not hoods.one_code_per_lsoa
    assert {code: len(p) for code, p in ws.pieces(hoods).items()} == {"N1": 2}


def _hoods(ws: Workspace) -> tuple:
    places = ws.places(_config(PLACES), "I")
    # N1 = W1 + W3 = X1 + X3 (= A); N2 = PCN Q = X3 + X4: X3 in both, X2 in neither.
    hoods = ws.places(_config([("N1", "ward", "W1"), ("N1", "ward", "W3"), ("N2", "pcn", "Q")],
                              "neighbourhood"), "I")
    return places, hoods


def test_neighbourhood_rules() -> None:
    ws = _workspace()
    places, hoods = _hoods(ws)
    assert hoods.areas["population"].to_dict() == {"N1": 900, "N2": 1350}
    flags, _ = misalignment_flags(ws, places, "I", neighbourhoods=hoods,
                                  band=PopulationBand(500, 1000))
    # N2's home place is B (X4, 900 people); X3 (450) is in A, and in council L.
    crossing = _by_rule(flags, "neighbourhood_crosses_place")
    assert crossing == {"N2": {"place_code": "B", "population_outside": 450,
                               "population_share_outside": pytest.approx(1 / 3, abs=1e-4),
                               "outside": {"A": 450}}}
    assert _by_rule(flags, "neighbourhood_crosses_lad")["N2"]["outside"] == {"L": 450}
    assert _by_rule(flags, "neighbourhood_crosses_icb") == {}
    assert _by_rule(flags, "neighbourhoods_overlap") == {"A": {"population": 450,
                                                               "population_share": 0.5}}
    assert _by_rule(flags, "neighbourhoods_leave_gap") == {"B": {"population": 100,
                                                                 "population_share": 0.1}}
    assert _by_rule(flags, "neighbourhood_outside_band") == {"N2": {"population": 1350,
                                                                    "band": [500, 1000]}}
    defaults, _ = misalignment_flags(ws, places, "I", neighbourhoods=hoods)
    assert set(_by_rule(defaults, "neighbourhood_outside_band")) == {"N1", "N2"}  # < 30,000
    without, _ = misalignment_flags(ws, places, "I")
    assert not without["rule"].str.startswith("neighbourhood").any()


def test_nesting_is_checked_all_the_way() -> None:
    # X4 in ICB J: place B (X2 + X4) crosses its ICB I, and so does neighbourhood N2.
    ws = _workspace(icb_of={"X4": "J"})
    places, hoods = _hoods(ws)
    found = {(p.child_tier, p.code, p.parent_tier): (p.home_code, p.outside)
             for p in nesting_chain(ws, hoods, places)}
    assert found == {("neighbourhood", "N2", "place"): ("B", {"A": 450}),
                     ("place", "B", "icb"): ("I", {"J": 900}),
                     ("neighbourhood", "N2", "icb"): ("I", {"J": 900})}
    flags, _ = misalignment_flags(ws, places, "I", neighbourhoods=hoods)
    assert _by_rule(flags, "neighbourhood_crosses_icb")["N2"]["population_outside"] == 900


def test_people_in_no_parent_are_named() -> None:
    ws = _workspace()
    places = ws.places(_config([("A", "lad", "L")]), "I")
    hoods = ws.places(_config([("N", "pcn", "Q")], "neighbourhood"), "I")
    (problem,) = [p for p in nesting_chain(ws, hoods, places) if p.parent_tier == "place"]
    assert (problem.home_code, problem.outside) == ("A", {"": 900})  # X4 is in no place
    flags, _ = misalignment_flags(ws, places, "I", neighbourhoods=hoods)
    sentence = flags.loc[flags["rule"] == "neighbourhood_crosses_place", "sentence"].iloc[0]
    assert sentence.endswith("outside its place A: 900 in no place.")


def test_a_band_must_be_a_range() -> None:
    with pytest.raises(ValueError, match="not a range"):
        PopulationBand(50_000, 30_000)


def test_adjacency_is_a_shared_boundary_line_not_a_corner() -> None:
    squares = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 1, 3, 2),  # corner only
                             box(2.5, 1.5, 4, 3), box(9, 9, 10, 10)], crs=27700)  # overlap; apart
    pairs = lsoa_adjacency(gpd.GeoDataFrame(geometry=squares))
    assert list(zip(pairs["a"], pairs["b"], strict=True)) == [(0, 1), (2, 3)]
