"""What is here? in a real browser: a click on the Map page's map lists every layer's area at
that point, in both generations, and Select opens one on the map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
TIMEOUT_MS = 60_000
#: Greater Manchester's map centred on Bolton town centre (LSOA E01004817, Bolton 022E).
BOLTON_LINK = "/map?icb=E54000057&layers=icb,lad&basemap=0&lat=53.578&lon=-2.429&zoom=14"


def _map(page: Page) -> FrameLocator:
    return page.locator("iframe[title='streamlit_folium.st_folium']:visible").last.content_frame


def _click_map_centre(page: Page) -> None:
    leaflet = _map(page).locator(".leaflet-container")
    expect(leaflet).to_be_visible(timeout=TIMEOUT_MS)
    expect(_map(page).locator("path").first).to_be_attached(timeout=TIMEOUT_MS)
    box = leaflet.bounding_box()
    leaflet.click(position={"x": box["width"] / 2, "y": box["height"] / 2})


def test_a_click_lists_every_layer_there_and_select_opens_it(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}{BOLTON_LINK}")
    expect(page.get_by_text("Click anywhere on the map")).to_be_visible(timeout=TIMEOUT_MS)
    _click_map_centre(page)
    panel = page.get_by_test_id("stMain")
    expect(panel.get_by_text("Bolton 022E")).to_be_visible(timeout=TIMEOUT_MS)
    for text in ("NHS Greater Manchester Integrated Care Board", "E54000057", "North West",
                 "NHS Greater Manchester ICB - 00T", "E08000001", "BOLTON CENTRAL PCN",
                 "Queens Park & Central", "E05014832", "Great Lever", "E05000656",
                 "December 2022", "approximate (modelled footprint)",
                 "best fit (whole LSOAs, by centroid)"):
        expect(panel.get_by_text(text, exact=False).first).to_be_attached()
    panel.get_by_text("Queens Park & Central").scroll_into_view_if_needed()
    save_screenshot(page, "what_is_here_bolton")

    row = page.get_by_test_id("stHorizontalBlock").filter(has_text="E05014832").filter(
        has=page.get_by_role("button", name="Select")).last
    row.get_by_role("button", name="Select").click()
    expect(page).to_have_url(re.compile("area=E05014832"), timeout=TIMEOUT_MS)
    assert "ward" in page.url
