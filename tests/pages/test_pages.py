"""An AppTest per page: each runs on the store built from the mirror without an exception and
shows its key elements. The map widget (a custom component) is replaced by a recorder; the real
browser tests cover it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.links import shown_link

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
GM = "E54000057"


def _app(page: str | None = None, **query: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in {"icb": GM, **query}.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(f"pages/{page}.py")
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_map_page_draws_the_icb(maps) -> None:
    app = _app(places="greater_manchester", layers="icb,lad,place")
    assert app.title[0].value == "NHS Greater Manchester Integrated Care Board"
    rendered, _ = maps[-1]
    sent = rendered.arguments  # what st_folium gives its component
    assert sent["script"].count('"Bolton"') >= 1
    assert "/app/static/leaflet/leaflet.js" in sent["js_links"]
    assert sent["returned_objects"] == ["center", "zoom", "last_clicked"]
    assert app.query_params["places"] == "greater_manchester"


def test_coterminosity_page(maps) -> None:
    app = _app("coterminosity", places="greater_manchester")
    assert len(app.dataframe) >= 2
    table = app.dataframe[0].value
    assert len(table) == 10


def test_coverage_page(maps) -> None:
    app = _app("coverage")
    assert any("By " in sub.value for sub in app.subheader)


def test_flags_page(maps) -> None:
    app = _app("flags", icb="E54000054", places="west_yorkshire")
    sentences = " ".join(app.dataframe[0].value["sentence"])
    assert "Bradford District & Craven" in sentences


def test_places_page_rejects_bad_rows(maps) -> None:
    app = _app("places", places="dorset", icb="E54000041")
    assert len(app.dataframe) >= 2
    assert any("Download" in b.label for b in app.get("download_button"))


def test_export_page(maps) -> None:
    app = _app("export", places="dorset", icb="E54000041")
    labels = [b.label for b in app.get("download_button")]
    assert "Download GeoJSON" in labels


def test_data_page(maps) -> None:
    app = _app("data")
    assert "lsoa" in app.table[0].value.index


def test_bad_link_settings_are_named(maps) -> None:
    app = _app(threshold="7", layers="icb,rivers")
    warnings = " ".join(w.value for w in app.warning)
    assert "threshold" in warnings and "rivers" in warnings


def test_a_link_cannot_make_the_server_read_a_file(maps) -> None:
    app = _app(places="/etc/passwd")
    shown = " ".join(w.value for w in app.warning)
    assert "is not known here" in shown and "root:" not in shown
    assert app.query_params.get("places") is None  # fell back to the default scheme


def test_coverage_page_says_when_the_icb_has_no_such_area(maps) -> None:
    app = _app("coverage", icb="E54000050", places="greater_manchester")
    assert "No Place area lies in this ICB" in app.info[0].value
    # the page ended early; the link did not
    assert "icb=E54000050" in shown_link(app.sidebar, "Share this view")


def test_coverage_page_opens_on_an_area_picked_elsewhere(maps) -> None:
    app = _app("coverage", area="E08000001")  # Bolton, e.g. found by the sidebar search
    assert app.main.selectbox[0].value == "E08000001"
    assert app.query_params["subject"] == "lad" and app.query_params["area"] == "E08000001"
    # the copied link is not a step behind
    assert "area=E08000001" in shown_link(app.sidebar, "Share this view")


def test_coterminosity_page_compares_the_linked_layer(maps) -> None:
    app = _app("coterminosity", subject="lad")
    assert [sub.value for sub in app.subheader] == ["Lower-tier council (LAD) vs Upper-tier "
                                                    "council / HWB area"]
