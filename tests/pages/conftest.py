"""Page AppTests run on the store built from the mirror, with the map widgets recorded: the Map
page's rendered map (``send_map``) and the Changes page's folium DualMap (``st_folium``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.io.drafts_db import DATABASE_URL_ENV, sqlite_url
from ui import map_widget


@pytest.fixture
def maps(monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> list:
    monkeypatch.setenv("PLACEMAP_STORE", str(store_dir))
    drawn: list = []
    monkeypatch.setattr(map_widget, "st_folium", lambda fmap, **kwargs: drawn.append(
        (fmap, kwargs)))
    monkeypatch.setattr(map_widget, "send_map", lambda rendered, height, **position: drawn.append(
        (rendered, {"height": height, **position})))
    return drawn


@pytest.fixture(autouse=True)
def drafts_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each page test its own SQLite drafts database: the default one sits beside the store,
    which the test workers share (a test may still set ``PLACEMAP_DATABASE_URL`` itself)."""
    monkeypatch.setenv(DATABASE_URL_ENV, sqlite_url(tmp_path / "drafts.sqlite3"))
