"""Styled tables shared by every session, marshalled once per server for each table.

``st.dataframe`` of a pandas Styler runs the Styler (every cell's format and CSS) and converts
its display values on every call: ~75 ms of CPU per table under load, ~0.3 s of each
Coterminosity page's ~0.4 s (yappi under 20 sessions). For a Styler made once per view and
shared (:func:`shared`), what Streamlit marshals from it depends only on the Styler and the
element's position (its default UUID), so the first result is kept and copied into later
messages. Stylers not passed through :func:`shared` are marshalled as Streamlit does."""

from __future__ import annotations

import threading
import weakref

from pandas.io.formats.style import Styler
from streamlit.elements import arrow

_marshall_styler = arrow.marshall_styler
_SHARED: weakref.WeakKeyDictionary[Styler, dict[str, object]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()  # a shared Styler is run by one session at a time


def shared(styler: Styler) -> Styler:
    """Mark a Styler as made once and never changed: its marshalled form is kept."""
    with _LOCK:
        _SHARED.setdefault(styler, {})
    return styler


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
