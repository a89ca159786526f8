"""The Map page's "What is here?" panel: a click (the map widget's returned state, recorded)
lists every layer's area at that point, in both generations, and Select opens one on the map."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import map_widget
from ui.keys import Key

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
GM = "E54000057"
BOLTON = {"lat": 53.578, "lng": -2.429}  # Bolton town centre: LSOA E01004817, Bolton 022E


@pytest.fixture
def clicked(monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> dict:
    """The map widget answers as the browser would after a click at ``clicked["at"]``."""
    monkeypatch.setenv("PLACEMAP_STORE", str(store_dir))
    answer: dict = {"at": None}
    monkeypatch.setattr(map_widget, "send_map", lambda rendered, height, **position: {
        "center": {"lat": 53.5, "lng": -2.3}, "zoom": 10, "last_clicked": answer["at"]})
    return answer


def _map_page(**query: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in {"icb": GM, **query}.items():
        app.query_params[key] = value
    app.run()
    app.switch_page("pages/map.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_before_a_click_the_panel_says_to_click(clicked: dict) -> None:
    app = _map_page()
    assert any("Click anywhere on the map" in c.value for c in app.caption)


def test_a_click_lists_every_layer_and_generation(clicked: dict) -> None:
    clicked["at"] = BOLTON
    app = _map_page()
    shown = " ".join(e.proto.body for e in app.get("html"))
    for expected in ("NHS Greater Manchester Integrated Care Board", "E54000057",
                     "NHS Greater Manchester ICB - 00T", "North West", "Bolton", "E08000001",
                     "BOLTON CENTRAL PCN", "U65316", "Queens Park &amp; Central", "E05014832",
                     "Great Lever", "E05000656", "Bolton 022E", "E01004817", "April 2024",
                     "approximate (modelled footprint)", "best fit (whole LSOAs, by centroid)",
                     "exact (sum of whole LSOAs)", "2,867,871"):
        assert expected in shown, expected
    assert app.session_state[Key.HERE_POINT] == (53.578, -2.429)


def test_select_opens_the_area_on_the_map(clicked: dict) -> None:
    clicked["at"] = BOLTON
    app = _map_page(layers="icb")
    select = next(b for b in app.button if b.key == f"{Key.HERE_SELECT}-ward-2025-E05014832")
    select.click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.query_params["area"] == "E05014832"
    assert "ward" in app.query_params["layers"]


def test_select_of_the_other_generation_switches_generation(clicked: dict) -> None:
    clicked["at"] = BOLTON
    app = _map_page()
    key = f"{Key.HERE_SELECT}-ward-December 2022-E05000656"
    next(b for b in app.button if b.key == key).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert (app.query_params["vintage"], app.query_params["area"]) == ("2024", "E05000656")


def test_a_click_outside_england_says_so(clicked: dict) -> None:
    clicked["at"] = {"lat": 55.95, "lng": -3.19}  # Edinburgh
    app = _map_page()
    assert any("England only" in i.value for i in app.info)
