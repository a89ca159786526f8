"""Boundaries as at April 2026 or April 2024, in a real browser: the sidebar switches the
generation, the link holds it, and the ICB outlines on the map change with it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_dashboard import TIMEOUT_MS, _paths, _pick

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
ESSEX_2026 = "E54000066"


def _icb_outline(page: Page) -> str:
    outline = _paths(page, "icb")
    expect(outline).to_have_count(1, timeout=TIMEOUT_MS)
    return outline.first.get_attribute("d")


def _boundaries_as_at(page: Page, label: str) -> None:
    picker = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(
        has_text="Boundaries as at")
    _pick(page, picker, re.compile(f"^{label}"))


def test_switch_to_april_2024_and_back_changes_the_icb_outlines(page: Page,
                                                                app_url: str) -> None:
    page.goto(f"{app_url}/?icb={ESSEX_2026}&layers=icb&basemap=0")
    expect(page.get_by_role("heading", name="NHS Essex Integrated Care Board")).to_be_visible(
        timeout=TIMEOUT_MS)
    essex = _icb_outline(page)

    _boundaries_as_at(page, "April 2024")
    expect(page).to_have_url(re.compile("vintage=2024"), timeout=TIMEOUT_MS)
    # Essex ICB did not exist in 2024: the ICB holding most of its people is shown instead.
    expect(page.get_by_role("heading", name="NHS Mid and South Essex")).to_be_visible(
        timeout=TIMEOUT_MS)
    expect(_paths(page, "icb").first).not_to_have_attribute("d", essex, timeout=TIMEOUT_MS)
    mid_and_south = _icb_outline(page)
    assert mid_and_south != essex

    _boundaries_as_at(page, "April 2026")
    expect(page).not_to_have_url(re.compile("vintage="), timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="NHS Essex Integrated Care Board")).to_be_visible(
        timeout=TIMEOUT_MS)
    expect(_paths(page, "icb").first).to_have_attribute("d", essex, timeout=TIMEOUT_MS)
