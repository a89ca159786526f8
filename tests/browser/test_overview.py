"""The England overview in a real browser: it is what "/" opens, and clicking an ICB, on the map
or in the table, opens that ICB's Map page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import save_screenshot
from tests.browser.test_dashboard import TIMEOUT_MS, _map

pytestmark = [pytest.mark.browser, pytest.mark.mirror]


def _overview(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?basemap=0")
    expect(page.get_by_role("heading", name=re.compile(r"^England: 36 ICBs"))).to_be_visible(
        timeout=TIMEOUT_MS)
    expect(_map(page).locator("path.leaflet-interactive")).to_have_count(36, timeout=TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"/overview\?"), timeout=TIMEOUT_MS)


def test_clicking_an_icb_on_the_overview_map_opens_its_map(page: Page, app_url: str) -> None:
    _overview(page, app_url)
    save_screenshot(page, "england_overview")
    frame = page.locator("iframe[title='streamlit_folium.st_folium']:visible").last
    target = _map(page).locator("path.leaflet-interactive").nth(10)
    box, origin = target.bounding_box(), frame.bounding_box()
    assert box and origin
    # the path's centre in page coordinates (the frame's boxes are already page coordinates)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    tooltip = _map(page).locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("ICB", timeout=TIMEOUT_MS)
    name = re.search(r"ICB\s*(NHS .+? Integrated Care Board)", tooltip.inner_text()).group(1)
    page.mouse.click(x, y)
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"/map\?(.*&)?icb=E54"), timeout=TIMEOUT_MS)


def test_choosing_a_row_of_the_overview_table_opens_that_icb(page: Page, app_url: str) -> None:
    _overview(page, app_url)
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box
    # Rows are 35 px under a 35 px header; the row marker is the first 30 px (glide data grid).
    first_icb = grid.locator("td").nth(1).inner_text()  # the region is in column 0
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    expect(page.get_by_role("heading", name=first_icb, exact=True)).to_be_visible(
        timeout=TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"/map\?"), timeout=TIMEOUT_MS)
