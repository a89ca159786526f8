"""A Styler's display values made column by column, as Streamlit makes them but faster.

Streamlit (1.67) marshals a pandas Styler's display values by casting the data to text, then
writing each column's formatted cells back with ``new_df.iloc[rows, col] = values``: pandas'
split-path assignment, a third of a Coterminosity table's first marshalling (py-spy over a cold
server, 36 tables). :func:`display_values` gives the same frame (same text dtype per column,
byte for byte the same Arrow) by building each updated column once and setting it whole.
:func:`install` has Streamlit use it (idempotent); Streamlit's own function is kept and used
for anything this one does not expect (a column not of text after the cast).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from enum import Enum
from typing import Any

import pandas as pd
from streamlit.elements.lib import pandas_styler_utils

_STREAMLITS = pandas_styler_utils._use_display_values
_CELL = re.compile(r"row(\d+)_col(\d+)")


def display_values(df: pd.DataFrame, styles: Mapping[str, Any]) -> pd.DataFrame:
    """The data as text with each styled cell's display value (as Streamlit's
    ``_use_display_values``)."""
    new_df = df.astype(str)
    updates: defaultdict[int, dict[int, str]] = defaultdict(dict)
    for row in styles.get("body", []):
        for cell in row:
            match = _CELL.match(cell.get("id") or "")
            if not match:
                continue
            row_at, column_at = map(int, match.groups())
            value = cell.get("display_value")
            updates[column_at][row_at] = str(value.value if isinstance(value, Enum) else value)
    dtypes = new_df.dtypes
    if any(not isinstance(dtypes.iloc[at], pd.StringDtype) for at in updates):
        return _STREAMLITS(df, styles)
    for column_at, by_row in updates.items():
        values = new_df.iloc[:, column_at].tolist()
        for row_at, value in by_row.items():
            values[row_at] = value
        new_df.isetitem(column_at, pd.array(values, dtype=dtypes.iloc[column_at]))
    return new_df


def install() -> None:
    pandas_styler_utils._use_display_values = display_values
