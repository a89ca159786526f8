"""The Changes page in a real browser: the old and the new ICBs on two maps that move together,
the changed areas filled on both, and the tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from services.changes_map import CHANGED, OUTLINE
from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
TIMEOUT_MS = 90_000


def test_changes_page_shows_both_maps_and_the_table(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/changes?basemap=0")
    frame = page.locator("iframe[title='streamlit_folium.st_folium']:visible").last.content_frame
    left, right = frame.locator("#map_div"), frame.locator("#map_div2")
    outlines = f"path[stroke='{OUTLINE['color']}']"
    changed = f"path[stroke='{CHANGED['color']}']"
    expect(left.locator(outlines)).to_have_count(42, timeout=TIMEOUT_MS)  # April 2024 ICBs
    expect(right.locator(outlines)).to_have_count(36)  # April 2026 ICBs
    expect(left.locator(changed)).to_have_count(17)  # one area per (old, new) ICB pair
    expect(right.locator(changed)).to_have_count(17)
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("10,207")).to_be_visible()
    save_screenshot(page, "changes")

    # Kept in step: moving the left map moves the right one to the same centre and zoom.
    frame.locator("body").evaluate("() => map_div.setView([51.3, -0.8], 10, {animate: false})")
    views = frame.locator("body").evaluate(
        "() => [map_div, map_div2].map(m => [m.getCenter().lat, m.getCenter().lng, m.getZoom()])")
    assert views[0] == views[1]
    assert views[1][2] == 10 and abs(views[1][0] - 51.3) < 1e-6
