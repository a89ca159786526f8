"""The Data page lists the store's layers in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.mirror]


def test_home_lists_layers(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/data")
    table = page.locator("[data-testid='stTable']").first
    expect(table).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Office for National Statistics", exact=False)).to_be_visible()
    save_screenshot(page, "home")
    text = table.inner_text()
    for layer_id in ("icb", "sub_icb", "lad", "hwb", "ward", "lsoa"):
        assert layer_id in text
