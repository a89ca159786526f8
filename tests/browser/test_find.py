"""The sidebar's search as you type in a real browser: "bolten" offers Bolton, and a result
picked opens it on the map with its layer switched on."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from layers import LAYERS
from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
TIMEOUT_MS = 60_000
GM_MAP = "/map?icb=E54000057&layers=icb,lad&basemap=0"


def _box(page: Page) -> FrameLocator:
    return page.frame_locator("iframe[title='streamlit_searchbox.searchbox']")


def _type(page: Page, text: str) -> None:
    field = _box(page).locator("input")
    field.click(timeout=TIMEOUT_MS)
    page.keyboard.type(text, delay=60)  # as a person types: results follow each pause


def test_typing_bolten_offers_bolton(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}{GM_MAP}")
    _type(page, "bolten")
    offered = _box(page).get_by_text(
        "Bolton · Lower-tier council (LAD), E08000001 · NHS Greater Manchester Integrated "
        "Care Board", exact=True)
    expect(offered).to_be_visible(timeout=TIMEOUT_MS)
    expect(_box(page).get_by_text("BOLTON CENTRAL PCN", exact=False)).to_be_visible()
    save_screenshot(page, "search_bolten")
    for _ in "bolten":
        page.keyboard.press("Backspace")
    page.keyboard.type("darlinton", delay=60)
    expect(_box(page).get_by_text("Darlington · Lower-tier council (LAD)", exact=False)
           ).to_be_visible(timeout=TIMEOUT_MS)


def test_a_result_picked_opens_on_the_map(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}{GM_MAP}")
    _type(page, "craven")
    _box(page).get_by_text("Craven · Electoral ward", exact=False).first.click(
        timeout=TIMEOUT_MS)
    expect(page.locator("iframe[title='streamlit_folium.st_folium']:visible").last
           .content_frame.locator(f"path[stroke='{LAYERS['ward'].colour}']").first
           ).to_be_attached(timeout=TIMEOUT_MS)
    query = parse_qs(urlsplit(page.url).query)
    assert query["area"][0].startswith("E05") and "ward" in query["layers"][0].split(",")
    assert query["icb"] == ["E54000054"]  # West Yorkshire
