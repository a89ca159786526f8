"""Edit on the map in a real browser (issue 11, point 1): click three Bolton wards into a new
place, see the tables and flags follow, undo back to the published configuration."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
from playwright.sync_api import FrameLocator, Page, expect

from services.io.store import Store
from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
LINK = "places?icb=E54000057&places=greater_manchester&basemap=0"
TIMEOUT_MS = 60_000
MAP = "iframe[title='streamlit_folium.st_folium']:visible"
#: The Leaflet map drawn in the map's frame, and a point's position in it.
FIND_MAP = """Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])
                .find(v => v instanceof L.Map)"""


def bolton_ward_points(store: Store, count: int) -> list[tuple[str, float, float]]:
    """(ward code, lat, lon) of a point inside one LSOA of each of ``count`` Bolton wards."""
    spine = store.spine[store.spine["lad_code"] == "E08000001"].drop_duplicates("ward_code")
    spine = spine.head(count)
    lsoa = store.layer("lsoa").set_index("code").loc[spine["lsoa21_code"]]
    points = gpd.GeoSeries(lsoa.geometry.representative_point(), crs=27700).to_crs(4326)
    return [(ward, p.y, p.x) for ward, p in zip(spine["ward_code"], points, strict=True)]


def _frame(page: Page) -> FrameLocator:
    return page.locator(MAP).last.content_frame


def click_at(page: Page, lat: float, lon: float) -> None:
    """Click the map at (lat, lon), panned there first so the point is on screen; the map and
    its edited layers (ui/edit_redraw.py) are marked, so :func:`wait_redrawn` can tell what is
    drawn after the click from these."""
    frame = page.locator(MAP).last
    handle = frame.element_handle().content_frame()
    x, y = handle.evaluate(f"""([lat, lon]) => {{
        const map = {FIND_MAP};
        map.setView([lat, lon], 13, {{animate: false}});
        window.__before_edit = [map, (window.feature_group || []).at(-1)];
        const p = map.latLngToContainerPoint([lat, lon]);
        return [p.x, p.y];
    }}""", [lat, lon])
    frame.click(position={"x": x, "y": y})


def wait_redrawn(page: Page) -> None:
    """Until the map frame shows new edited layers on its map, or a Leaflet map other than the
    one clicked, with paths drawn."""
    page.wait_for_function(f"""() => {{
        for (const el of document.querySelectorAll("{MAP.split(':')[0]}")) {{
            const w = el.contentWindow;
            if (!w || !w.L || el.offsetParent === null) continue;
            const map = Object.keys(w).filter(k => k.startsWith('map_')).map(k => w[k])
                .find(v => v instanceof w.L.Map);
            const before = w.__before_edit || [], group = (w.feature_group || []).at(-1);
            if (map && (before[0] !== map || (group !== before[1] && map.hasLayer(group)))
                && w.document.querySelectorAll('path').length > 0) return true;
        }}
        return false;
    }}""", timeout=TIMEOUT_MS)


def _places_here(page: Page):
    return page.get_by_text(re.compile("^Places here: "))


def test_three_wards_clicked_into_a_new_place_then_undone(page: Page, app_url: str,
                                                          store_2026: Store) -> None:
    page.goto(f"{app_url}/{LINK}")
    expect(_frame(page).locator("path").first).to_be_attached(timeout=TIMEOUT_MS)
    flags = page.get_by_text(re.compile(r"^\d+ flags in this ICB"))
    flags_before = flags.inner_text()
    page.get_by_test_id("stSelectbox").filter(has_text="Move clicked areas to").click()
    page.get_by_role("option", name="New place…").click()
    expect(page.get_by_label("Name of the new place")).to_have_value("New place",
                                                                     timeout=TIMEOUT_MS)
    points = bolton_ward_points(store_2026, 3)
    for ward, lat, lon in points:
        click_at(page, lat, lon)
        expect(page.get_by_text(re.compile(f"Undo takes back: .*{ward}"))).to_be_visible(
            timeout=TIMEOUT_MS)
        wait_redrawn(page)
    expect(_places_here(page)).to_contain_text("New place")
    editor = page.get_by_test_id("stDataFrame").first
    expect(editor).to_contain_text(points[0][0], timeout=TIMEOUT_MS)
    expect(flags).not_to_have_text(flags_before)  # Bolton is now split across two places
    assert "places=edit" in page.url
    save_screenshot(page, "map_edit_three_wards")

    undo = page.get_by_role("button", name="Undo")
    for _ in points:
        undo.click()
        page.wait_for_timeout(300)
        expect(undo).to_be_visible(timeout=TIMEOUT_MS)
    expect(_places_here(page)).not_to_contain_text("New place", timeout=TIMEOUT_MS)
    expect(undo).to_be_disabled(timeout=TIMEOUT_MS)
    expect(flags).to_have_text(flags_before)
    expect(page).to_have_url(re.compile("places=greater_manchester"), timeout=TIMEOUT_MS)


#: Per layer pane (services/map_panes.py): how many paths, and how many of them were there
#: when last counted (each is marked ``data-kept``); whether the map is the one last counted;
#: its position.
PANE_PATHS = f"""() => {{
    const map = {FIND_MAP}, count = {{}}, c = map.getCenter();
    for (const layer of ["place", "ward", "icb"]) {{
        const paths = [...map.getPane("placemap-" + layer).querySelectorAll("path")];
        count[layer] = {{all: paths.length, kept: paths.filter(p => p.dataset.kept).length}};
        paths.forEach(p => {{ p.dataset.kept = "1"; }});
    }}
    const same_map = window.__counted === map;
    window.__counted = map;
    return {{count, same_map, view: [c.lat, c.lng, map.getZoom()]}};
}}"""


def test_a_click_redraws_the_place_layer_only_in_the_same_map(page: Page, app_url: str,
                                                              store_2026: Store) -> None:
    """The ward and ICB outlines stay the same DOM nodes; the place layer is drawn anew, with
    the new place; the map is the same Leaflet map, where it was (no refit, no jump)."""
    page.goto(f"{app_url}/{LINK}")
    expect(_frame(page).locator("path").first).to_be_attached(timeout=TIMEOUT_MS)
    page.get_by_test_id("stSelectbox").filter(has_text="Move clicked areas to").click()
    page.get_by_role("option", name="New place…").click()
    expect(page.get_by_label("Name of the new place")).to_have_value("New place",
                                                                     timeout=TIMEOUT_MS)
    (ward, lat, lon), = bolton_ward_points(store_2026, 1)
    page.wait_for_timeout(1000)  # the map's own position rerun settles
    handle = page.locator(MAP).last.element_handle().content_frame()
    before = handle.evaluate(PANE_PATHS)
    click_at(page, lat, lon)  # centres the map on the point at zoom 13, then clicks
    expect(page.get_by_text(re.compile(f"Undo takes back: .*{ward}"))).to_be_visible(
        timeout=TIMEOUT_MS)
    wait_redrawn(page)
    after = handle.evaluate(PANE_PATHS)
    assert after["same_map"], "the whole map was drawn again"
    for kept in ("ward", "icb"):
        assert after["count"][kept] == {"all": before["count"][kept]["all"],
                                        "kept": before["count"][kept]["all"]}, kept
    assert after["count"]["place"] == {"all": before["count"]["place"]["all"] + 1, "kept": 0}
    assert after["view"] == pytest.approx([lat, lon, 13], abs=1e-3)
    hit = handle.evaluate(f"""([lat, lon]) => {{
        const p = ({FIND_MAP}).latLngToContainerPoint([lat, lon]);
        return document.elementFromPoint(p.x, p.y).tagName;
    }}""", [lat, lon])
    assert hit == "path"  # the panes above let the mouse through to the place under it
    places = after["count"]["place"]["all"]
    expect(page.locator(MAP).last).to_have_attribute(  # the map renamed for what it shows
        "aria-label", re.compile(f"; {places} Place\\. "))
