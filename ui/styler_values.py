"""A Styler marshalled as Streamlit marshals it (byte for byte the same message), but faster.

Streamlit (1.67) marshals a pandas Styler by running it (``_compute``: every cell's CSS), then
``_translate``, which builds the whole HTML table as nested dicts (every cell's classes, ids,
display value, the headers), of which it reads only the cell styles and display values; then it
casts the data to text and writes each column's formatted cells back with
``new_df.iloc[rows, col] = values`` (pandas' split-path assignment). On a fresh server's first
Coterminosity pages that was the largest first-time cost left (py-spy over 36 ICBs' tables).

:func:`marshall_styler` gives the same message for a plain Styler (no hidden rows or columns, no
table styles, nothing concatenated, cell ids on, not trimmed): the Styler's own ``_compute`` and
display functions, the cell styles grouped as ``_translate`` groups them and written by
Streamlit's own function, and each display column made at once. Any other Styler goes to
Streamlit's own path. :func:`display_values` is that path's display values made column by
column (same text dtype per column, the same Arrow); :func:`install` has Streamlit use it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from enum import Enum
from functools import cache
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler
from streamlit import dataframe_util
from streamlit.elements.lib import pandas_styler_utils
from streamlit.proto.ArrowData_pb2 import ArrowData

_STREAMLITS = pandas_styler_utils._use_display_values
_STREAMLITS_MARSHALL = pandas_styler_utils.marshall_styler
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


def marshall_styler(proto: ArrowData, styler: Styler, default_uuid: str) -> None:
    """Streamlit's ``marshall_styler``, faster for a plain Styler (see the module's doc)."""
    shown = _display_frame(styler) if _plain(styler) else None
    if shown is None:  # not plain, or a column not of text once cast: Streamlit's own way
        _STREAMLITS_MARSHALL(proto, styler, default_uuid)
        return
    if styler.uuid is None:
        styler.set_uuid(default_uuid)
    proto.styler.uuid = str(styler.uuid)
    styler._compute()
    if styler.caption is not None:
        proto.styler.caption = styler.caption
    pandas_styler_utils._marshall_styles(proto, styler, {"cellstyle": _cell_styles(styler)})
    proto.styler.display_values = dataframe_util.convert_pandas_df_to_arrow_bytes(shown)


def _plain(styler: Styler) -> bool:
    """Whether ``_translate`` would show every cell of the data, untrimmed, with its id, and
    add no table styles nor concatenated rows."""
    data, options = styler.data, pd.options.styler.render
    return (not styler.hidden_rows and not styler.hidden_columns and not styler.table_styles
            and not styler.concatenated and styler.cell_ids
            and data.size <= int(options.max_elements)
            and options.max_rows is None and options.max_columns is None)


def _cell_styles(styler: Styler) -> list[dict]:
    """The styled cells grouped by their properties, in the order ``_translate`` meets them
    (row by row)."""
    grouped: defaultdict[tuple, list[str]] = defaultdict(list)
    for row_at, column_at in sorted(key for key, props in styler.ctx.items() if props):
        grouped[tuple(styler.ctx[row_at, column_at])].append(f"row{row_at}_col{column_at}")
    return [{"props": list(props), "selectors": selectors} for props, selectors in grouped.items()]


def _display_frame(styler: Styler) -> pd.DataFrame | None:
    """Every cell's display value as text, each column of the text dtype ``astype(str)`` gives
    its dtype (None if that is not a text dtype). Values are read as ``itertuples`` reads them
    (iterating each column)."""
    data = styler.data
    cast = {dtype: _text_dtype(dtype) for dtype in set(data.dtypes)}
    if not all(isinstance(dtype, pd.StringDtype) for dtype in cast.values()):
        return None
    funcs = styler._display_funcs
    columns = {}
    for column_at, (_, column) in enumerate(data.items()):
        values = [_text(funcs[(row_at, column_at)](value)) for row_at, value in enumerate(column)]
        columns[column_at] = pd.array(values, dtype=cast[column.dtype])
    shown = pd.DataFrame(columns, index=data.index)
    shown.columns = data.columns
    return shown


@cache
def _text_dtype(dtype: Any) -> Any:
    """The dtype ``astype(str)`` gives a column of ``dtype``."""
    return pd.Series([], dtype=dtype).astype(str).dtype


def _text(value: Any) -> str:
    return str(value.value if isinstance(value, Enum) else value)
