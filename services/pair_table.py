"""A pair table as plain columns: the overlap table and its measures as NumPy arrays, the frame
made only when someone asks for one.

The engine's own readers (coterminosity, the ICB scopes, the flag rules) read a few columns of
each pair table, while a pandas frame of a dozen columns costs more to build, filter and read
than the sums behind it (a few hundred pairs for an ICB's places): the dashboard recomputes six
such tables after every click-edit. Codes and names are object arrays, classes NumPy strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd


def frame_of(columns: dict[str, np.ndarray], index: pd.Index | None = None) -> pd.DataFrame:
    """The frame of ``columns``, built once; object columns stay objects (a plain array of
    strings would become a string column), the others keep their dtype."""
    return pd.DataFrame({name: pd.Series(values, index=index, dtype=object, copy=False)
                         if values.dtype == object else values
                         for name, values in columns.items()}, index=index)


@dataclass(frozen=True, eq=False)
class PairTable:
    """One pair table: ``columns`` in frame order, all of one length (treat as read-only)."""

    columns: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __len__(self) -> int:
        return len(self.columns["a_pos"])

    def take(self, rows: np.ndarray) -> PairTable:
        """The rows of a mask or of positions (the table itself when a mask keeps them all)."""
        if rows.dtype == bool and rows.all():
            return self
        return PairTable({name: values[rows] for name, values in self.columns.items()})

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The table as a frame (made once, then kept: read-only)."""
        return frame_of(self.columns)
