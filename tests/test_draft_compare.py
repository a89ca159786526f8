"""Two drafts compared on the four hand-made squares (tests/squares.py), answers by hand:
X1..X4 hold 100, 200, 300, 400 people; LAD L = X1 + X3, LAD R = X2 + X4."""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.draft_compare import FLAG_COLUMNS, NOWHERE, compare_drafts
from services.places import PlaceConfig
from services.workspace import Workspace
from tests.squares import squares_store

POPULATION = {"X1": 100, "X2": 200, "X3": 300, "X4": 400}


def _places(ws: Workspace, rows: list[tuple[str, str, str]]):
    blocks = pd.DataFrame(rows, columns=["place", "block_type", "code"])
    return ws.places(PlaceConfig("draft", "hand-made", blocks), "I")


def _flags(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Flags (rule, code, sentence), all of severity medium on the place layer."""
    return pd.DataFrame([{"rule": rule, "severity": "medium", "layer": "place", "code": code,
                          "name": code, "sentence": sentence} for rule, code, sentence in rows],
                        columns=FLAG_COLUMNS)


def _population(ws: Workspace) -> np.ndarray:
    return ws.store.spine["population"].to_numpy()


def test_councils_against_their_lsoas_move_nobody() -> None:
    ws = Workspace(squares_store(POPULATION))
    by_lad = _places(ws, [("West", "lad", "L"), ("East", "lad", "R")])
    by_lsoa = _places(ws, [("West", "lsoa", "X1"), ("West", "lsoa", "X3"),
                           ("East", "lsoa", "X2"), ("East", "lsoa", "X4")])
    result = compare_drafts(by_lad, by_lsoa, _population(ws), _flags(), _flags())
    assert result.moves.empty and result.people_moved == 0


def test_a_square_moved_and_one_left_out() -> None:
    ws = Workspace(squares_store(POPULATION))
    before = _places(ws, [("West", "lad", "L"), ("East", "lad", "R")])
    # X2 (200 people) goes West; X4 (400) is in no place any more.
    after = _places(ws, [("West", "lsoa", "X1"), ("West", "lsoa", "X3"),
                         ("West", "lsoa", "X2")])
    result = compare_drafts(before, after, _population(ws), _flags(), _flags())
    assert result.moves.to_dict("records") == [
        {"from": "East", "to": NOWHERE, "lsoas": 1, "population": 400},
        {"from": "East", "to": "West", "lsoas": 1, "population": 200},
    ]
    assert result.populations.to_dict("records") == [
        {"area": "East", "first": 600, "second": 0, "change": -600},
        {"area": "West", "first": 400, "second": 600, "change": 200},
    ]


def test_an_overlap_is_named_by_both_places() -> None:
    ws = Workspace(squares_store(POPULATION))
    before = _places(ws, [("West", "lad", "L"), ("East", "lad", "R")])
    after = _places(ws, [("West", "lad", "L"), ("East", "lad", "R"), ("West", "lsoa", "X4")])
    result = compare_drafts(before, after, _population(ws), _flags(), _flags())
    assert result.moves.to_dict("records") == [
        {"from": "East", "to": "East + West", "lsoas": 1, "population": 400}]
    assert result.populations["second"].tolist() == [600, 800]  # X4 counted in both


def test_flags_added_removed_and_reworded() -> None:
    ws = Workspace(squares_store(POPULATION))
    same = _places(ws, [("West", "lad", "L"), ("East", "lad", "R")])
    first = _flags(("gaps", "West", "West leaves 10 people out"),
                   ("splits", "East", "East splits R"))
    second = _flags(("gaps", "West", "West leaves 20 people out"),
                    ("crosses", "East", "East crosses its ICB"))
    result = compare_drafts(same, same, _population(ws), first, second)
    assert result.flags_added[["rule", "code"]].values.tolist() == [["crosses", "East"]]
    assert result.flags_removed[["rule", "code", "sentence"]].values.tolist() == [
        ["splits", "East", "East splits R"]]
    assert result.flags_changed[["rule", "sentence", "before"]].values.tolist() == [
        ["gaps", "West leaves 20 people out", "West leaves 10 people out"]]
