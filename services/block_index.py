"""Which spine LSOAs each building block holds, indexed once per generation of the store.

Resolving a configuration looks up every block's LSOAs; building those lookups (a hash of a
layer's codes, the spine sorted by code) is most of the cost of a small configuration, and the
dashboard resolves one on every click-edit. :class:`BlockIndex` builds each block type's lookup
on first use and keeps it (the Workspace holds one), so a resolve is array indexing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from layers import get_generation
from services.io.store import Store


@dataclass(frozen=True)
class BlockLookup:
    """One block type: ``known`` codes of the layer; ``held`` the codes some LSOA has, with
    their LSOAs ``lsoas[starts[i]:starts[i + 1]]`` (spine positions, ascending)."""

    known: pd.Index
    held: pd.Index
    starts: np.ndarray
    lsoas: np.ndarray

    @cached_property
    def _known(self) -> frozenset:
        """The known codes as a set: a lookup per code beats an index's ``get_indexer`` on the
        few codes of an edited configuration (and stays linear for 100,000)."""
        return frozenset(self.known.tolist())

    @cached_property
    def _held_at(self) -> dict[str, int]:
        """Each held code's position in ``held``."""
        return {code: position for position, code in enumerate(self.held.tolist())}

    def members(self, codes: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                               np.ndarray]:
        """(whether each code is known, whether it holds any LSOA, and for the holding codes
        the (code position in ``codes``, LSOA) pairs), by array indexing."""
        known = np.array([code in self._known for code in codes], dtype=bool)
        held_at = self._held_at
        at = np.array([held_at.get(code, -1) for code in codes], dtype=np.int64)
        holding = np.flatnonzero(at >= 0)
        begin, count = self.starts[at[holding]], np.diff(self.starts)[at[holding]]
        which = np.repeat(holding, count)
        offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        return known, at >= 0, np.stack([which, self.lsoas[np.repeat(begin, count) + offsets]])


class BlockIndex:
    """Per block type of one generation's view of the store, its :class:`BlockLookup`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.generation = get_generation(store.generation_id)
        self.population = store.spine["population"].to_numpy(np.float64)
        self._lookups: dict[str, BlockLookup] = {}
        self._icbs: tuple[pd.Index, np.ndarray] | None = None

    def icbs(self) -> tuple[pd.Index, np.ndarray]:
        """(ICB codes sorted, each spine LSOA's position among them)."""
        if self._icbs is None:
            at, codes = pd.factorize(self.store.spine["icb_code"], sort=True)
            self._icbs = pd.Index(codes), at.astype(np.int64)
        return self._icbs

    def lookup(self, block_type: str) -> BlockLookup:
        if block_type not in self._lookups:
            self._lookups[block_type] = self._make(block_type)
        return self._lookups[block_type]

    def _make(self, block_type: str) -> BlockLookup:
        column = self.generation.layer(block_type).spine_column
        codes = self.store.spine[column]
        present = np.flatnonzero(codes.notna().to_numpy())
        held, position = np.unique(codes.to_numpy(dtype=object)[present].astype(str),
                                   return_inverse=True)
        order = np.argsort(position, kind="stable")
        starts = np.concatenate([[0], np.cumsum(np.bincount(position, minlength=len(held)))])
        known = (self.store.spine[column] if block_type == "lsoa"
                 else self.store.layer(block_type)["code"])
        return BlockLookup(pd.Index(known.unique()), pd.Index(held), starts,
                           present[order].astype(np.int64))
