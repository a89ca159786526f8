"""One sliver rule in every flag rule and report, on four hand-made squares (tests/squares.py).

    (0,1) X3 1,000 | (1,1) X4 999      ICB I = X3 + X4 (1,999), ICB J = X1 + X2 (301)
    ---------------+--------------     LAD L, HWB HL = X1 + X3 (1,300); R, HR = X2 + X4 (1,000)
    (0,0) X1   300 | (1,0) X2   1      PCN P = X1 + X3, PCN Q = X2 + X4

R reaches into J by one person: 1 < 0.5% × min(1,000, 301) = 1.505, a sliver (X2 is a border
sliver). L reaches into J by 300: a real split. The default scheme then makes a place "hwb HR (J)"
of X2 alone: against that place, 1 person is all of it, so only the border clause of the one rule
makes it a sliver, as it is against the ICB.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.coterminosity import is_sliver
from services.flags import misalignment_flags
from services.places import DEFAULT_SCHEME, PlaceConfig
from services.workspace import Workspace
from tests.squares import squares_store

POPULATION = {"X1": 300, "X2": 1, "X3": 1000, "X4": 999}
SLIVER_PLACE = "hwb HR (J)"


def _workspace() -> Workspace:
    return Workspace(squares_store(POPULATION, icb_of={"X1": "J", "X2": "J"},
                                   pcn_of={"X1": "P", "X3": "P", "X2": "Q", "X4": "Q"}))


def test_the_rule_worked_by_hand() -> None:
    overlap, a, b = np.array([1, 2, 1, 0]), np.array([1000, 1000, 1, 5]), np.array([301] * 4)
    assert is_sliver(overlap, a, b, 0.005).tolist() == [True, False, False, True]
    border = np.array([0, 0, 1, 0])  # the third pair's one person lives in a border sliver
    assert is_sliver(overlap, a, b, 0.005, border).tolist() == [True, False, True, True]


def test_border_slivers_are_where_a_council_reaches_an_icb_by_a_sliver() -> None:
    ws = _workspace()
    assert ws.border_slivers().tolist() == [False, True, False, False]  # X1..X4: X2 only


def test_every_flag_rule_treats_the_same_person_as_a_sliver() -> None:
    ws = _workspace()
    places = ws.places(DEFAULT_SCHEME)
    assert sorted(places.names()) == ["hwb HL (I)", "hwb HL (J)", "hwb HR (I)", SLIVER_PLACE]
    flags, slivers = misalignment_flags(ws, places)
    named = flags["code"].tolist() + [str(n) for n in flags["numbers"]]
    assert not [text for text in named if "HR (J)" in text or text in ("R", "HR")]
    by_rule = flags.groupby("rule")["code"].agg(sorted).to_dict()
    assert by_rule["hwb_split_across_icbs"] == ["HL"]  # R's one person in J is a sliver
    assert by_rule["hwb_split_across_places_of_different_icbs"] == ["HL"]
    assert by_rule["place_splits_hwb"] == ["hwb HL (I)", "hwb HL (J)"]
    assert by_rule["place_splits_lad"] == ["hwb HL (I)", "hwb HL (J)"]
    assert by_rule["pcn_straddles_icb"] == ["P"] and by_rule["pcn_straddles_place"] == ["P"]
    one_person = slivers[slivers["population"] == 1]
    assert sorted(one_person["comparison"]) == sorted(
        ["HWB area vs ICB", "HWB area vs place", "place vs HWB area", "place vs council",
         "PCN vs places", "PCN vs ICBs", "ward vs place"])
    assert len(slivers) == len(one_person)  # nothing else is a sliver


def test_each_icb_report_lists_the_same_sliver() -> None:
    ws = _workspace()
    places = ws.places(DEFAULT_SCHEME)
    for icb in ("I", "J"):
        flags, slivers = misalignment_flags(ws, places, icb)
        pair = slivers[slivers["comparison"] == "HWB area vs ICB"]
        assert pair[["a_code", "b_code", "population"]].values.tolist() == [["HR", "J", 1]], icb
        assert not {"HR", SLIVER_PLACE} & set(flags["code"])
    # the place made of the sliver still lies in its own ICB, so J's report lists it
    assert SLIVER_PLACE in ws.codes_in_icb(places, "J")


def test_a_gap_below_the_tolerance_is_a_sliver_by_the_same_rule() -> None:
    ws = _workspace()
    blocks = pd.DataFrame([("West", "lsoa", "X1"), ("East", "lad", "L")],
                          columns=["place", "block_type", "code"])
    places = ws.places(PlaceConfig("gap", "hand-made", blocks), "J")  # X2 (1 of 301) left out
    flags, slivers = misalignment_flags(ws, places, "J")
    assert "places_leave_gap" not in set(flags["rule"])
    gap = slivers[slivers["comparison"] == "places_leave_gap"]
    assert gap[["a_code", "population"]].values.tolist() == [["J", 1]]
