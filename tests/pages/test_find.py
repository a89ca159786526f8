"""The sidebar's search as you type (ui/find.py), with the search box recorded: what it offers
for a typo, and that picking a result opens it on the map."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import find

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def box(monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> dict:
    """A search box typed into (``box["typed"]``) that picks the result whose label starts
    with ``box["pick"]`` once; what it was offered is in ``box["offered"]``."""
    monkeypatch.setenv("PLACEMAP_STORE", str(store_dir))
    state: dict = {"typed": "", "pick": None, "offered": []}

    def searchbox(search_function, *, submit_function, **kwargs) -> None:
        state["offered"] = search_function(state["typed"]) if state["typed"] else []
        chosen = [hit for text, hit in state["offered"] if state["pick"]
                  and text.startswith(state["pick"])]
        if chosen:
            state["pick"] = None  # once: the page reruns after a pick
            submit_function(chosen[0])

    monkeypatch.setattr(find, "searchbox", searchbox)
    return state


def _run(**query: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_typing_bolten_offers_bolton_with_its_type_and_icb(box: dict) -> None:
    box["typed"] = "bolten"
    _run()
    labels = [text for text, _ in box["offered"]]
    assert labels[:3] == [
        "Bolton · Place · NHS Greater Manchester Integrated Care Board",
        "Bolton · Lower-tier council (LAD), E08000001 · NHS Greater Manchester Integrated "
        "Care Board",
        "Bolton · Upper-tier council / HWB area, E08000001 · NHS Greater Manchester "
        "Integrated Care Board"]


def test_typing_darlinton_offers_darlington(box: dict) -> None:
    box["typed"] = "darlinton"
    _run()
    assert box["offered"][0][1].name == "Darlington"


def test_picking_a_result_opens_it_on_the_map(box: dict) -> None:
    box["typed"], box["pick"] = "craven", "Craven · Electoral ward"
    app = _run(icb="E54000057", layers="icb,lad")
    assert app.query_params["area"].startswith("E05")
    assert "ward" in app.query_params["layers"].split(",")
    assert app.query_params["icb"] == "E54000054"  # West Yorkshire
