"""Drafts in a real browser (Debian chromium) with a real PostgreSQL shared by two dashboard
servers (``PLACEMAP_DATABASE_URL``, a throwaway cluster on 127.0.0.1): save a draft on the
Places page, copy its link, open it in a fresh browser context and on the second server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import save_screenshot, serve
from tests.postgres_server import start_cluster

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
GM_PLACES = "/places?icb=E54000057&places=greater_manchester&basemap=0"
TIMEOUT_MS = 60_000
DRAFT_NAME = "GM option B (browser)"


@pytest.fixture(scope="module")
def two_servers(store_dir: Path) -> Iterator[tuple[str, str]]:
    """Two servers sharing one PostgreSQL drafts database."""
    cluster = start_cluster()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PLACEMAP_DATABASE_URL", cluster.url)
            with serve(store_dir) as first, serve(store_dir) as second:
                yield first, second
    finally:
        cluster.remove()


def _shows_the_draft(page: Page, link: str, draft_id: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", name=re.compile("Places in NHS Greater Manchester"))
           ).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(f"Saved draft: {DRAFT_NAME}").first).to_be_visible()
    expect(page.get_by_text("The link was not used in full")).to_have_count(0)
    assert f"draft={draft_id}" in page.url


def test_save_copy_link_open_in_a_fresh_context_and_on_another_server(
        browser: Browser, two_servers: tuple[str, str]) -> None:
    first, second = two_servers
    saver = browser.new_context(viewport={"width": 1400, "height": 900})
    page = saver.new_page()
    page.goto(first + GM_PLACES)
    page.get_by_text("Save draft", exact=True).first.click(timeout=TIMEOUT_MS)  # the expander
    page.get_by_label("Draft name").fill(DRAFT_NAME)
    page.get_by_label("Author label").fill("browser test")
    page.get_by_role("button", name="Save draft").click()
    saved = page.get_by_text(re.compile(r"Saved draft [0-9a-f]{16}\."))
    expect(saved).to_be_visible(timeout=TIMEOUT_MS)
    draft_id = re.search(r"[0-9a-f]{16}", saved.inner_text()).group(0)
    link = page.locator("code").filter(has_text=f"draft={draft_id}").first.inner_text()
    assert link.startswith(first) and f"draft={draft_id}" in link
    save_screenshot(page, "draft_saved")
    saver.close()

    for server in (first, second):  # a fresh context each: no session, no cookies
        fresh = browser.new_context(viewport={"width": 1400, "height": 900})
        try:
            _shows_the_draft(fresh.new_page(), link.replace(first, server), draft_id)
        finally:
            fresh.close()
