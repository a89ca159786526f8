"""Tables shared by every session, marshalled once per server for each table.

``st.dataframe`` of a pandas Styler runs the Styler (every cell's format and CSS) and converts
its display values on every call: ~75 ms of CPU per table under load, ~0.3 s of each
Coterminosity page's ~0.4 s (yappi under 20 sessions). For a Styler made once per view and
shared (:func:`shared`), what Streamlit marshals from it depends only on the Styler and the
element's position (its default UUID), so the first result is kept and copied into later
messages. Stylers not passed through :func:`shared` are marshalled as Streamlit does.

Likewise a DataFrame made once per view and shared (:func:`shared_frame`: a chart's rows, a
table beside the map; a shared Styler's data too) is converted to Arrow once, not by every
``st.dataframe``, ``st.table`` or chart that shows it (~10% of a page's CPU under 50 sessions,
yappi). Kept by the frame's identity while it lives, so a shared frame must never change."""

from __future__ import annotations

import threading
import weakref

import pandas as pd
from pandas.io.formats.style import Styler
from streamlit import dataframe_util
from streamlit.elements import arrow

from ui import styler_values
from ui.derived import derived, made

_marshall_styler = styler_values.marshall_styler
_to_arrow = dataframe_util.convert_pandas_df_to_arrow_bytes
_SHARED: weakref.WeakKeyDictionary[Styler, dict[str, object]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()  # a shared Styler is run by one session at a time


def shared(styler: Styler) -> Styler:
    """Mark a Styler as made once and never changed: its marshalled form is kept."""
    shared_frame(styler.data)
    with _LOCK:
        _SHARED.setdefault(styler, {})
    return styler


def shared_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark a DataFrame as made once and never changed: its Arrow bytes are kept while it
    lives (ui/derived.py)."""
    derived(frame, _shared_mark)
    return frame


def _shared_mark(_frame: pd.DataFrame) -> bool:
    return True


def _to_arrow_once(df: pd.DataFrame, *, downcast_large_types: bool = False) -> bytes:
    if downcast_large_types or not made(df, _shared_mark):
        return _to_arrow(df, downcast_large_types=downcast_large_types)
    return derived(df, _to_arrow)


def _marshall_once(proto, styler: Styler, default_uuid: str) -> None:
    with _LOCK:
        kept = _SHARED.get(styler)
        if kept is not None:
            if default_uuid in kept:
                proto.CopyFrom(kept[default_uuid])
            else:
                _marshall_styler(proto, styler, default_uuid)
                kept[default_uuid] = type(proto)()
                kept[default_uuid].CopyFrom(proto)
            return
    _marshall_styler(proto, styler, default_uuid)


arrow.marshall_styler = _marshall_once
styler_values.install()  # a Styler's display values made column by column
dataframe_util.convert_pandas_df_to_arrow_bytes = _to_arrow_once
