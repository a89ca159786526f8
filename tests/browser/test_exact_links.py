"""Links are exact: for ten views (pages, selected areas, generations, presentation mode), the
link copied from the address bar and from the share control (the sidebar's box, or presentation
mode's Copy link) reopens the same page, centre, zoom, layers and selection in a fresh context."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_dashboard import _leaflet_view

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
TIMEOUT_MS = 60_000
GM = "icb=E54000057&places=greater_manchester&basemap=0"
VIEWS = (  # (path, query): each opened, let settle, then its links reopened
    ("map", GM),
    ("map", f"{GM}&area=Bury"),
    ("map", f"{GM}&area=E08000001&layers=icb,lad"),
    ("map", "icb=E54000054&area=E08000032&layers=icb,lad,ward&basemap=0"),
    ("map", "vintage=2024&icb=E54000048&basemap=0"),
    ("map", f"{GM}&present=1"),
    ("map", f"{GM}&area=Wigan&present=1"),
    ("map", "icb=E54000054&layers=icb,hwb&basemap=0&lat=53.8&lon=-1.7&zoom=11"),
    ("coverage", f"{GM}&area=Bury"),
    ("coterminosity", f"{GM}&threshold=0.95"),
)


def _map_frame(page: Page):
    return page.locator("iframe[title='streamlit_folium.st_folium']:visible").last


def _settle(page: Page, path: str) -> tuple | None:
    """The map's (zoom, lat, lon) once the address bar holds it (None off the Map page)."""
    if path != "map":  # a table (Coterminosity) or a bar chart (Coverage) has been drawn
        expect(page.get_by_test_id("stDataFrame").or_(page.get_by_test_id("stVegaLiteChart"))
               .first).to_be_visible(timeout=TIMEOUT_MS)
        return None
    expect(_map_frame(page)).to_be_visible(timeout=TIMEOUT_MS)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            zoom, lat, lon = _leaflet_view(page)
        except Exception:  # the map is still being drawn
            time.sleep(0.2)
            continue
        if re.search(rf"zoom={zoom}(&|$)", page.url):
            return zoom, lat, lon
        time.sleep(0.2)
    pytest.fail(f"the address bar never held the map's position: {page.url}")


def _share_link(page: Page, present: bool) -> str:
    if present:
        page.get_by_role("button", name="Copy link").click()
        code = page.get_by_test_id("stPopoverBody").locator("code", has_text="http")
    else:
        code = page.get_by_test_id("stSidebar").locator("code", has_text="http").first
    expect(code).to_contain_text("http", timeout=TIMEOUT_MS)
    return code.inner_text().strip()


def _state(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return parts.path.strip("/") or "map", query


@pytest.mark.parametrize(("path", "query"), VIEWS, ids=[f"{p}-{i}" for i, (p, _) in
                                                        enumerate(VIEWS)])
def test_links_reopen_the_view_on_screen(browser: Browser, app_url: str, path: str,
                                         query: str) -> None:
    opener = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    opener.goto(f"{app_url}/{path}?{query}")
    shown = _settle(opener, path)
    page_path, params = _state(opener.url)
    assert page_path == path
    links = {"address bar": opener.url, "share control": _share_link(opener, "present=1" in query)}
    for source, link in links.items():
        assert _state(link) == (page_path, params), f"{source} link differs from the view"
    if links["share control"] == links["address bar"]:  # one string: reopening it once tests both
        links = {"address bar and share control": links["address bar"]}
    opener.context.close()  # its map no longer competes with the fresh contexts for the CPU
    for source, link in links.items():
        fresh = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        fresh.goto(link)
        reopened = _settle(fresh, path)
        assert _state(fresh.url) == (page_path, params), source
        if shown is not None:
            assert reopened[0] == shown[0], f"{source}: zoom {reopened[0]} for {shown[0]}"
            assert abs(reopened[1] - shown[1]) < 1e-4 and abs(reopened[2] - shown[2]) < 1e-4, \
                f"{source}: centre {reopened[1:]} for {shown[1:]}"
        fresh.context.close()
