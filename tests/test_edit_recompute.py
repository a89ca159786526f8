"""The recompute after a click-edit (issue 11): a workspace warm from earlier configurations
(its overlap joins, pair tables, scopes and flags of the places before the move kept) gives the
same frames as a cold workspace computing the moved configuration from nothing. The four
squares of tests/squares.py, one ICB "I", PCN P1 = X1 + X2 (across the councils), P2 = X3 + X4:

    X3 | X4      LAD L = X1 + X3, LAD R = X2 + X4, HWB HL = L, HR = R;
    X1 | X2      ward W<n> = square X<n>; LSOA X<n>
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from services.flags import misalignment_flags
from services.io.store import Store
from services.place_edits import BlockIndex, EditHistory, EditStep, Move, apply_move
from services.places import PlaceConfig
from services.workspace import Workspace
from tests.squares import squares_store

PEOPLE = {"X1": 450, "X2": 100, "X3": 450, "X4": 900}
PCN_OF = {"X1": "P1", "X2": "P1", "X3": "P2", "X4": "P2"}
ICB = "I"
START = pd.DataFrame([("A", "lad", "L"), ("B", "lad", "R")],
                     columns=["place", "block_type", "code"])
BLOCKS = [("lad", "L"), ("lad", "R"), *(("ward", f"W{n}") for n in range(1, 5)),
          *(("lsoa", f"X{n}") for n in range(1, 5))]


def _store() -> Store:
    return squares_store(PEOPLE, pcn_of=PCN_OF)


def _index(store: Store) -> BlockIndex:
    return BlockIndex.from_spine(store.spine, {"lsoa": "lsoa21_code", "ward": "ward_code",
                                               "lad": "lad_code", "hwb": "hwb_code"})


def _recompute(ws: Workspace, config: PlaceConfig) -> dict[str, pd.DataFrame]:
    """What the Places page and the benchmark recompute after a move, as frames."""
    places = ws.places(config, ICB)
    cover = ws.coverage(ICB, ws.geography("icb"), places)
    flags, slivers = misalignment_flags(ws, places, ICB)
    frames = {"membership": places.membership, "areas": places.areas,
              "coterminosity lad": ws.coterminosity(places, ws.geography("lad")),
              "coterminosity hwb": ws.coterminosity(places, ws.geography("hwb")),
              "coverage": cover.rows.assign(uncovered=cover.uncovered,
                                            double_counted=cover.double_counted),
              "flags": flags, "slivers": slivers,
              "pieces": pd.DataFrame({"code": list(ws.pieces(places))})}
    for layer in ("lad", "hwb", "icb"):
        frames[f"place vs {layer}"] = ws.pairs(places, ws.geography(layer), area=False)
    for layer in ("hwb", "ward", "pcn"):
        frames[f"{layer} vs place"] = ws.pairs(ws.geography(layer), places, area=False)
    return frames


def _assert_same(warm: dict[str, pd.DataFrame], cold: dict[str, pd.DataFrame]) -> None:
    assert warm.keys() == cold.keys()
    for name, frame in warm.items():
        pd.testing.assert_frame_equal(frame, cold[name], obj=name)


def _config(blocks: pd.DataFrame, label: str) -> PlaceConfig:
    return PlaceConfig(f"squares, {label}", "click-edit", blocks)


def test_each_kind_of_move_and_an_undo_recompute_as_from_nothing() -> None:
    store = _store()
    warm, index = Workspace(store), _index(store)
    history = EditHistory.start(EditStep("start", _config(START, "start")))
    _recompute(warm, history.current.config)
    for move in (Move("B", "ward", "W1"), Move("B", "lsoa", "X3"), Move("New", "ward", "W4"),
                 Move("A", "lad", "L")):
        blocks = apply_move(history.current.config.blocks, move, index)
        history = history.push(EditStep(str(move), _config(blocks, str(move))))
        _assert_same(_recompute(warm, history.current.config),
                     _recompute(Workspace(store), history.current.config))
    history = history.undo()  # back to the configuration (and frames) before the council move
    _assert_same(_recompute(warm, history.current.config),
                 _recompute(Workspace(store), history.current.config))


def test_a_border_ward_moved_splits_both_councils_by_hand() -> None:
    store = _store()
    warm = Workspace(store)
    _recompute(warm, _config(START, "start"))
    moved = _recompute(warm, _config(apply_move(START, Move("B", "ward", "W1"), _index(store)),
                                     "W1 to B"))
    # A keeps X3 (450 of L's 900), B takes X1 (the other 450) with all of R (1,000).
    assert moved["areas"]["population"].to_dict() == {"A": 450, "B": 1450}
    splits = moved["flags"][moved["flags"]["rule"] == "place_splits_lad"]
    assert splits["code"].tolist() == ["A", "B"]
    assert [n["share_of_lad"] for n in splits["numbers"]] == [0.5, 0.5]
    assert moved["coverage"][["b_code", "population"]].values.tolist() == [["B", 1450],
                                                                         ["A", 450]]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.none(), st.tuples(st.sampled_from(["A", "B", "New"]),
                                               st.sampled_from(BLOCKS))),
                min_size=1, max_size=5))
def test_random_moves_and_undos_recompute_as_from_nothing(
        steps: list[tuple[str, tuple[str, str]] | None]) -> None:
    store = _store()
    warm, index = Workspace(store), _index(store)
    history = EditHistory.start(EditStep("start", _config(START, "start")))
    _recompute(warm, history.current.config)
    for step in steps:  # None: undo (when there is something to undo)
        if step is None:
            if not history.can_undo:
                continue
            history = history.undo()
        else:
            target, (block_type, code) = step
            move = Move(target, block_type, code)
            blocks = apply_move(history.current.config.blocks, move, index)
            history = history.push(EditStep(str(move), _config(blocks, str(move))))
        _assert_same(_recompute(warm, history.current.config),
                     _recompute(Workspace(store), history.current.config))


def test_a_place_left_with_nobody_is_not_served_the_tables_of_the_same_people_without_it() -> None:
    store = _store()
    warm = Workspace(store)
    without = pd.DataFrame([("B", "lad", "R"), ("B", "ward", "W1"), ("B", "ward", "W3")],
                           columns=START.columns)
    _recompute(warm, _config(without, "B only"))
    with_empty = pd.concat([START.iloc[[0]], without], ignore_index=True)  # A: L, all taken
    moved = _recompute(warm, _config(with_empty, "A with nobody"))
    _assert_same(moved, _recompute(Workspace(store), _config(with_empty, "A with nobody")))
    assert moved["areas"]["population"].to_dict() == {"A": 0, "B": 1900}
