"""Every page works in both generations and names the boundaries it shows."""

from __future__ import annotations

import pytest

from layers import GENERATIONS
from tests.pages.test_pages import GM, _app

pytestmark = pytest.mark.mirror
PAGES = ["overview", "map", "coterminosity", "coverage", "flags", "places", "export", "changes",
         "data"]


@pytest.mark.parametrize("generation", list(GENERATIONS))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_each_generation_and_says_which(maps, page, generation) -> None:
    app = _app(page, icb=GM, vintage=generation)
    captions = " ".join(str(c.value) for c in app.caption)
    assert f"Boundaries as at {GENERATIONS[generation].label}" in captions
