"""The dashboard in a real browser (Debian chromium, Streamlit on 127.0.0.1), on the mirror store:
a shared link reopens the view, layers toggle, GeoJSON exports validate, uploads can't inject."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
from playwright.sync_api import FrameLocator, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from shapely.geometry import shape

from layers import LAYERS
from tests.browser.conftest import save_screenshot, serve

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
GM_LINK = "?icb=E54000057&places=greater_manchester&layers=icb,lad,place&basemap=0"
TIMEOUT_MS = 60_000


def _map(page: Page) -> FrameLocator:
    """The map's frame; while a rerun replaces the map, the outgoing copy is hidden."""
    return page.locator("iframe[title='streamlit_folium.st_folium']:visible").last.content_frame


def _paths(page: Page, layer_id: str):
    return _map(page).locator(f"path[stroke='{LAYERS[layer_id].colour}']")


def test_shared_link_restores_greater_manchester(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/{GM_LINK}")
    expect(_paths(page, "place")).to_have_count(10, timeout=TIMEOUT_MS)
    expect(_paths(page, "lad")).to_have_count(10)
    expect(page.get_by_role("heading", name="NHS Greater Manchester")).to_be_visible()
    save_screenshot(page, "map_greater_manchester")

    page.get_by_test_id("stMultiSelect").first.locator("input").click()
    page.keyboard.type("Electoral ward")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(_paths(page, "ward").nth(100)).to_be_attached(timeout=TIMEOUT_MS)
    assert "ward" in page.url

    page.goto(f"{app_url}/coterminosity{GM_LINK}")
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("td", has_text="Wigan").first).to_be_attached(timeout=TIMEOUT_MS)
    cells = [cell.inner_text() for cell in grid.locator("td").all()]
    assert cells.count("coterminous") >= 10
    assert not {"straddles", "within", "contains"} & set(cells)


