"""The legible map in a real browser: offline (this machine cannot reach the tile host) there is
no tile request and no tile credit, the store's backdrop is drawn and the page says why; the map
is one keyboard stop in a named frame with a skip link and a table of its areas; labels name the
areas when asked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from services.backdrop import OUTLINE
from services.io.tiles import tiles_reachable
from tests.browser.conftest import save_screenshot
from tests.browser.test_dashboard import TIMEOUT_MS, _map
from ui.basemap import UNREACHABLE

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
GM = "?icb=E54000057&places=greater_manchester&layers=icb,lad,place"
#: The map frame's own stops after the map: zoom in, zoom out, layers, the Leaflet credit.
MAP_CONTROLS = 4


@pytest.fixture(autouse=True)
def _offline() -> None:
    if tiles_reachable():
        pytest.skip("the tile host is reachable from here: the basemap is on by default")


@pytest.mark.parametrize("path", ["map", "overview", "changes"])
def test_no_tile_request_and_no_tile_credit_offline(page: Page, app_url: str, path: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{app_url}/{path}{GM}")  # no basemap=0: offline is the default here
    frame = _map(page)
    expect(frame.locator(f"path[stroke='{OUTLINE}']").first).to_be_attached(timeout=TIMEOUT_MS)
    expect(page.get_by_text(UNREACHABLE).first).to_be_visible()
    credits = frame.locator(".leaflet-control-attribution").all_inner_texts()
    assert credits and not [text for text in credits if "OpenStreetMap" in text]
    assert not [url for url in requested if "tile" in url and url.endswith(".png")]
    if path == "map":
        save_screenshot(page, "map_offline_backdrop")


def test_map_is_one_keyboard_stop_with_a_skip_link_and_a_table(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/map{GM}&layers=icb,lad,place,ward")
    frame = _map(page)
    expect(frame.locator("path.leaflet-interactive").nth(100)).to_be_attached(timeout=TIMEOUT_MS)
    element = page.locator("iframe[title='streamlit_folium.st_folium']:visible").last
    expect(element).to_have_attribute("aria-label", re.compile(r"^Map: .*Electoral ward"))
    frame.locator(".leaflet-container").focus()
    for _ in range(MAP_CONTROLS + 1):
        page.keyboard.press("Tab")
    outside = page.evaluate("document.activeElement.tagName")
    assert outside != "IFRAME"  # out of the map, not walking its ~300 polygons
    link = page.get_by_role("link", name="Skip the map")
    expect(link).to_have_attribute("href", "#areas-on-the-map")
    expect(page.locator("#areas-on-the-map")).to_have_count(1)
    summary = re.compile(r"areas: name, code, layer")
    page.get_by_test_id("stExpander").get_by_text(summary).first.click()
    table = page.get_by_test_id("stHtml").get_by_role("table")
    expect(table.get_by_role("cell", name="Wigan").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(table.get_by_role("columnheader")).to_have_text(["Name", "Code", "Layer", "Class",
                                                           "People"])


def test_labels_name_the_areas_when_asked(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/map{GM}")
    frame = _map(page)
    expect(frame.locator("path.leaflet-interactive").first).to_be_attached(timeout=TIMEOUT_MS)
    expect(frame.locator(".pm-label")).to_have_count(0)
    page.get_by_text("Labels", exact=True).click()
    expect(_map(page).locator(".pm-label", has_text="Bolton")).to_have_count(1,
                                                                              timeout=TIMEOUT_MS)
    save_screenshot(page, "map_labels")
