"""The address bar ends on the view on screen even when the browser asks with an old address.

A map opened from a link with a position first reports its fitted view (streamlit-folium's first
report), then, 250 ms later, the linked position Leaflet moved to. Under load the second report
is sent before the first run's new address reaches the browser, so its run sees the link's own
address in ``st.query_params``: comparing with that alone wrote nothing, and the browser kept the
fitted view (tests/browser/test_exact_links.py, map-7, failed so under the suite's load)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.state.query_params import QueryParams
from streamlit.testing.v1 import AppTest

from ui import map_widget

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
LINK = {"icb": "E54000054", "layers": "icb,hwb", "basemap": "0", "lat": "53.8", "lon": "-1.7",
        "zoom": "11"}
FITTED = {"center": {"lat": 53.88712, "lng": -1.83417}, "zoom": 9}
LINKED = {"center": {"lat": 53.8, "lng": -1.7}, "zoom": 11}


def test_the_linked_position_is_written_over_an_address_the_browser_has_not_yet_shown(
        monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> None:
    monkeypatch.setenv("PLACEMAP_STORE", str(store_dir))
    report: dict = {"state": None}
    monkeypatch.setattr(map_widget, "send_map", lambda rendered, height, **position:
                        report["state"])
    written: list[dict] = []
    send = QueryParams._send_query_param_msg
    monkeypatch.setattr(QueryParams, "_send_query_param_msg", lambda self: (
        written.append(dict(self._query_params)), send(self))[1])
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params.update(LINK)
    app.run()
    app.switch_page("pages/map.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    report["state"] = FITTED  # the first report: the run writes the fitted view
    app.run()
    assert written[-1]["zoom"] == "9"
    written.clear()
    report["state"] = LINKED  # the second, sent while the browser still showed the link
    app.query_params.clear()
    app.query_params.update(LINK)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert written, "the run wrote no address, so the browser keeps the fitted view"
    assert {k: written[-1][k] for k in ("lat", "lon", "zoom")} == {
        "lat": "53.8", "lon": "-1.7", "zoom": "11"}
