"""A follower's session (ui/rooms.py) with its browser's poller (ui/follow.py) recorded: the
viewer link shows the room's view; the poller is drawn with the part of the view that needs a
rerun; when the browser asks for a newer version the session shows it (ICB, page), and when it
says the room is over the viewer is told and keeps the view."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services.io.drafts_db import sqlite_url
from services.io.rooms_db import RoomsDB
from services.rooms import display_code, follow_view, view_payload
from services.view_state import ViewState
from ui import follow

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
VIEW = ViewState(icb="E54000057", places="greater_manchester", layers=("icb", "lad", "place"),
                 lat=53.5, lon=-2.3, zoom=11, basemap=False)


@pytest.fixture
def poller(monkeypatch: pytest.MonkeyPatch, store_dir: Path, tmp_path: Path,
           maps: list) -> dict:
    """The browser's poller: ``poller["asked"]`` is what it asks; ``poller["drawn"]`` the
    (code, where) it was drawn with, run after run."""
    monkeypatch.setenv("PLACEMAP_DATABASE_URL", sqlite_url(tmp_path / "rooms.sqlite3"))
    state: dict = {"asked": None, "drawn": []}
    monkeypatch.setattr(follow, "asked", lambda code: state["asked"])
    monkeypatch.setattr(follow, "poller", lambda code, where: state["drawn"].append(
        (code, where)))
    return state


def _run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_a_follower_shows_the_room_and_catches_up_when_its_browser_asks(poller: dict) -> None:
    rooms = RoomsDB()
    code, token = rooms.open(view_payload("map", VIEW))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["room"] = code
    _run(app)
    assert any("following the presenter" in m.value for m in app.markdown)
    assert app.session_state["view"].icb == VIEW.icb and app.session_state["view"].zoom == 11
    assert poller["drawn"][-1] == (code, follow_view(view_payload("map", VIEW)).where)

    moved = VIEW.with_(icb="E54000054", places=ViewState().places, lat=None, lon=None, zoom=None)
    version = rooms.publish(code, token, view_payload("coverage", moved))
    _run(app)  # a rerun the browser did not ask for: nothing changes
    assert app.session_state["view"].icb == VIEW.icb
    poller["asked"] = version
    _run(app)
    assert app.session_state["view"].icb == "E54000054"
    assert any(t.value.startswith("Coverage") for t in app.title)
    assert poller["drawn"][-1] == (code, follow_view(view_payload("coverage", moved)).where)

    rooms.end(code, token)
    poller["asked"] = follow.ENDED
    _run(app)
    assert any(f"room {display_code(code)} has ended: the presenter ended it" in i.value
               for i in app.info)
    assert app.session_state["view"].room == "" and app.session_state["view"].icb == "E54000054"


def test_a_followers_runs_take_the_position_its_browser_moved_to_without_reporting_it(
        poller: dict) -> None:
    """The poller moves the map itself and the map does not report it back (one rerun per
    follower per move saved): the session's next run, and its stopping, take the room's
    position, so the link holds what the map shows."""
    rooms = RoomsDB()
    code, token = rooms.open(view_payload("map", VIEW))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["room"] = code
    _run(app)
    rooms.publish(code, token, view_payload("map", VIEW.with_(lat=53.45, lon=-2.25, zoom=12)))
    _run(app)  # the browser did not ask (a move only): the position is the room's all the same
    view = app.session_state["view"]
    assert (view.lat, view.lon, view.zoom) == (53.45, -2.25, 12) and view.icb == VIEW.icb

    rooms.publish(code, token, view_payload("map", VIEW.with_(lat=53.4, lon=-2.2, zoom=13)))
    rooms.end(code, token)
    poller["asked"] = follow.ENDED
    _run(app)
    view = app.session_state["view"]
    assert view.room == "" and (view.lat, view.lon, view.zoom) == (53.4, -2.2, 13)


def test_a_following_session_draws_no_sidebar_controls_until_it_stops_following(
        poller: dict) -> None:
    """While following, the view is the presenter's: the sidebar says so and keeps the share
    box; switching off "Follow the presenter" brings the controls back at once."""
    code, _token = RoomsDB().open(view_payload("map", VIEW))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["room"] = code
    _run(app)
    assert not app.sidebar.selectbox and not app.sidebar.slider
    assert any(f"Following room {display_code(code)}" in m.value for m in app.sidebar.markdown)
    assert any("Share this view" in m.value for m in app.sidebar.markdown)
    next(t for t in app.toggle if t.label == "Follow the presenter").set_value(False)
    _run(app)
    assert any("exploring on your own" in m.value for m in app.markdown)
    assert {"Boundaries as at", "ICB", "Places"} <= {s.label for s in app.sidebar.selectbox}
    assert app.session_state["view"].icb == VIEW.icb  # the view it followed, kept
