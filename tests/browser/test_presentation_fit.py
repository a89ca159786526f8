"""Presentation mode fits the screen while presenting live, at 1920×1080 and 1366×768: the map,
its legend, the room code and the viewer count are all on screen as the page opens, none of
them scrolled to (the list of areas drawn and the attribution follow below the map)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from layers import LAYERS
from tests.browser.conftest import save_screenshot
from tests.browser.test_dashboard import _paths

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
GM_LINK = "?icb=E54000057&places=greater_manchester&layers=icb,lad,place&basemap=0"
TIMEOUT_MS = 60_000
#: How far the page and Streamlit's main scroll container are scrolled.
SCROLLED_JS = """() => [document.scrollingElement, document.querySelector("[data-testid='stMain']")]
    .filter(Boolean).map(e => e.scrollTop)"""


def _on_screen(page: Page, locator: Locator, what: str) -> None:
    expect(locator).to_be_visible(timeout=TIMEOUT_MS)
    box = locator.bounding_box()
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    assert box is not None, what
    assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, f"{what}: {box} in {height}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"{what}: {box} in {width}"


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_live_presentation_fits_the_screen(browser: Browser, app_url: str, width: int,
                                           height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(f"{app_url}/{GM_LINK}")
        expect(_paths(page, "place")).to_have_count(10, timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Present live").click()
        expect(page.get_by_test_id("room-followers")).to_be_visible(timeout=TIMEOUT_MS)
        page.get_by_text("Presentation mode").click()
        expect(page.get_by_test_id("stSidebar")).to_be_hidden(timeout=TIMEOUT_MS)
        expect(_paths(page, "place")).to_have_count(10, timeout=TIMEOUT_MS)
        page.wait_for_timeout(1_000)  # the map frame takes the height the style gives it
        assert max(page.evaluate(SCROLLED_JS)) == 0, "seen only by scrolling"
        _on_screen(page, page.locator("iframe[title='streamlit_folium.st_folium']:visible")
                   .last, "map")
        _on_screen(page, page.get_by_text(LAYERS["lad"].title).first, "legend")
        _on_screen(page, page.get_by_text("· room").first, "room code")
        _on_screen(page, page.get_by_test_id("room-followers"), "viewer count")
        save_screenshot(page, f"presentation_live_{width}x{height}")
    finally:
        context.close()
