"""Readable pages in Debian chromium at 1366×768 (a common laptop screen), on the mirror store:
the Class column is seen without scrolling, and a flag's "Show on map" zooms to its areas."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from services.map_view import SELECTED_COLOUR
from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
WEST_YORKSHIRE = "?icb=E54000054&places=west_yorkshire&basemap=0"
TIMEOUT_MS = 90_000
WIDTH, HEIGHT = 1366, 768


@pytest.fixture
def laptop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    yield context.new_page()
    context.close()


def test_the_class_column_is_seen_without_scrolling_at_1366_px(laptop: Page,
                                                               app_url: str) -> None:
    laptop.goto(f"{app_url}/coterminosity{WEST_YORKSHIRE}")
    grids = laptop.get_by_test_id("stDataFrame")
    expect(grids.first.locator("td", has_text="Calderdale").first).to_be_attached(
        timeout=TIMEOUT_MS)
    grid = grids.first
    headers = [th.inner_text() for th in grid.locator("th").all()]
    assert headers[:2] == ["Area", "Class"]
    box = grid.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    assert box["y"] < HEIGHT  # the table's header row is on the first screen
    scroll, client = grid.locator(".dvn-scroller").first.evaluate(
        "s => [s.scrollWidth, s.clientWidth]")
    assert scroll <= client  # every column fits: nothing to scroll sideways to
    save_screenshot(laptop, "coterminosity_1366")


def test_show_on_map_zooms_to_every_area_the_flag_names(laptop: Page, app_url: str) -> None:
    laptop.goto(f"{app_url}/flags{WEST_YORKSHIRE}")
    grid = laptop.get_by_test_id("stDataFrame").first
    expect(grid.locator("td", has_text="North Yorkshire").first).to_be_attached(
        timeout=TIMEOUT_MS)
    box = grid.bounding_box()
    assert box
    laptop.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's checkbox
    button = laptop.get_by_role("button", name="Show on map")
    expect(button).to_be_visible(timeout=TIMEOUT_MS)
    expect(laptop.get_by_text("558,572 people, 90.8% of its people")).to_be_attached()
    button.click()
    frame = laptop.locator("iframe[title='streamlit_folium.st_folium']:visible").last.content_frame
    highlighted = frame.locator(f"path[stroke='{SELECTED_COLOUR}']")
    expect(highlighted).to_have_count(4, timeout=TIMEOUT_MS)  # North Yorkshire and three ICBs
    assert "highlight=hwb%3AE06000065%2Cicb%3AE54000048" in laptop.url
    south, west, north, east = frame.locator("body").evaluate(
        """() => { for (const name of Object.keys(window)) {
                     const map = window[name];
                     if (name.startsWith('map_') && map && map.getBounds) {
                       const b = map.getBounds();
                       return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; } } }""")
    # West Yorkshire alone spans about 53.5-54.1 N, 2.2-1.2 W: the view takes in Lancashire
    # and South Cumbria and the North Yorkshire coast too
    assert south < 53.6 and north > 54.5 and west < -2.6 and east > -0.8
    save_screenshot(laptop, "flag_on_map_1366")
