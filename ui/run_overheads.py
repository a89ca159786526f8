"""Streamlit's per-run work whose answer never changes in a served process, done once.

Each of a live room's structural moves reruns every follower's session at once, and one
Python process runs them in turn (benchmarks/bench_rooms.py); py-spy on the server showed two
pieces of Streamlit's own work, the same on every run, at ~13% of its time together:

- every call of an ``st.cache_*`` function reads the function's signature again
  (``inspect.signature``, for each positional argument's name): ~9%;
- every script run rebuilds the theme part of its ``new_session`` message, reading six theme
  sections through the whole config registry: ~4%.

A function's signature does not change, and the config is read once at start-up and never
reloaded here (ui/serve.py turns the file watcher off), so both are computed once and reused.
And a custom component's arguments are turned into JSON on every call: the map's are ~1 MB of
Leaflet script and GeoJSON, the same for every session (ui/map_widget.py), ~4.5% of the time;
a long string argument's JSON is kept (by the string's identity) and the arguments' JSON put
together around it, the very text ``json.dumps`` writes. Installed by ui/serve.py (what
``make run`` serves), not by ``streamlit run app.py``.
"""

from __future__ import annotations

import functools
import json
import threading
import types
from collections import OrderedDict

from streamlit import type_util
from streamlit.components.v1 import custom_component
from streamlit.proto.NewSession_pb2 import CustomThemeConfig
from streamlit.runtime import app_session

SIGNATURES_KEPT = 1024
#: A string argument at least this long has its JSON kept (the map's script and HTML) …
LONG_CHARS = 10_000
#: … for this many strings at most (a map's arguments hold two or three).
LONG_KEPT = 64


def install() -> None:
    """All three, once per process (installing twice changes nothing)."""
    if not hasattr(type_util.get_func_parameters, "cache_info"):
        type_util.get_func_parameters = functools.lru_cache(maxsize=SIGNATURES_KEPT)(
            type_util.get_func_parameters)  # callers only read the list it returns
    if not hasattr(app_session._populate_theme_msg, "built"):
        app_session._populate_theme_msg = _theme_built_once(app_session._populate_theme_msg)
    if not isinstance(custom_component.json, _KeptJson):
        custom_component.json = _KeptJson()


class _KeptJson(types.SimpleNamespace):
    """``json`` as custom components use it (``dumps`` of their arguments' dict), with long
    strings' JSON kept: ``json.dumps`` writes a dict as ``{key: value, …}`` with these very
    separators, so joining each item's JSON gives the same text."""

    def __init__(self) -> None:
        super().__init__()
        self._kept: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()  # the sessions' script threads share it

    def dumps(self, args: object) -> str:
        if not isinstance(args, dict) or not all(isinstance(k, str) for k in args):
            return json.dumps(args)
        return "{" + ", ".join(f"{json.dumps(k)}: {self._value(v)}" for k, v in args.items()) \
            + "}"

    def _value(self, value: object) -> str:
        if not isinstance(value, str) or len(value) < LONG_CHARS:
            return json.dumps(value)
        with self._lock:
            kept = self._kept.get(id(value))
        if kept is None or kept[0] is not value:  # the id of a string since freed: write anew
            kept = (value, json.dumps(value))
        with self._lock:
            self._kept[id(value)] = kept
            self._kept.move_to_end(id(value))
            while len(self._kept) > LONG_KEPT:
                self._kept.popitem(last=False)
        return kept[1]


def _theme_built_once(build):
    """``build(msg, section)`` run once per section, on a message of its own, then copied."""
    built: dict[str, bytes] = {}

    def theme(msg: CustomThemeConfig, section: str = "theme") -> None:
        if section not in built:
            fresh = type(msg)()
            build(fresh, section)
            built[section] = fresh.SerializeToString()
        if built[section]:  # an empty section stays unset, as ``build`` leaves it
            msg.MergeFromString(built[section])

    theme.built = built
    return theme
