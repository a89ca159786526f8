"""Walk-through fixes (issue 11, point 5) as page AppTests on the mirror store: an upload for
another ICB shows that ICB, changing the configuration keeps the selected area, exports are
named after ICB, configuration and vintage, carry them, and are at full resolution unless the
simplified map copy is asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
import streamlit as st
from shapely.geometry import shape
from streamlit.testing.v1 import AppTest

from ui import map_widget

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
GM, DORSET = "E54000057", "E54000041"
DORSET_ROWS = b"place,block_type,code\nDorset,hwb,E06000059\nBCP,hwb,E06000058\n"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> dict:
    """Each download button's (file name, data) by label, as the page last made them."""
    monkeypatch.setenv("PLACEMAP_STORE", str(store_dir))
    monkeypatch.setattr(map_widget, "send_map", lambda rendered, height, **position: None)
    made: dict = {}
    original = st.download_button

    def record(label, data, file_name=None, **kwargs):
        made[label] = (file_name, data)
        return original(label, data, file_name=file_name, **kwargs)

    monkeypatch.setattr(st, "download_button", record)
    return made


def _app(page: str, **query: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.query_params.update(query)
    app.run()
    app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_an_upload_for_another_icb_shows_that_icb(downloads: dict) -> None:
    app = _app("places", icb=GM)
    app.file_uploader[0].set_value(("dorset_places.csv", DORSET_ROWS, "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["view"].icb == DORSET
    assert "has no place in the ICB that was shown: showing" in app.info[0].value
    assert "Dorset" in app.info[0].value
    assert app.text[0].value == "Places here: BCP, Dorset"  # not an empty table


def test_changing_the_configuration_keeps_the_selected_area(downloads: dict) -> None:
    app = _app("coverage", icb=GM, places="greater_manchester", area="E08000001")
    box = next(b for b in app.sidebar.selectbox if b.label == "Places")
    box.select("hwb_within_icb").run()
    assert app.session_state["view"].area == "E08000001"  # Bolton council: in every one
    app = _app("coverage", icb=GM, places="greater_manchester", area="Bolton")
    next(b for b in app.sidebar.selectbox if b.label == "Places").select("sub_icb").run()
    assert app.session_state["view"].area == ""  # no place named Bolton among sub-ICBs


def _vertices(collection: dict) -> int:
    return sum(shapely.get_num_coordinates(shape(f["geometry"])) for f in
               collection["features"])


def test_exports_say_icb_configuration_vintage_and_resolution(downloads: dict) -> None:
    app = _app("export", icb=GM, places="greater_manchester", layers="icb,place")
    name, data = downloads["Download GeoJSON"]
    assert name == ("place-full_nhs-greater-manchester-integrated-care-board_greater-manchester-"
                    "10-localities_2026.geojson")
    full = json.loads(data)
    properties = full["features"][0]["properties"]
    assert properties["icb_code"] == GM and properties["generation"] == "April 2026"
    assert properties["configuration"] == "Greater Manchester (10 localities)"
    assert properties["geometry_resolution"].startswith("full resolution")
    table_name, table = downloads["Download coterminosity vs Upper-tier council / HWB area (CSV)"]
    assert table_name.endswith("_greater-manchester-10-localities_2026.csv")
    assert "icb_code,icb_name,configuration,generation" in table.splitlines()[0]
    assert downloads["Download place configuration (CSV)"][0].startswith("places_nhs-greater")

    app.radio[0].set_value("simplified").run()
    name, data = downloads["Download GeoJSON"]
    assert name.startswith("place-simplified_")
    simplified = json.loads(data)
    assert simplified["features"][0]["properties"]["geometry_resolution"].startswith(
        "simplified map copy")
    assert _vertices(full) >= _vertices(simplified)  # the store keeps BSC polygons already
