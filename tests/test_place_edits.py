"""Block moves and the edit history (issue 11, point 1) on hand-made rows. The index is the four
squares of tests/squares.py:

    X3 | X4      LAD L = X1 + X3, LAD R = X2 + X4, HWB HL = L, HR = R;
    X1 | X2      ward W<n> = square X<n>; LSOA X<n>
"""

from __future__ import annotations

import pandas as pd
import pytest

from services.place_edits import BlockIndex, EditHistory, EditStep, Move, MoveError, apply_move
from services.places import PlaceConfig
from services.workspace import Workspace
from tests.squares import squares_store

INDEX = BlockIndex(pd.DataFrame({
    "lsoa": ["X1", "X2", "X3", "X4"],
    "ward": ["W1", "W2", "W3", "W4"],
    "lad": ["L", "R", "L", "R"],
    "hwb": ["HL", "HR", "HL", "HR"],
}))
PEOPLE = {"X1": 450, "X3": 450, "X2": 100, "X4": 900}


def _blocks(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["place", "block_type", "code"])


def _rows(blocks: pd.DataFrame) -> list[tuple[str, str, str]]:
    return list(blocks[["place", "block_type", "code"]].itertuples(index=False, name=None))


def test_a_ward_clicked_into_a_new_place_is_added_and_its_council_stays() -> None:
    blocks = _blocks([("A", "lad", "L"), ("B", "lad", "R")])
    moved = apply_move(blocks, Move("New", "ward", "W1"), INDEX)
    assert _rows(moved) == [("A", "lad", "L"), ("B", "lad", "R"), ("New", "ward", "W1")]


def test_a_block_listed_for_another_place_moves_not_doubles() -> None:
    blocks = _blocks([("A", "ward", "W1"), ("A", "ward", "W3"), ("B", "lad", "R")])
    moved = apply_move(blocks, Move("B", "ward", "W1"), INDEX)
    assert _rows(moved) == [("A", "ward", "W3"), ("B", "lad", "R"), ("B", "ward", "W1")]


def test_a_council_takes_the_finer_blocks_it_wholly_holds_from_every_place() -> None:
    blocks = _blocks([("A", "ward", "W1"), ("A", "lsoa", "X3"), ("B", "ward", "W2"),
                      ("C", "hwb", "HL")])
    moved = apply_move(blocks, Move("B", "lad", "L"), INDEX)
    # W1 and X3 lie in L (gone); W2 is in R (kept); C's HWB holds L and stays: L wins in B.
    assert _rows(moved) == [("B", "ward", "W2"), ("C", "hwb", "HL"), ("B", "lad", "L")]


def test_moving_a_block_to_the_area_that_lists_it_changes_nothing() -> None:
    blocks = _blocks([("A", "lad", "L"), ("B", "lad", "R")])
    moved = apply_move(blocks, Move("A", "lad", "L"), INDEX)
    assert _rows(moved) == _rows(blocks)


def test_other_columns_are_kept_and_the_new_row_has_none() -> None:
    blocks = _blocks([("A", "lad", "L")]).assign(line=[2])
    moved = apply_move(blocks, Move(" New  place ", "lsoa", "X2"), INDEX)
    assert _rows(moved) == [("A", "lad", "L"), ("New place", "lsoa", "X2")]
    assert moved["line"].iloc[0] == 2 and pd.isna(moved["line"].iloc[1])


@pytest.mark.parametrize(("move", "message"), [
    (Move("  ", "ward", "W1"), "name the place"),
    (Move("A", "pcn", "P"), "block type 'pcn' is not one of lsoa, ward, lad, hwb"),
    (Move("A", "ward", "W9"), "ward W9 holds no LSOA"),
])
def test_a_move_that_cannot_be_made_says_why(move: Move, message: str) -> None:
    with pytest.raises(MoveError, match=message):
        apply_move(_blocks([("A", "lad", "L")]), move, INDEX)


def test_the_block_under_an_lsoa() -> None:
    assert INDEX.block_of(2, "lad") == "L" and INDEX.block_of(1, "ward") == "W2"


def test_three_clicks_resolve_as_moves_on_the_squares() -> None:
    ws = Workspace(squares_store(PEOPLE))
    blocks = _blocks([("A", "lad", "L"), ("B", "lad", "R")])
    for code in ("W1", "W2", "W4"):
        blocks = apply_move(blocks, Move("New", "ward", code), INDEX)
    places = ws.places(PlaceConfig("test", "hand-made", blocks), "I")
    assert places.areas["population"].to_dict() == {"A": 450, "B": 0, "New": 1450}
    assert places.one_code_per_lsoa


def _step(key: str) -> EditStep:
    return EditStep(key, PlaceConfig(key, "test", _blocks([("A", "lad", "L")])), f"made {key}")


def test_undo_and_redo_walk_the_steps() -> None:
    history = EditHistory.start(_step("s0")).push(_step("s1")).push(_step("s2"))
    assert history.current.places_key == "s2" and history.undo_label == "made s2"
    back = history.undo().undo()
    assert back.current.places_key == "s0" and not back.can_undo and back.redo_label == "made s1"
    assert back.redo().current.places_key == "s1"
    assert history.current.places_key == "s2"  # immutable: the old history is unchanged
    with pytest.raises(MoveError, match="nothing to undo"):
        back.undo()
    with pytest.raises(MoveError, match="nothing to redo"):
        history.redo()


def test_an_edit_after_undo_drops_the_redo_steps() -> None:
    history = EditHistory.start(_step("s0")).push(_step("s1")).undo().push(_step("s2"))
    assert [s.places_key for s in history.steps] == ["s0", "s2"] and not history.can_redo


def test_the_oldest_steps_beyond_the_limit_go() -> None:
    history = EditHistory.start(_step("s0"), limit=3)
    for number in range(1, 5):
        history = history.push(_step(f"s{number}"))
    assert [s.places_key for s in history.steps] == ["s2", "s3", "s4"] and history.at == 2
