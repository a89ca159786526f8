"""Hostile uploads on the Places page (issue 14), on the store built from the mirror: each file is
refused with a message naming what it is or the limit, and nothing else changes (the session's
configuration, the link); an upload named like a built-in or published configuration is kept
beside it, labelled as an upload, and never replaces it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from services.io.place_files import HEADER
from services.limits import SESSION_CONFIGS_MAX
from services.places import PlaceConfig
from services.text import inert
from ui import map_widget

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
GM = "E54000057"
BOLTON_ROWS = b"place,block_type,code\nBolton only,lad,E08000001\n"


@pytest.fixture
def places_page(monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> AppTest:
    monkeypatch.setenv("PLACEMAP_STORE", str(store_dir))
    monkeypatch.setattr(map_widget, "st_folium", lambda fmap, **kwargs: None)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["icb"] = GM
    app.run()
    app.switch_page("pages/places.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _upload(app: AppTest, name: str, data: bytes) -> AppTest:
    app.file_uploader[0].set_value((name, data, "application/octet-stream"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _places_box(app: AppTest):
    return next(box for box in app.sidebar.selectbox if box.label == "Places")


def _unchanged(app: AppTest) -> None:
    assert _places_box(app).value == "hwb_within_icb"
    assert app.session_state["custom_places"] == {}
    assert "places" not in app.query_params


def test_uploader_states_its_limits(places_page: AppTest) -> None:
    assert "up to 2 MB and 100,000 rows" in places_page.file_uploader[0].label


def test_a_zip_renamed_geojson_is_named_not_unpacked(places_page: AppTest) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.geojson", b" " * 10**7)  # unpacks to 10 MB
    app = _upload(places_page, "places.geojson", buffer.getvalue())
    assert "1 problem(s), nothing loaded" in app.error[0].value
    assert "this is a zip archive" in app.dataframe[0].value["problem"].iloc[0]
    _unchanged(app)


def test_an_over_limit_file_names_the_limit(places_page: AppTest) -> None:
    app = _upload(places_page, "big.csv", BOLTON_ROWS + b"#" * (3 * 2**20))
    assert "over the 2.0 MB limit" in app.dataframe[0].value["problem"].iloc[0]
    _unchanged(app)


def test_repeated_rows_show_the_first_hundred_and_the_count(places_page: AppTest) -> None:
    app = _upload(places_page, "repeated.csv", BOLTON_ROWS + b"A,lad,E08000001\n"
                  * 99_999)
    assert "99,999 row(s) need fixing; nothing was applied" in app.error[0].value
    assert len(app.dataframe[0].value) == 100
    assert "The first 100 of 99,999 problems are shown" in app.caption[1].value
    assert any(b.label == "Download all problems (CSV)" for b in app.get("download_button"))
    _unchanged(app)


@pytest.mark.parametrize(("file_name", "data", "built_in"), [
    ("hwb_within_icb.csv", b"# name: hwb_within_icb\n" + BOLTON_ROWS,
     "Scheme: Upper-tier council (HWB area) within ICB"),
    ("greater_manchester.csv", BOLTON_ROWS, "Published: Greater Manchester"),
])
def test_an_upload_never_replaces_a_built_in(places_page: AppTest, file_name: str, data: bytes,
                                             built_in: str) -> None:
    name = file_name.removesuffix(".csv")
    app = _upload(places_page, file_name, data)
    box = _places_box(app)
    assert box.value == f"upload: {name}" and app.query_params["places"] == f"upload: {name}"
    assert {f"Your upload: {name}", built_in} <= set(box.options)
    assert f"Configuration: {inert(f'Your upload: {name}')}." in app.caption[0].value
    assert app.text[0].value == "Places here: Bolton only"
    box.select(name).run()  # the built-in or published one, as it was
    assert f"Configuration: {inert(built_in)}." in app.caption[0].value
    assert "Bolton only" not in app.text[0].value and "Bolton" in app.text[0].value
    assert list(app.session_state["custom_places"]) == [f"upload: {name}"]


def test_a_session_keeps_its_latest_uploads_and_says_what_it_removed(
        places_page: AppTest) -> None:
    blocks = pd.DataFrame([("Bolton only", "lad", "E08000001")], columns=HEADER)
    places_page.session_state["custom_places"] = {
        f"upload: c{number}": PlaceConfig(f"c{number}", "test", blocks)
        for number in range(SESSION_CONFIGS_MAX)}
    app = _upload(places_page, "newest.csv", BOLTON_ROWS)
    assert app.info[0].value == (f"A session keeps its {SESSION_CONFIGS_MAX} latest uploads "
                                 "and edits; removed: Your upload: c0. Upload it again to use it.")
    assert list(app.session_state["custom_places"]) == [
        *(f"upload: c{number}" for number in range(1, SESSION_CONFIGS_MAX)), "upload: newest"]
