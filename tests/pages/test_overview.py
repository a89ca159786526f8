"""The England overview is the landing page: a session opened with no link shows every ICB of the
current generation; a link naming an ICB still opens its Map page; choosing a row opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers import LATEST
from tests.pages.test_pages import GM

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
ICBS = {"2026": 36, "2024": 42}


def _open(**query: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_no_link_opens_the_england_overview_with_every_icb(maps) -> None:
    app = _open()
    assert app.title[0].value == f"England: {ICBS[LATEST]} ICBs as at April 2026"
    table = app.dataframe[0].value
    assert len(table) == ICBS[LATEST] and table["icb_name"].is_unique
    fmap, kwargs = maps[-1]
    assert kwargs["returned_objects"] == ["last_active_drawing"]
    assert fmap.get_root().render().count('"share_text"') >= ICBS[LATEST]
    assert any("population-based" in c.value for c in app.caption)


def test_the_2024_overview_has_42_icbs_and_no_nhs_regions(maps) -> None:
    app = _open(vintage="2024")
    assert len(app.dataframe[0].value) == 42
    assert "region_name" not in app.dataframe[0].value.columns


def test_a_link_naming_an_icb_still_opens_its_map(maps) -> None:
    app = _open(icb=GM)
    assert app.title[0].value == "NHS Greater Manchester Integrated Care Board"
