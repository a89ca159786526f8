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

_marshall_styler = arrow.marshall_styler
_to_arrow = dataframe_util.convert_pandas_df_to_arrow_bytes
_SHARED: weakref.WeakKeyDictionary[Styler, dict[str, object]] = weakref.WeakKeyDictionary()
_FRAMES: dict[int, bytes | None] = {}  # id of a live shared frame: its Arrow bytes, once made
_LOCK = threading.Lock()  # a shared Styler is run by one session at a time


def shared(styler: Styler) -> Styler:
    """Mark a Styler as made once and never changed: its marshalled form is kept."""
    shared_frame(styler.data)
    with _LOCK:
        _SHARED.setdefault(styler, {})
    return styler


def shared_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark a DataFrame as made once and never changed: its Arrow bytes are kept while it
    lives."""
    with _LOCK:
        if id(frame) not in _FRAMES:
            _FRAMES[id(frame)] = None
            weakref.finalize(frame, _FRAMES.pop, id(frame), None)
    return frame


def _to_arrow_once(df: pd.DataFrame, *, downcast_large_types: bool = False) -> bytes:
    if downcast_large_types or id(df) not in _FRAMES:
        return _to_arrow(df, downcast_large_types=downcast_large_types)
    kept = _FRAMES.get(id(df))
    if kept is None:  # two sessions may both convert it once: the same bytes
        kept = _to_arrow(df)
        with _LOCK:
            if id(df) in _FRAMES:
                _FRAMES[id(df)] = kept
    return kept


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
dataframe_util.convert_pandas_df_to_arrow_bytes = _to_arrow_once
