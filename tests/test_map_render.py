"""ui/map_widget.py render_map: what st_folium itself would send for the same map (its own
render of the whole figure first skipped), with element ids made deterministic."""

import itertools

import branca.element
import pandas as pd
import pytest
import streamlit_folium

from services.map_view import build_map, map_features
from services.places import PlaceConfig
from tests.test_map_features import _workspace
from ui.map_widget import FILL_FRAME_CSS, RETURNED_OBJECTS, SESSION_ARGUMENTS, render_map


def _features() -> dict:
    ws = _workspace()
    places = ws.places(PlaceConfig("test", "hand-made", pd.DataFrame(
        [("West", "lad", "L"), ("East", "lad", "R")], columns=["place", "block_type", "code"])),
        "I")
    return map_features(ws, "I", places, ("icb", "lad", "place"), frozenset({"East"}),
                        threshold=0.99, sliver=0.005)


def _ids(monkeypatch: pytest.MonkeyPatch) -> None:
    ids = itertools.count()
    monkeypatch.setattr(branca.element.Element, "_generate_id",
                        classmethod(lambda cls: f"{next(ids):032x}"))


def test_rendered_as_st_folium_sends_it(monkeypatch: pytest.MonkeyPatch) -> None:
    features = _features()
    _ids(monkeypatch)
    ours = render_map(features, selected="West", basemap=True, key="k",
                      returned_objects=RETURNED_OBJECTS).arguments
    _ids(monkeypatch)
    fmap = build_map(features, selected="West", basemap=True)
    fmap.get_root().header.add_child(branca.element.Element(FILL_FRAME_CSS))
    sent: dict = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    streamlit_folium.st_folium(fmap, key="k", use_container_width=True,
                               returned_objects=RETURNED_OBJECTS)  # render=True, its default
    theirs = {name: value for name, value in sent.items() if name not in SESSION_ARGUMENTS}
    assert set(ours) == set(theirs)
    assert {name: value for name, value in ours.items() if name != "on_change"} == {
        name: value for name, value in theirs.items() if name != "on_change"}
