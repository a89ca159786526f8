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
Installed by ui/serve.py (what ``make run`` serves), not by ``streamlit run app.py``.
"""

from __future__ import annotations

import functools

from streamlit import type_util
from streamlit.proto.NewSession_pb2 import CustomThemeConfig
from streamlit.runtime import app_session

SIGNATURES_KEPT = 1024


def install() -> None:
    """Both, once per process (installing twice changes nothing)."""
    if not hasattr(type_util.get_func_parameters, "cache_info"):
        type_util.get_func_parameters = functools.lru_cache(maxsize=SIGNATURES_KEPT)(
            type_util.get_func_parameters)  # callers only read the list it returns
    if not hasattr(app_session._populate_theme_msg, "built"):
        app_session._populate_theme_msg = _theme_built_once(app_session._populate_theme_msg)


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
