"""Edit on the map (issue 11, point 1) as a page AppTest on the mirror store: the map widget is
replaced by a stub that reports one click at a time, at a point inside a chosen LSOA."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from services.io.store import Store
from ui import context, map_widget

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
GM = "E54000057"
CONFIG = "greater_manchester"
NEW = "New place"
#: A layer's pane in a map script (services/map_panes.py).
PANE = r'"pane": "(placemap-\w+)"'


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> list:
    """Points to click, in turn: each is reported by the next map sent, then no click."""
    monkeypatch.setenv("PLACEMAP_STORE", str(store_dir))
    pending: list = []

    def send(rendered, height, **position) -> dict:
        point = pending.pop(0) if pending else None
        return {"center": {"lat": 53.5, "lng": -2.3}, "zoom": 11,
                "last_clicked": {"lat": point[0], "lng": point[1]} if point else None}

    monkeypatch.setattr(map_widget, "send_map", send)
    # AppTest makes a new PagesManager for every run, which sees the pages/ folder again, so
    # the frame's guard (context._inside_the_frame) would rerun every run and drop the
    # button's click: the guard is for a real server's first visitor only.
    monkeypatch.setattr(context, "_inside_the_frame", lambda: None)
    return pending


def _inside(store: Store, codes: list[str]) -> list[tuple[float, float]]:
    """(lat, lon) of a point inside each LSOA."""
    lsoa = store.layer("lsoa").set_index("code").loc[codes]
    points = gpd.GeoSeries(lsoa.geometry.representative_point(), crs=27700).to_crs(4326)
    return [(p.y, p.x) for p in points]


def _bolton_wards(store: Store, count: int) -> list[tuple[str, str]]:
    """(ward code, one of its LSOAs) for ``count`` wards of Bolton (E08000001)."""
    spine = store.spine[store.spine["lad_code"] == "E08000001"]
    firsts = spine.drop_duplicates("ward_code").head(count)
    return list(zip(firsts["ward_code"], firsts["lsoa21_code"], strict=True))


def _places_page() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.query_params.update({"icb": GM, "places": CONFIG})
    app.run()
    app.switch_page("pages/places.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _shown(app: AppTest) -> str:
    """The configuration the view shows (its session key)."""
    return app.session_state["view"].places


def _flag_count(app: AppTest) -> str:
    return next(c.value for c in app.caption if "flags in this ICB" in c.value)


def _place_rows(app: AppTest) -> set[str]:
    """The places of the alignment table (places vs HWB areas)."""
    return set(app.dataframe[1].value["a_name"])


def _button(app: AppTest, label: str):
    return next(button for button in app.button if button.label == label)


def test_three_wards_clicked_into_a_new_place_then_undone(clicks: list, store_2026: Store
                                                          ) -> None:
    app = _places_page()
    flags_before = _flag_count(app)
    app.selectbox(key="edit_target").select("New place…").run()
    wards = _bolton_wards(store_2026, 3)
    for clicked, (_, lsoa) in enumerate(wards, start=1):
        clicks.extend(_inside(store_2026, [lsoa]))
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        config = app.session_state["custom_places"][_shown(app)]
        rows = config.blocks[config.blocks["place"] == NEW]
        assert list(rows["code"]) == [w for w, _ in wards[:clicked]]
    assert _shown(app) == "edit: Greater Manchester (10 localities) (edited)"
    assert NEW in app.text[0].value
    places = app.session_state["custom_places"][_shown(app)]
    editor = app.dataframe[0].value  # the table editor
    assert set(editor.loc[editor["place"] == NEW, "code"]) == {w for w, _ in wards}
    assert editor.loc[editor["code"] == wards[0][0], "name"].iloc[0] != "(unknown code)"
    assert "Undo takes back: " in " ".join(c.value for c in app.caption)
    assert len(places.blocks) == 13
    assert NEW in _place_rows(app) and _flag_count(app) != flags_before  # Bolton now split
    for _ in wards:
        _button(app, "Undo").click().run()
    assert _shown(app) == CONFIG
    assert NEW not in app.text[0].value and NEW not in _place_rows(app)
    assert _flag_count(app) == flags_before
    assert _button(app, "Undo").disabled
    _button(app, "Redo").click().run()
    config = app.session_state["custom_places"][_shown(app)]
    assert list(config.blocks.loc[config.blocks["place"] == NEW, "code"]) == [wards[0][0]]


def test_a_click_outside_the_icb_names_its_icb(clicks: list, store_2026: Store) -> None:
    app = _places_page()
    outside = store_2026.spine[store_2026.spine["icb_code"] != GM]["lsoa21_code"].iloc[0]
    clicks.extend(_inside(store_2026, [outside]))
    app.run()
    assert "choose it in the sidebar to edit its places" in app.warning[0].value
    assert _shown(app) == CONFIG


def test_an_edit_sends_the_same_map_with_a_new_place_layer_only(
        clicks: list, monkeypatch: pytest.MonkeyPatch, store_2026: Store) -> None:
    """The browser keeps the map it has (same widget key and script, same start position) and
    redraws only the feature group: the place layer, now with the new place (ui/edit_redraw)."""
    sent: list = []
    recorded = map_widget.send_map  # the clicks stub
    monkeypatch.setattr(map_widget, "send_map", lambda rendered, height, **position: (
        sent.append((rendered.arguments, position)) or recorded(rendered, height, **position)))
    app = _places_page()
    app.selectbox(key="edit_target").select("New place…").run()
    before, start = sent[-1]
    assert re.findall(PANE, before["script"]) == ["placemap-ward", "placemap-icb"]
    assert re.findall(PANE, before["feature_group"]) == ["placemap-place"]
    (_, lsoa), = _bolton_wards(store_2026, 1)
    clicks.extend(_inside(store_2026, [lsoa]))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    after, position = sent[-1]
    assert after["key"] == before["key"] and after["script"] == before["script"]
    assert position == start
    assert re.findall(PANE, after["feature_group"]) == ["placemap-place"]
    assert f'"{NEW}"' in after["feature_group"] and f'"{NEW}"' not in before["feature_group"]
    assert len(after["feature_group"]) < len(after["script"])
