"""Page tests run the app on the store built from the mirror, with the map widget (a custom
component) replaced by a recorder; the real browser tests cover it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui import context


@pytest.fixture
def maps(monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> list:
    monkeypatch.setenv("PLACEMAP_STORE", str(store_dir))
    drawn: list = []
    monkeypatch.setattr(context, "st_folium", lambda fmap, **kwargs: drawn.append(
        (fmap, kwargs)))
    return drawn
