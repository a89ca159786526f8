"""The most specific block wins (issue 11, point 2), on the four squares of tests/squares.py:

    X3 (450) | X4 (900)      LAD L = X1 + X3, LAD R = X2 + X4; ward W<n> = square X<n>
    X1 (450) | X2 (100)      PCNs (when given): P = X1 + X2, Q = X3 + X4
"""

from __future__ import annotations

import pandas as pd

from layers import BLOCK_SPECIFICITY
from services.flags import misalignment_flags
from services.places import PlaceConfig
from services.workspace import Workspace
from tests.squares import squares_store

PEOPLE = {"X1": 450, "X3": 450, "X2": 100, "X4": 900}


def _config(rows: list[tuple[str, str, str]], tier: str = "place") -> PlaceConfig:
    return PlaceConfig("test", "hand-made", pd.DataFrame(rows, columns=[tier, "block_type",
                                                                        "code"]), tier=tier)


def test_the_order_is_declared_once_lsoa_first() -> None:
    rank = BLOCK_SPECIFICITY
    assert rank["lsoa"] > rank["ward"] == rank["pcn"] > rank["lad"] > rank["hwb"]
    assert rank["sub_icb"] == rank["hwb"]


def test_a_ward_listed_for_b_inside_a_council_of_a_moves_to_b() -> None:
    ws = Workspace(squares_store(PEOPLE))
    places = ws.places(_config([("A", "lad", "L"), ("B", "lad", "R"), ("B", "ward", "W1")]),
                       "I")
    # A keeps X3 only (450); B has X2 + X4 + X1 (100 + 900 + 450).
    assert places.areas["population"].to_dict() == {"A": 450, "B": 1450}
    assert places.one_code_per_lsoa
    cover = ws.coverage("I", ws.geography("icb"), places)
    assert (cover.uncovered, cover.double_counted) == (0, 0)
    flags, _ = misalignment_flags(ws, places, "I")
    assert "places_overlap" not in set(flags["rule"])
    assert places.areas.loc["A", "blocks"] == "lad:L"  # what was listed, not what is left


def test_an_lsoa_beats_a_ward_and_a_ward_beats_a_council() -> None:
    ws = Workspace(squares_store(PEOPLE))
    places = ws.places(_config([("A", "lad", "L"), ("B", "ward", "W1"), ("C", "lsoa", "X1")]),
                       "I")
    assert places.areas["population"].to_dict() == {"A": 450, "B": 0, "C": 450}


def test_an_area_whose_every_lsoa_is_taken_is_kept_with_nobody() -> None:
    ws = Workspace(squares_store(PEOPLE))
    places = ws.places(_config([("A", "lad", "L"), ("B", "lsoa", "X1"), ("B", "lsoa", "X3")]))
    assert places.areas.loc["A", ["population", "lsoa_count", "icb_code"]].tolist() == [0, 0,
                                                                                          "I"]
    assert places.areas.loc["B", "population"] == 900


def test_equal_specificity_across_hierarchies_is_an_overlap() -> None:
    # Neighbourhoods: ward W1 (X1) for N1 and PCN P (X1 + X2) for N2 rank equal: X1 is in both.
    ws = Workspace(squares_store(PEOPLE, pcn_of={"X1": "P", "X2": "P", "X3": "Q", "X4": "Q"}))
    hoods = ws.places(_config([("N1", "ward", "W1"), ("N2", "pcn", "P")], "neighbourhood"), "I")
    assert hoods.id == "neighbourhood"
    assert hoods.areas["population"].to_dict() == {"N1": 450, "N2": 550}
    cover = ws.coverage("I", ws.geography("icb"), hoods)
    assert (cover.uncovered, cover.double_counted) == (1350, 450)  # X3 + X4; X1 twice
