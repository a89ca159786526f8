"""The dashboard on a broken or missing store: the validator's message (what is wrong, rebuild
with `placemap data build`) is shown in place of the pages, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.tiny_store import write_tiny

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("damage", "problem"), [
    ("meta is a list", "meta.json holds list [], expected an object"),
    ("spine replaced by a layer", "spine.parquet has no column lsoa21_code"),
    ("no store", "No geography store at"),
])
def test_dashboard_says_to_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   damage: str, problem: str) -> None:
    store = tmp_path / "store"
    if damage != "no store":
        write_tiny(store, "7")
        folder = store.resolve()
        if damage == "meta is a list":
            (folder / "meta.json").write_text("[]")
        else:
            (folder / "spine.parquet").write_bytes((folder / "icb_2024.parquet").read_bytes())
    monkeypatch.setenv("PLACEMAP_STORE", str(store))
    st.cache_resource.clear()  # a store another test of this process loaded is not this one
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert problem in app.error[0].value
    assert "placemap data build" in app.error[0].value
