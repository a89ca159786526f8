"""The Map page's "Download map" in a real browser: a click draws the map on the server (a
deferred download, in another thread) and the browser receives the CLI's file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from placemap_cli import main

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
VIEW = ["--icb", "E54000057", "--places", "greater_manchester", "--layers", "icb,lad,place"]
LINK = "?icb=E54000057&places=greater_manchester&layers=icb,lad,place&basemap=0"
TIMEOUT_MS = 60_000


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_download_map_gives_the_cli_file(fmt: str, page: Page, app_url: str, store_dir: Path,
                                         tmp_path: Path) -> None:
    page.goto(f"{app_url}/{LINK}")
    # the map has drawn and reported its position (that rerun could race the switch's click)
    expect(page).to_have_url(re.compile(r"zoom="), timeout=TIMEOUT_MS)
    page.get_by_text("Download map for slides").click(timeout=TIMEOUT_MS)
    expect(page.get_by_label("Download map for slides")).to_be_checked(timeout=TIMEOUT_MS)
    button = page.get_by_role("button", name=f"Download map ({fmt.upper()})")
    expect(button).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        button.click()
    assert download.value.suggested_filename == f"placemap-E54000057-2026.{fmt}"
    out = tmp_path / f"cli.{fmt}"
    assert main(["map", *VIEW, "--store", str(store_dir), "--out", str(out)]) == 0
    assert Path(download.value.path()).read_bytes() == out.read_bytes()
