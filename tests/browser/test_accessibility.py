"""Every page in a real browser checked by axe-core (pinned in ui/assets.py): no serious or
critical violation, in the page and in the map's frame."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_dashboard import TIMEOUT_MS
from ui.assets import AXE, fetch

pytestmark = [pytest.mark.browser, pytest.mark.mirror]
LINK = "?icb=E54000057&places=greater_manchester"
#: The impacts axe-core calls serious or critical: each must be fixed, not listed.
BLOCKING = ("serious", "critical")
MAP_PAGES = ("overview", "map", "changes")


def page_paths() -> list[str]:
    """Every page registered in app.py's PAGE_TABLE (read, not imported: importing runs it)."""
    tree = ast.parse((Path(__file__).parents[2] / "app.py").read_text(encoding="utf-8"))
    table = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                 and getattr(node.targets[0], "id", "") == "PAGE_TABLE")
    return [path for path, _, _ in ast.literal_eval(table)]


def settled(page: Page) -> None:
    """The page has finished running: its title is shown, nothing is running, and any map has
    drawn its areas."""
    expect(page.locator("h1").first).to_be_visible(timeout=2 * TIMEOUT_MS)  # a cold server
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stSpinner")).to_have_count(0, timeout=TIMEOUT_MS)


def axe_violations(page: Page) -> list[dict]:
    """axe-core run on the page, with axe loaded into every frame so it checks inside them."""
    source = fetch(AXE).read_text(encoding="utf-8")
    for frame in page.frames:
        frame.add_script_tag(content=source)
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + n.html.slice(0, 120)
                + " " + n.failureSummary)}));
    }""")


@pytest.mark.parametrize("path", page_paths())
def test_no_serious_or_critical_violation(page: Page, app_url: str, path: str) -> None:
    page.goto(f"{app_url}/{path}{LINK}")
    settled(page)
    if path in MAP_PAGES:
        frame = page.locator("iframe[title='streamlit_folium.st_folium']:visible").last
        expect(frame.content_frame.locator("path").first).to_be_attached(timeout=TIMEOUT_MS)
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(f"{v['impact']} {v['id']}: {v['help']} {v['nodes']}"
                                   for v in blocking)
