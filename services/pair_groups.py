"""A pair table's rows grouped by area of A as plain lists, for the flag rules that write one
flag per area split across others: a frame per group (``groupby`` then ``itertuples``) costs
more than the rule's own work on an ICB's few dozen pairs, and the dashboard reruns the rules
after every click-edit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.pair_table import PairTable


def split_sentence(rows: dict[str, list]) -> str:
    """"60.0% in X, 40.0% in Y": the areas an area is split across, most people first (ties in
    the order ``pandas.Series.sort_values(ascending=False)`` gives them)."""
    people = np.array(rows["population"])
    descending = np.arange(len(people))[::-1][people[::-1].argsort(kind="quicksort")][::-1]
    return ", ".join(f"{rows['population_share_of_a'][i]:.1%} in {rows['b_name'][i]}"
                     for i in descending)


def groups(pairs: pd.DataFrame | PairTable,
           columns: tuple[str, ...]) -> dict[str, dict[str, list]]:
    """Pairs (a frame or its plain columns) by ``a_code`` (sorted), each group's ``columns`` as
    lists of Python values in row order (as ``groupby`` then ``itertuples`` give them, without a
    frame per group)."""
    values = {column: pairs[column].tolist() for column in ("a_code", *columns)}
    by_code: dict[str, dict[str, list]] = {}
    for row, code in enumerate(values["a_code"]):
        group = by_code.setdefault(code, {column: [] for column in columns})
        for column in columns:
            group[column].append(values[column][row])
    return dict(sorted(by_code.items()))
