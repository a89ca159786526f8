"""Editing a configuration block by block (issue 11, point 1): a move puts one building block
in a target area and takes it, and everything it wholly holds, from every other area; an edit
history of immutable steps gives undo and redo.

Pure functions over a blocks table (columns ``<tier>``, block_type, code; any others are kept):
no Streamlit, no store. Which LSOAs a block holds comes from :class:`BlockIndex`, the spine's
code of every block type per LSOA (as :func:`services.places.resolve` reads them), so a move and
the resolved configuration always agree.

Why a move also takes the blocks the moved block wholly holds: the most specific block wins
(:data:`layers.BLOCK_SPECIFICITY`), so a ward of place A left inside a council just moved to B
would keep its people in A. A reviewer clicking a council wants all of it: the ward rows of
other areas inside it go, as do the target's own rows it makes redundant. A block that holds
the moved one (a council of A around a ward moved to B) stays: the ward, more specific, wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from layers import BLOCK_SPECIFICITY
from services.limits import EDIT_HISTORY_MAX
from services.places import PlaceConfig


@dataclass(frozen=True)
class Move:
    """Block ``block_type`` ``code`` goes to area ``target`` (an existing or a new area)."""

    target: str
    block_type: str
    code: str


@dataclass(frozen=True)
class BlockIndex:
    """Per LSOA (rows), its code in each block type (columns: block type ids)."""

    codes: pd.DataFrame

    @classmethod
    def from_spine(cls, spine: pd.DataFrame, columns: Mapping[str, str]) -> BlockIndex:
        """``columns``: block type → the spine column holding its code for each LSOA."""
        return cls(pd.DataFrame({block_type: spine[column].to_numpy()
                                 for block_type, column in columns.items()}))

    def block_of(self, lsoa: int, block_type: str) -> str:
        """The code of the ``block_type`` block that holds the LSOA at spine position ``lsoa``."""
        return str(self.codes[block_type].iat[lsoa])

    def held_by(self, block_type: str, code: str) -> np.ndarray:
        """Which LSOAs the block holds (a boolean mask over the spine)."""
        return (self.codes[block_type] == code).to_numpy()

    def wholly_within(self, mask: np.ndarray, block_type: str) -> set[str]:
        """Codes of ``block_type`` whose every LSOA is in ``mask`` (and that hold one)."""
        column = self.codes[block_type].to_numpy()
        return set(column[mask]) - set(column[~mask])


class MoveError(ValueError):
    """A move that cannot be made; the message says what to do."""


def apply_move(blocks: pd.DataFrame, move: Move, index: BlockIndex,
               tier: str = "place") -> pd.DataFrame:
    """``blocks`` after ``move``: the moved block's row in ``move.target`` (appended, or left
    where it is when the target already lists it) and no other row of a block at least as
    specific lying wholly within it, whatever area listed it. Row order is otherwise kept."""
    target = " ".join(move.target.split())
    if not target:
        raise MoveError(f"name the {tier} to move {move.block_type} {move.code} to")
    if move.block_type not in index.codes:
        raise MoveError(f"block type {move.block_type!r} is not one of "
                        f"{', '.join(index.codes.columns)}")
    held = index.held_by(move.block_type, move.code)
    if not held.any():
        raise MoveError(f"{move.block_type} {move.code} holds no LSOA: nothing to move")
    rank = BLOCK_SPECIFICITY[move.block_type]
    absorbed = np.zeros(len(blocks), dtype=bool)
    for block_type in blocks["block_type"].unique():
        if BLOCK_SPECIFICITY.get(block_type, -1) < rank or block_type not in index.codes:
            continue
        inside = index.wholly_within(held, block_type)
        absorbed |= ((blocks["block_type"] == block_type) & blocks["code"].isin(inside)).to_numpy()
    same = ((blocks[tier] == target) & (blocks["block_type"] == move.block_type)
            & (blocks["code"] == move.code)).to_numpy()
    if same.any():  # already the target's: only what it makes redundant goes
        return blocks[~absorbed | same].reset_index(drop=True)
    row = pd.DataFrame([{tier: target, "block_type": move.block_type, "code": move.code}])
    kept = blocks[~absorbed]
    return pd.concat([kept, row.reindex(columns=blocks.columns)], ignore_index=True)


@dataclass(frozen=True)
class EditStep:
    """One state of an edit: the configuration, the view key it is shown under and what made
    it (the label undo and redo name)."""

    places_key: str
    config: PlaceConfig = field(compare=False)
    label: str = ""


@dataclass(frozen=True)
class EditHistory:
    """Immutable states, oldest first; ``at`` is the one shown. Pushing after undoing drops the
    steps that could have been redone (as every editor does); the oldest steps beyond
    ``limit`` go, but never the one shown."""

    steps: tuple[EditStep, ...]
    at: int = 0
    limit: int = EDIT_HISTORY_MAX

    @classmethod
    def start(cls, step: EditStep, limit: int = EDIT_HISTORY_MAX) -> EditHistory:
        return cls((step,), 0, limit)

    @property
    def current(self) -> EditStep:
        return self.steps[self.at]

    @property
    def can_undo(self) -> bool:
        return self.at > 0

    @property
    def can_redo(self) -> bool:
        return self.at < len(self.steps) - 1

    def push(self, step: EditStep) -> EditHistory:
        steps = (*self.steps[:self.at + 1], step)[-self.limit:]
        return replace(self, steps=steps, at=len(steps) - 1)

    def undo(self) -> EditHistory:
        if not self.can_undo:
            raise MoveError("nothing to undo")
        return replace(self, at=self.at - 1)

    def redo(self) -> EditHistory:
        if not self.can_redo:
            raise MoveError("nothing to redo")
        return replace(self, at=self.at + 1)

    @property
    def undo_label(self) -> str:
        """What undo takes back (the shown step's label)."""
        return self.current.label if self.can_undo else ""

    @property
    def redo_label(self) -> str:
        return self.steps[self.at + 1].label if self.can_redo else ""
