"""The legible map in AppTests: without reachable tiles the maps draw the store's backdrop, no
tile layer, and the page says why; with tiles reachable the basemap is drawn as asked."""

from __future__ import annotations

import re

import pytest

from services.backdrop import SEA_FILL
from tests.pages.test_pages import _app
from ui import basemap
from ui.keys import Key

pytestmark = pytest.mark.mirror
GM_PLACES = {"places": "greater_manchester", "layers": "icb,lad,place"}


def _reachable(monkeypatch: pytest.MonkeyPatch, reachable: bool) -> None:
    monkeypatch.setattr(basemap, "tiles_reachable", lambda: reachable)


def test_unreachable_tiles_give_the_backdrop_and_say_why(maps, monkeypatch) -> None:
    _reachable(monkeypatch, False)
    app = _app(**GM_PLACES)
    sent = maps[-1][0].arguments
    assert "openstreetmap" not in sent["script"].lower()
    assert SEA_FILL in sent["header"] and "E92000001" in sent["script"]  # England's outline
    assert basemap.UNREACHABLE in [caption.value for caption in app.main.caption]
    switch = next(t for t in app.sidebar.toggle if t.label == "Basemap")
    assert switch.disabled and switch.value  # the view still asks; the link keeps asking
    assert "basemap" not in app.query_params


def test_reachable_tiles_draw_the_basemap(maps, monkeypatch) -> None:
    _reachable(monkeypatch, True)
    app = _app(**GM_PLACES)
    sent = maps[-1][0].arguments
    assert "tile.openstreetmap.org" in sent["script"] and SEA_FILL not in sent["header"]
    assert basemap.UNREACHABLE not in [caption.value for caption in app.caption]


def test_overview_and_changes_draw_the_backdrop_offline(maps, monkeypatch) -> None:
    _reachable(monkeypatch, False)
    for page in ("overview", "changes"):
        maps.clear()
        app = _app(page)
        fmap, _ = maps[-1]
        html = fmap.get_root().render()
        assert "tile.openstreetmap.org" not in html and "E92000001" in html, page
        assert basemap.UNREACHABLE in [caption.value for caption in app.main.caption], page


def test_map_page_lists_its_areas_and_labels_on_demand(maps) -> None:
    app = _app(**GM_PLACES)
    assert "[Skip the map](#areas-on-the-map)" in [m.value for m in app.main.markdown]
    assert "Areas on the map" in [s.value for s in app.subheader]
    assert not [e for e in app.get("html") if "<table>" in e.proto.body]  # drawn once opened
    app.session_state[Key.MAP_AREAS_OPEN] = True
    app.run()
    table = next(e.proto.body for e in app.get("html") if "<table>" in e.proto.body)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>", table)
    assert len(rows) == 21  # 1 ICB, 10 councils, 10 places
    assert {layer for *_, layer in rows} == {"Integrated care board (ICB)",
                                             "Lower-tier council (LAD)", "Place"}
    assert "pm-label" not in maps[-1][0].arguments["script"]
    app.toggle(key=Key.MAP_LABELS).set_value(True).run()
    script = maps[-1][0].arguments["script"]
    assert script.count('class=\\"pm-label\\"') == 10  # places; same-named councils once
