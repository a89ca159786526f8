"""AppTest of the Changes page on the store built from the mirror: both generations' maps (one
DualMap; the widget is replaced by the ``maps`` recorder of tests/pages/conftest.py) and the
tables."""

from __future__ import annotations

from pathlib import Path

import folium.plugins
import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
FRIMLEY = "E54000034"


def _changes_page() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.run()
    app.switch_page("pages/changes.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_changes_page_shows_both_maps_and_the_tables(maps) -> None:
    app = _changes_page()
    assert app.title[0].value == "What changed: April 2024 → April 2026"
    fmap, kwargs = maps[-1]
    assert isinstance(fmap, folium.plugins.DualMap) and kwargs["returned_objects"] == []
    html = fmap.get_root().render()
    assert "ICB, April 2024" in html and "ICB, April 2026" in html
    assert "NHS Frimley Integrated Care Board" in html and "jsdelivr" not in html
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["ICBs, April 2024 → April 2026"] == "42 → 36"
    assert metrics["LSOAs that changed ICB"] == "10,207"
    tables = [frame.value for frame in app.dataframe]
    assert len(tables) == 6
    icbs = tables[0].set_index("icb_code")
    assert icbs.loc[FRIMLEY, "change"] == "divided"
    assert any("April 2024 → April 2026" in sub.value for sub in app.subheader)


def test_changes_page_for_one_icb(maps) -> None:
    app = _changes_page()
    app.main.selectbox[0].set_value(FRIMLEY).run()  # the page's own picker
    assert not app.exception, [e.value for e in app.exception]
    flows = app.dataframe[1].value
    assert set(flows["icb_2024_code"]) == {FRIMLEY}
    assert flows["people"].sum() == 764_343
