"""The map widget reports each click once (ui/map_widget.py new_click)."""

from __future__ import annotations

import pytest

from ui import map_widget


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> dict:
    state: dict = {}
    monkeypatch.setattr(map_widget.st, "session_state", state)
    return state


def _state(lat: float | None, lng: float | None) -> dict:
    return {"center": {"lat": 53.5, "lng": -2.4}, "zoom": 10,
            "last_clicked": None if lat is None else {"lat": lat, "lng": lng}}


def test_a_click_is_reported_once_then_not_on_later_reruns(session: dict) -> None:
    assert map_widget.new_click(_state(53.58, -2.43), "map-a") == (53.58, -2.43)
    assert map_widget.new_click(_state(53.58, -2.43), "map-a") is None  # a pan's rerun
    assert map_widget.new_click(_state(53.60, -2.40), "map-a") == (53.60, -2.40)


def test_the_same_point_on_another_map_is_a_new_click(session: dict) -> None:
    assert map_widget.new_click(_state(53.58, -2.43), "map-a") == (53.58, -2.43)
    assert map_widget.new_click(_state(53.58, -2.43), "map-b") == (53.58, -2.43)


@pytest.mark.parametrize("state", [None, {}, {"center": {"lat": 1, "lng": 2}, "zoom": 3},
                                   _state(None, None), {"last_clicked": {"lat": None}}])
def test_no_click_is_none(session: dict, state: dict | None) -> None:
    assert map_widget.new_click(state, "map-a") is None