def test_export_geojson_is_rfc7946_with_one_feature_per_place(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/export?icb=E54000057&places=greater_manchester&layers=place,lad")
    button = page.get_by_role("button", name="Download GeoJSON")
    expect(button).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download() as download:
        button.click()
    collection = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    features = collection["features"]
    assert sorted(f["properties"]["name"] for f in features) == sorted(
        ["Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport",
         "Tameside", "Trafford", "Wigan"])
    for feature in features:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid and geometry.geom_type in ("Polygon", "MultiPolygon")
        minx, miny, maxx, maxy = geometry.bounds
        assert -3 < minx < maxx < -1.9 and 53.3 < miny < maxy < 53.7  # lon/lat, Manchester
        for polygon in getattr(geometry, "geoms", [geometry]):
            assert polygon.exterior.is_ccw  # RFC 7946 right-hand rule
            assert all(not shapely.LinearRing(ring).is_ccw for ring in polygon.interiors)
        assert feature["properties"]["population_class"] == "coterminous"


def test_uploaded_place_names_are_text_not_html(page: Page, app_url: str, tmp_path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    upload = tmp_path / "hostile.csv"
    upload.write_text("place,block_type,code\n<img src=x onerror=alert(1)>,hwb,E06000059\n"
                      "Bournemouth,hwb,E06000058\n")
    page.goto(f"{app_url}/places?icb=E54000041&places=dorset")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    expect(page.get_by_text("<img src=x onerror=alert(1)>", exact=False).first).to_be_visible(
        timeout=TIMEOUT_MS)
    # the Places page has run to its end (its last element) before the Map page is opened
    expect(page.get_by_role("button", name="Download configuration (CSV)")).to_be_visible(
        timeout=TIMEOUT_MS)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Map").click()
    expect(page.get_by_role("heading", name="NHS Dorset")).to_be_visible(timeout=TIMEOUT_MS)
    expect(_paths(page, "place")).to_have_count(2, timeout=TIMEOUT_MS)
    _paths(page, "place").first.hover()
    _paths(page, "place").last.hover()
    assert _map(page).locator("img[src='x']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []


def test_presentation_mode_hides_the_sidebar(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/{GM_LINK}&present=1")
    expect(_paths(page, "place")).to_have_count(10, timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_role("button", name="Exit presentation mode")).to_be_visible()
    save_screenshot(page, "presentation_mode")

    page.goto(f"{app_url}/coterminosity{GM_LINK}&present=1")  # every page has the way out
    page.get_by_role("button", name="Exit presentation mode").click(timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stSidebar")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page).not_to_have_url(re.compile("present="), timeout=TIMEOUT_MS)


def _leaflet_view(page: Page) -> tuple[int, float, float]:
    """(zoom, lat, lon) of the Leaflet map as drawn, read inside the map's frame."""
    frame = page.locator("iframe[title='streamlit_folium.st_folium']:visible").last
    return tuple(frame.element_handle().content_frame().evaluate(
        """() => {
            const map = Object.keys(window).filter(k => k.startsWith('map_'))
                .map(k => window[k]).find(v => v instanceof L.Map);
            const c = map.getCenter();
            return [map.getZoom(), c.lat, c.lng];
        }"""))


def _pick(page: Page, selectbox: Locator, option: re.Pattern) -> None:
    """Choose an option; a dropdown opened while the page is still settling can close again."""
    for _ in range(3):
        selectbox.click()
        try:
            page.get_by_role("option", name=option).click(timeout=5_000)
            return
        except PlaywrightTimeoutError:
            continue
    pytest.fail(f"no option {option.pattern} after three tries")


def test_the_copy_link_box_follows_the_view_and_reopens_it(page: Page, app_url: str) -> None:
    share = page.get_by_test_id("stSidebar").locator("code", has_text="http")
    page.goto(f"{app_url}/coverage{GM_LINK}")
    expect(page.get_by_role("heading", name="By Electoral ward")).to_be_visible(
        timeout=TIMEOUT_MS)
    _pick(page, page.get_by_test_id("stMainBlockContainer").get_by_test_id("stSelectbox"),
          re.compile("^Bury"))
    expect(share).to_contain_text("area=Bury&", timeout=TIMEOUT_MS)  # places are named by name

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Map").click()
    expect(_paths(page, "place")).to_have_count(10, timeout=TIMEOUT_MS)
    fitted_zoom = _leaflet_view(page)[0]
    _map(page).locator(".leaflet-control-zoom-in").click()
    # the map fragment reruns alone and refreshes the sidebar's share box
    expect(share).to_contain_text(re.compile(rf"zoom={fitted_zoom + 1}(&|$)"),
                                  timeout=TIMEOUT_MS)
    link = share.inner_text().strip()
    assert parse_qs(urlsplit(page.url).query) == parse_qs(urlsplit(link).query)  # address bar
    zoom, lat, lon = _leaflet_view(page)

    shared = page.context.browser.new_page()
    shared.goto(link)
    expect(_paths(shared, "place")).to_have_count(10, timeout=TIMEOUT_MS)
    shared_zoom, shared_lat, shared_lon = _leaflet_view(shared)
    assert shared_zoom == zoom
    assert abs(shared_lat - lat) < 1e-4 and abs(shared_lon - lon) < 1e-4
    assert parse_qs(urlsplit(shared.url).query)["area"] == ["Bury"]


def test_a_fresh_servers_first_visitor_can_open_a_deep_link(page: Page, store_dir: Path) -> None:
    """Until app.py has run once, Streamlit would run pages/coverage.py bare (old-style
    multipage app): the frame must still come up, with the link's view."""
    with serve(store_dir) as url:
        page.goto(f"{url}/coterminosity{GM_LINK}")
        grid = page.get_by_test_id("stDataFrame").first
        expect(grid.locator("td", has_text="Wigan").first).to_be_attached(timeout=TIMEOUT_MS)
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link", name="Coterminosity")).to_be_visible()
        expect(nav.get_by_role("link", name="app")).to_have_count(0)
        expect(page.get_by_test_id("stSidebar").locator("code", has_text="http")).to_contain_text(
            "places=greater_manchester")
