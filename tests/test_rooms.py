"""Live rooms: codes, tokens, expiry and the view payload (pure), and the rooms table on both
backends (SQLite and a throwaway PostgreSQL, as tests/test_drafts_db.py), with a fake clock."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from services.io.drafts_db import DraftsDB
from services.io.rooms_db import RoomsDB
from services.rooms import (
    CODE_ALPHABET,
    CODE_LENGTH,
    PRESENTER_TIMEOUT,
    NotPresenter,
    RoomEnded,
    RoomError,
    RoomNotFound,
    RoomPoll,
    check_code,
    display_code,
    follow_view,
    new_code,
    poll_answer,
    read_payload,
    token_hash,
    view_payload,
)
from services.view_state import ViewState, read_link
from tests.test_drafts_db import Backend, postgres  # noqa: F401  (fixture)
from tests.test_drafts_db import backend as backend  # the fixture, re-exported
from ui import room_route

VIEW = ViewState(icb="E54000057", area="Bury", layers=("icb", "place"), lat=53.5, lon=-2.3,
                 zoom=11, places="greater_manchester")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rooms(backend: Backend, clock: Clock):
    db = DraftsDB(backend.url)
    yield RoomsDB(db, clock=clock)
    db.dispose()


def test_codes_are_short_random_and_read_back_however_typed() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    code = "ABCDEF23"
    assert display_code(code) == "ABCD-EF23"
    assert check_code(" abcd-ef23 ") == code
    for bad in ("ABCD", "ABCDEF2O", "ABCDEF231", "<b>x</b>", ""):
        with pytest.raises(RoomError, match="is not a room code"):
            check_code(bad)


def test_the_payload_is_the_presenters_link_without_room_or_presentation_mode() -> None:
    payload = view_payload("coverage", VIEW.with_(present=True, room="ABCDEF23"))
    room_view, problems = read_payload(payload)
    assert problems == [] and room_view.page == "coverage"
    assert room_view.view == VIEW  # present and room are each screen's own


def test_a_link_may_name_a_room_and_a_bad_code_is_reported() -> None:
    assert read_link("room=abcd-ef23")[0].room == "ABCDEF23"
    view, problems = read_link("room=nope")
    assert view.room == "" and "is not a room code" in problems[0]


def test_followers_read_the_view_only_when_the_version_moves(rooms: RoomsDB) -> None:
    code, token = rooms.open(view_payload("map", VIEW))
    assert rooms.status(code).version == 1 and rooms.status(code).ended == ""
    moved = view_payload("map", VIEW.with_(zoom=12))
    assert rooms.publish(code, token, moved) == 2
    assert rooms.view(display_code(code)) == (2, moved)
    assert rooms.db.engine.dialect.name in ("sqlite", "postgresql")


def test_only_the_presenters_token_writes_and_a_wrong_one_changes_nothing(
        rooms: RoomsDB) -> None:
    code, token = rooms.open(view_payload("map", VIEW))
    before = rooms.view(code)
    for wrong in ("", "x" * 43, token_hash(token)):  # nor the stored hash itself
        with pytest.raises(NotPresenter, match="only the presenter's session can change"):
            rooms.publish(code, wrong, view_payload("data", ViewState()))
        with pytest.raises(NotPresenter):
            rooms.end(code, wrong)
    assert rooms.view(code) == before and rooms.status(code).ended == ""


def test_hundreds_of_wrong_codes_get_a_message_and_the_room_is_unharmed(
        rooms: RoomsDB) -> None:
    code, _token = rooms.open(view_payload("map", VIEW))
    before = rooms.view(code)
    wrong = [c for c in (new_code() for _ in range(300)) if c != code]
    for guess in wrong:
        with pytest.raises(RoomNotFound, match=r"there is no live room .*check the code"):
            rooms.status(guess)
    assert rooms.view(code) == before


def test_a_room_ends_when_the_presenter_ends_it_or_is_not_seen(rooms: RoomsDB,
                                                               clock: Clock) -> None:
    code, token = rooms.open(view_payload("map", VIEW))
    clock.now += PRESENTER_TIMEOUT - timedelta(seconds=1)
    rooms.touch(code, token)  # seen: the minute starts again
    clock.now += PRESENTER_TIMEOUT - timedelta(seconds=1)
    assert rooms.status(code).ended == ""
    clock.now += timedelta(seconds=2)
    assert "not been seen for 60 seconds" in rooms.status(code).ended
    with pytest.raises(RoomEnded, match="has ended: the presenter has not been seen"):
        rooms.view(code)
    with pytest.raises(RoomEnded):
        rooms.publish(code, token, view_payload("map", VIEW))

    other, other_token = rooms.open(view_payload("map", VIEW))
    rooms.end(other, other_token)
    assert rooms.status(other).ended == "the presenter ended it"


def test_the_presenter_sees_how_many_follow(rooms: RoomsDB, clock: Clock) -> None:
    code, token = rooms.open(view_payload("map", VIEW))
    rooms.seen(code, "a", following=True)
    rooms.seen(code, "b", following=True)
    rooms.seen(code, "c", following=False)  # exploring on their own
    assert rooms.touch(code, token) == 2
    rooms.seen(code, "b", following=False)
    assert rooms.followers(code) == 1
    clock.now += timedelta(seconds=20)  # a closed tab stops being counted
    assert rooms.touch(code, token) == 0


def test_a_follower_browser_moves_the_map_itself_and_reruns_only_for_the_rest() -> None:
    moved = follow_view(view_payload("map", VIEW.with_(zoom=12, lat=53.45)))
    assert (moved.page, moved.lat, moved.lon, moved.zoom) == ("map", 53.45, -2.3, 12)
    assert moved.where == follow_view(view_payload("map", VIEW)).where  # the position alone
    assert "zoom" not in moved.where and "lat=" not in moved.where
    assert "icb=E54000057" in moved.where
    for other in (view_payload("coverage", VIEW), view_payload("map", VIEW.with_(area="Wigan"))):
        assert follow_view(other).where != moved.where
    fitted = follow_view(view_payload("map", VIEW.with_(lat=None, lon=None, zoom=None)))
    assert (fitted.lat, fitted.lon, fitted.zoom) == (None, None, None)


def test_the_poll_answer_carries_the_view_only_when_new_and_never_a_token() -> None:
    poll = RoomPoll(3, view_payload("map", VIEW))
    assert poll_answer(poll, since=3) == {"version": 3, "ended": ""}
    full = poll_answer(poll, since=2)
    assert set(full) == {"version", "ended", "where", "page", "lat", "lon", "zoom"}
    assert full["zoom"] == 11 and full["page"] == "map"
    ended = RoomPoll(3, view_payload("map", VIEW), "the presenter ended it")
    assert poll_answer(ended, since=None) == {"version": 3, "ended": "the presenter ended it"}


def _get(path: str, query: str = "", method: str = "GET") -> tuple[int, dict]:
    """The route answered as the server calls its middleware (anything else passed on)."""
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def streamlit(scope, receive, send) -> None:
        raise AssertionError(f"{scope['path']} was passed on to Streamlit")

    room_route._RECENT = room_route._Recent()  # each call reads the database afresh
    asyncio.run(room_route.RoomPolls(streamlit)(
        {"type": "http", "method": method, "path": path, "query_string": query.encode()},
        None, send))
    headers = dict(sent[0]["headers"])
    assert headers[b"cache-control"] == b"no-store"
    assert int(headers[b"content-length"]) == len(sent[1]["body"])  # keep-alive clients read it
    return sent[0]["status"], json.loads(sent[1]["body"])


def test_the_route_reads_a_room_and_refuses_bad_codes_with_a_message(
        rooms: RoomsDB, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(room_route, "shared_rooms", lambda: rooms)
    code, token = rooms.open(view_payload("map", VIEW))
    route = room_route.ROUTE_PREFIX
    status, answer = _get(f"{route}/{display_code(code).lower()}", "since=")
    assert status == 200 and answer["version"] == 1 and answer["zoom"] == 11
    assert token not in json.dumps(answer) and token_hash(token) not in json.dumps(answer)
    assert _get(f"{route}/{code}", "since=1") == (200, {"version": 1, "ended": ""})
    assert _get(f"{route}/{code}", "since=" + "9" * 40)[1]["zoom"] == 11  # no version: in full
    status, answer = _get(f"{route}/ZZZZ2222")
    assert status == 404 and "there is no live room ZZZZ-2222" in answer["error"]
    status, answer = _get(f"{route}/<b>x")
    assert status == 400 and "is not a room code" in answer["error"]
    status, answer = _get(f"{route}/{code}/x")
    assert status == 400 and "is not a room code" in answer["error"]
    status, answer = _get(f"{route}/{code}", method="POST")
    assert status == 405 and "read-only" in answer["error"]
    assert rooms.poll(code).version == 1  # unchanged
    rooms.end(code, token)
    assert _get(f"{route}/{code}", "since=1")[1]["ended"] == "the presenter ended it"
    assert rooms.poll(code).ended == "the presenter ended it"


def test_the_route_shares_a_recent_read_between_polls() -> None:
    recent, poll = room_route._Recent(), RoomPoll(4, "x")
    recent.put("ABCDEF23", poll)
    assert recent.get("ABCDEF23") is poll and recent.get("ABCDEF24") is None
    for k in range(room_route.ROOMS_KEPT):
        recent.put(f"K{k}", poll)
    assert recent.get("ABCDEF23") is None and recent.get("K1") is poll  # bounded, oldest out


def test_the_route_keeps_each_answer_of_a_read_and_lends_the_read_to_catch_ups() -> None:
    recent, poll = room_route._Recent(), RoomPoll(4, view_payload("map", VIEW))
    recent.put("ABCDEF23", poll)
    body = recent.body("ABCDEF23", poll, None)
    assert json.loads(body)["version"] == 4 and json.loads(body)["zoom"] == 11
    assert recent.body("ABCDEF23", poll, None) is body  # made once per read
    assert json.loads(recent.body("ABCDEF23", poll, 4)) == {"version": 4, "ended": ""}
    newer = RoomPoll(5, poll.payload)
    recent.put("ABCDEF23", newer)
    assert json.loads(recent.body("ABCDEF23", newer, 4))["version"] == 5  # not the old read's
    saved = room_route._RECENT
    try:
        room_route._RECENT = recent
        assert room_route.recent_poll("ABCDEF23", 5) is newer
        assert room_route.recent_poll("ABCDEF23", 6) is None  # asked for a later version
        assert room_route.recent_poll("ABCDEF24", 1) is None
        recent.put("ABCDEF23", RoomPoll(6, poll.payload, "the presenter ended it"))
        assert room_route.recent_poll("ABCDEF23", 6) is None  # over: the database says how
    finally:
        room_route._RECENT = saved


def test_polls_arriving_while_the_room_is_read_share_that_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    reads = []

    class Rooms:
        def poll(self, code: str) -> RoomPoll:
            reads.append(code)
            time.sleep(0.05)  # the database's answer takes a while: the other polls arrive
            return RoomPoll(7, view_payload("map", VIEW))

    monkeypatch.setattr(room_route, "shared_rooms", Rooms)
    monkeypatch.setattr(room_route, "_RECENT", room_route._Recent())

    async def polls() -> list[tuple[int, bytes]]:
        return await asyncio.gather(*(room_route.answer("ABCDEF23", "7") for _ in range(10)))

    answers = asyncio.run(polls())
    assert reads == ["ABCDEF23"] and {json.loads(a[1])["version"] for a in answers} == {7}
    assert not room_route._READING  # nothing left in flight
