"""Pair tables as plain columns (services/pair_table.py): the frame made from them is the frame
:func:`services.coterminosity.pair_measures` makes from the overlap frame, and filtering keeps
the columns aligned. Two areas a1, a2 of A against b1 of B, worked by hand: P(a1) = 100,
P(a2) = 50, P(b1) = 120; a1∩b1 = 90 people, a2∩b1 = 30."""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.coterminosity import measure_columns, pair_measures
from services.pair_table import PairTable, frame_of

OVERLAP = {"a_code": np.array(["a1", "a2"], dtype=object),
           "b_code": np.array(["b1", "b1"], dtype=object), "a_pos": np.array([0, 1]),
           "b_pos": np.array([0, 0]), "population": np.array([90, 30]),
           "area_m2": np.array([np.nan, np.nan])}
A_TOTALS = pd.DataFrame({"population": [100, 50], "area_m2": [1.0, 1.0]})
B_TOTALS = pd.DataFrame({"population": [120], "area_m2": [1.0]})
NAMES = (np.array(["Alpha", "Beta"], dtype=object), np.array(["Bravo"], dtype=object))


def _table() -> PairTable:
    return PairTable(measure_columns(OVERLAP, A_TOTALS, B_TOTALS, bases=("population",),
                                     names=NAMES))


def test_the_frame_of_the_columns_is_the_measured_frame() -> None:
    expected = pair_measures(frame_of(OVERLAP), A_TOTALS, B_TOTALS, bases=("population",),
                             names=NAMES)
    frame = _table().frame
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert frame["a_code"].dtype == object and frame["a_name"].dtype == object
    assert frame["population_share_of_a"].tolist() == [0.9, 0.6]
    assert frame["population_share_of_b"].tolist() == [0.75, 0.25]
    assert frame["population_jaccard"].tolist() == [90 / 130, 30 / 140]
    assert frame["population_class"].tolist() == ["straddles", "straddles"]


def test_take_keeps_the_rows_aligned_and_a_full_mask_is_the_table_itself() -> None:
    table = _table()
    assert table.take(np.array([True, True])) is table
    second = table.take(table["population"] < 50)
    assert len(second) == 1 and second["a_code"].tolist() == ["a2"]
    assert second["a_name"].tolist() == ["Beta"] and second["population"].tolist() == [30]
    assert second.frame.index.tolist() == [0]
