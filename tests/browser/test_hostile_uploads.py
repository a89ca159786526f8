"""Hostile uploads to a running server (issue 14): an over-limit file, a zip renamed .geojson and
100,000 repeated rows are each refused with a message naming what they are or the limit, the
session keeps its configuration, the server itself refuses an over-limit body sent past the
browser, and it answers ``/_stcore/health`` at once after each."""

from __future__ import annotations

import io
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
TIMEOUT_MS = 60_000
HEALTH_WITHIN_S = 5.0


def _healthy(app_url: str) -> float:
    """Seconds the server took to answer its health check (it must say ok)."""
    start = time.perf_counter()
    with urllib.request.urlopen(f"{app_url}/_stcore/health", timeout=HEALTH_WITHIN_S) as answer:
        assert answer.status == 200 and answer.read().strip() == b"ok"
    return time.perf_counter() - start


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("places.geojson", b" " * 50 * 2**20)  # 50 MB unpacked, 50 KB packed
    return buffer.getvalue()


def test_hostile_uploads_are_named_and_the_server_stays_responsive(
        page: Page, app_url: str, tmp_path: Path) -> None:
    files = {
        "over_limit.csv": b"place,block_type,code\n" + b"A,lad,E08000001\n" * 200_000,  # 3 MB
        "places.geojson": _zip_bomb(),
        "repeated.csv": b"place,block_type,code\n" + b"A,lad,E08000001\n" * 100_000,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    page.goto(f"{app_url}/places?icb=E54000057")
    dropzone = page.get_by_test_id("stFileUploaderDropzoneInput")
    expect(page.get_by_text("Upload a configuration (up to 2 MB and 100,000 rows)")).to_be_visible(
        timeout=TIMEOUT_MS)

    dropzone.set_input_files(str(tmp_path / "over_limit.csv"))  # refused before it is sent
    expect(page.get_by_text("File must be 2.0MB or smaller.")).to_be_visible(timeout=TIMEOUT_MS)
    assert _healthy(app_url) < HEALTH_WITHIN_S

    dropzone.set_input_files(str(tmp_path / "places.geojson"))
    expect(page.get_by_text("places.geojson: 1 problem(s), nothing loaded")).to_be_visible(
        timeout=TIMEOUT_MS)
    problem = page.get_by_test_id("stDataFrame").first
    expect(problem).to_contain_text("this is a zip archive", timeout=TIMEOUT_MS)
    assert _healthy(app_url) < HEALTH_WITHIN_S

    with page.expect_request(lambda r: "/_stcore/upload_file/" in r.url
                             and r.method == "PUT") as sent:
        dropzone.set_input_files(str(tmp_path / "repeated.csv"))
    expect(page.get_by_text("99,999 row(s) need fixing; nothing was applied")).to_be_visible(
        timeout=TIMEOUT_MS)
    expect(page.get_by_text("The first 100 of 99,999 problems are shown")).to_be_visible()
    assert _healthy(app_url) < HEALTH_WITHIN_S
    save_screenshot(page, "hostile_upload_repeated_rows")

    expect(page.get_by_role("combobox", name="Places")).to_have_value(
        "Scheme: Upper-tier council (HWB area) within ICB")

    # The same upload request, sent straight to the server with the over-limit file: the
    # server itself refuses it (server.maxUploadSize), not only the browser.
    token = {k: v for k, v in sent.value.headers.items() if k.lower() == "x-xsrftoken"}
    answer = page.request.put(sent.value.url, headers=token, multipart={"file": {
        "name": "over_limit.csv", "mimeType": "text/csv", "buffer": files["over_limit.csv"]}})
    assert answer.status == 413
    assert _healthy(app_url) < HEALTH_WITHIN_S
    assert "places=" not in page.url  # the session kept the default configuration
