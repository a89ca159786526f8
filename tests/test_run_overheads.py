"""Streamlit's per-run work done once (ui/run_overheads.py) gives what Streamlit's own gives:
the same JSON text for a component's arguments, the same theme message, the same signature."""

from __future__ import annotations

import inspect
import json

from streamlit import type_util
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import app_session

from ui import run_overheads

SECTIONS = ("theme", "theme.light", "theme.dark", "theme.sidebar")


def test_long_arguments_keep_their_json_and_the_text_is_json_dumps_own() -> None:
    kept = run_overheads._KeptJson()
    script = 'L.geoJson({"type": "Feature", "name": "Bury \\u00e9"});\n' * 400  # > LONG_CHARS
    args = {"script": script, "height": 640, "center": None, "zoom": 11,
            "returned_objects": ["center", "zoom"], "default": {"zoom": None}, "html": script}
    assert kept.dumps(args) == json.dumps(args)
    assert list(kept._kept) == [id(script)]  # one string, kept once for both arguments
    moved = {**args, "center": [53.5, -2.3], "zoom": 12}
    assert kept.dumps(moved) == json.dumps(moved)
    for other in ([1, "x"], {1: "a"}, "plain", {"a": "b" * run_overheads.LONG_CHARS}):
        assert kept.dumps(other) == json.dumps(other)
    for k in range(run_overheads.LONG_KEPT + 5):
        kept.dumps({"script": f"{k}" * run_overheads.LONG_CHARS})
    assert len(kept._kept) == run_overheads.LONG_KEPT  # bounded: the oldest let go


def _themes() -> bytes:
    msg = ForwardMsg()
    themes = msg.new_session.custom_theme
    for section, part in zip(SECTIONS, (themes, themes.light, themes.dark, themes.sidebar),
                             strict=True):
        app_session._populate_theme_msg(part, section)
    return msg.SerializeToString()


def test_the_theme_message_and_signatures_are_streamlits_own(monkeypatch) -> None:
    monkeypatch.setattr(app_session, "_populate_theme_msg", app_session._populate_theme_msg)
    monkeypatch.setattr(type_util, "get_func_parameters", type_util.get_func_parameters)
    monkeypatch.setattr(run_overheads.custom_component, "json",
                        run_overheads.custom_component.json)
    streamlits = _themes()
    run_overheads.install()
    run_overheads.install()  # twice: still one layer
    assert _themes() == streamlits == _themes()
    assert not hasattr(type_util.get_func_parameters.__wrapped__, "cache_info")

    def cached(places: str, icb: str, *, zoom: int = 10) -> None: ...

    assert type_util.get_func_parameters(cached) == list(
        inspect.signature(cached).parameters.values())
    assert type_util.get_func_parameters(cached) is type_util.get_func_parameters(cached)
