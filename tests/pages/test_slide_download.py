"""The Map page offers the map as PNG, SVG and PDF, and what it downloads is the file
``placemap map`` writes for the same view (same renderer, same features: the same bytes)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from placemap_cli import main

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
GM = "E54000057"
VIEW = {"icb": GM, "places": "greater_manchester", "layers": "icb,hwb,lad,place",
        "area": "E08000001"}  # Bolton selected


def _map_page(monkeypatch: pytest.MonkeyPatch) -> tuple[AppTest, dict]:
    """The Map page of ``VIEW`` with "Download map for slides" switched on, and each download
    button's data (a callable run on click)."""
    offered: dict = {}
    button = st.download_button

    def record(label, data, file_name=None, mime=None, **kwargs):
        offered[file_name.rsplit(".", 1)[1]] = (data, file_name, mime)
        return button(label, data, file_name, mime, **kwargs)

    monkeypatch.setattr(st, "download_button", record)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in VIEW.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.get("download_button") and not offered  # nothing until asked for
    app.toggle(key="slide_download").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    return app, offered


def test_map_page_offers_the_map_for_slides(maps, monkeypatch: pytest.MonkeyPatch) -> None:
    app, offered = _map_page(monkeypatch)
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Download map (PNG)", "Download map (SVG)", "Download map (PDF)"]
    assert {fmt: (name, mime) for fmt, (_, name, mime) in offered.items()} == {
        "png": (f"placemap-{GM}-2026-E08000001.png", "image/png"),
        "svg": (f"placemap-{GM}-2026-E08000001.svg", "image/svg+xml"),
        "pdf": (f"placemap-{GM}-2026-E08000001.pdf", "application/pdf")}
    assert all(callable(data) for data, _, _ in offered.values())  # drawn only on a click


def test_the_download_is_the_cli_file(maps, monkeypatch: pytest.MonkeyPatch, store_dir: Path,
                                      tmp_path: Path) -> None:
    _, offered = _map_page(monkeypatch)
    for fmt in ("png", "svg", "pdf"):
        out = tmp_path / f"map.{fmt}"
        assert main(["map", "--icb", GM, "--places", VIEW["places"], "--layers", VIEW["layers"],
                     "--area", VIEW["area"], "--store", str(store_dir), "--out", str(out)]) == 0
        downloaded = offered[fmt][0]()
        assert downloaded == out.read_bytes(), fmt
    assert Image.open(io.BytesIO(offered["png"][0]())).size == (1920, 1080)  # kept, not redrawn
