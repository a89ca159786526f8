"""Live rooms in the dashboard: "Present live" opens a room whose followers' screens show the
presenter's view within a second (services/rooms.py; state in the drafts database through
services/io/rooms_db.py, so servers sharing PostgreSQL share rooms).

The presenter's session publishes its view after every run and every pan (:func:`publish`) and
says it is there from a fragment (:func:`_presenter_status`). A viewer's browser polls the room
(ui/follow.py, through ui/room_route.py: no script run per poll) and moves its map to a new centre
and zoom itself; when more than the position changed it reruns the viewer's session once, which
reads the view and shows it (:func:`_catch_up`; the map start position is dropped, so
``ui.map_widget`` sends the new one to the same widget, re-rendered only when its content
changed). A fragment every few seconds says the viewer is there and notices the room's end.
The viewer's link names the room (``?room=CODE``), never the presenter's token.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from services.io.drafts_faults import DraftsUnavailable
from services.rooms import (
    PRESENTER_HEARTBEAT_S,
    VIEWER_HEARTBEAT_S,
    RoomEnded,
    RoomError,
    check_code,
    display_code,
    follow_view,
    read_payload,
    view_payload,
)
from services.view_state import ViewState
from ui import context, follow, room_route, text
from ui.configs import config_names
from ui.keys import Key

if TYPE_CHECKING:
    from services.io.rooms_db import RoomsDB

PAGE_FILES = "pages/{}.py"
_PRESENTER_KEYS = (Key.ROOM_CODE, Key.ROOM_TOKEN, Key.ROOM_PUBLISHED, Key.ROOM_FOLLOWERS)
_VIEWER_KEYS = (Key.ROOM_FOLLOWING, Key.ROOM_VERSION, Key.ROOM_WHERE, Key.ROOM_SEEN,
                Key.ROOM_READ)


def rooms_db() -> RoomsDB:
    """The rooms' database, imported when a room is used: a page outside a room never needs
    SQLAlchemy (~0.2 s of a cold start's first map)."""
    from services.io.rooms_db import shared_rooms

    return shared_rooms()


def presenting() -> str:
    """The code of the room this session presents, or ""."""
    return st.session_state.get(Key.ROOM_CODE, "")


def following() -> bool:
    """This session follows a live room: a viewer, not presenting, with its follow switch on."""
    return bool(context.view().room) and not presenting() \
        and st.session_state.get(Key.ROOM_FOLLOWING, True)


def viewer_link(code: str) -> str:
    """The app's root with the room: the viewer's session opens the room's page itself."""
    parts = urlsplit(st.context.url or "")
    return urlunsplit((parts.scheme, parts.netloc, "/", urlencode({"room": code}), ""))


def sidebar_controls() -> None:
    """In the sidebar: start presenting live, or join a room by its code."""
    if presenting():
        return
    st.markdown("**Live room**")
    if st.button("Present live", icon=":material/cast:",
                 help="Open a room: people with its code or link see your view as you move"):
        start()
    with st.form("join_room", border=False, enter_to_submit=True):
        code = st.text_input("Join a room", placeholder="room code, e.g. ABCD-EF23")
        if st.form_submit_button("Join") and code:
            join(code)


def start() -> None:
    """Open a room showing this session's view (leaving any room it followed)."""
    _leave_viewing()
    page = st.session_state.get(Key.LAST_PAGE, "map")
    payload = view_payload(page, context.view())
    try:
        code, token = rooms_db().open(payload)
    except DraftsUnavailable as exc:
        st.error(f"Cannot open a live room: {exc}")
        return
    st.session_state.update({Key.ROOM_CODE: code, Key.ROOM_TOKEN: token,
                             Key.ROOM_PUBLISHED: payload, Key.ROOM_FOLLOWERS: 0,
                             Key.ROOM_SEEN: time.monotonic()})
    st.rerun()


def join(raw: str) -> None:
    """Follow the room named by ``raw`` (as typed), or say why not; nothing else changes."""
    try:
        code = check_code(raw)
        status = rooms_db().status(code)
        if status.ended:
            raise RoomEnded(f"room {display_code(code)} has ended: {status.ended}")
    except (RoomError, DraftsUnavailable) as exc:
        st.warning(f"Cannot join: {exc}.")  # our message; the code typed is inert in it
        return
    _end_presenting()
    st.session_state.pop(Key.ROOM_VERSION, None)
    st.session_state[Key.ROOM_FOLLOWING] = True
    context.update(room=code)
    st.rerun()


def banner(page: str) -> None:
    """Above every page: the presenter's room status, or the viewer's follow switch."""
    notice = st.session_state.pop(Key.ROOM_NOTICE, "")
    if notice:
        st.info(notice, icon=":material/info:")
    if presenting():
        publish(page)  # now, so followers open the page while this one computes
        _presenter_bar()
    elif context.view().room:
        _viewer_bar()


def _presenter_bar() -> None:
    code = presenting()
    status, link, end = st.columns([2, 5, 1], vertical_alignment="center")
    with status:
        _presenter_status()
    with link:
        text.link_box(viewer_link(code))
    if end.button("End room", icon=":material/stop_circle:"):
        # over either way: unreachable now, it ends a minute after the last heartbeat
        with contextlib.suppress(RoomError, DraftsUnavailable):
            rooms_db().end(code, st.session_state[Key.ROOM_TOKEN])
        _end_presenting()
        st.session_state[Key.ROOM_NOTICE] = f"Room {display_code(code)} ended."
        st.rerun()


@st.fragment(run_every=PRESENTER_HEARTBEAT_S)
def _presenter_status() -> None:
    """The room code and how many follow, refreshed with each heartbeat."""
    code = presenting()
    if not code:
        return
    try:
        st.session_state[Key.ROOM_FOLLOWERS] = rooms_db().touch(
            code, st.session_state[Key.ROOM_TOKEN])
    except RoomError as exc:
        _end_presenting()
        st.session_state[Key.ROOM_NOTICE] = f"Your live room is over: {exc}."
        st.rerun(scope="app")
    except DraftsUnavailable as exc:
        st.warning(f"Live room: {exc} (retrying).")
    count = st.session_state.get(Key.ROOM_FOLLOWERS, 0)
    st.markdown(f"**Live** · room **{display_code(code)}** · "
                f"<span data-testid='room-followers'>{count}</span> following",
                unsafe_allow_html=True)


def publish(page: str) -> None:
    """The presenter's view to its room, when it differs from what was last published."""
    code = presenting()
    if not code:
        return
    payload = view_payload(page, context.view())
    if payload == st.session_state.get(Key.ROOM_PUBLISHED):
        return
    try:
        rooms_db().publish(code, st.session_state[Key.ROOM_TOKEN], payload)
    except RoomError as exc:
        _end_presenting()
        st.session_state[Key.ROOM_NOTICE] = f"Your live room is over: {exc}."
        return
    except DraftsUnavailable as exc:
        st.warning(f"Live room: your view did not reach the room ({exc}); it is sent with "
                   "your next change.")
        return
    st.session_state[Key.ROOM_PUBLISHED] = payload


def _viewer_bar() -> None:
    code = context.view().room
    if Key.ROOM_VIEWER not in st.session_state:
        st.session_state[Key.ROOM_VIEWER] = secrets.token_hex(8)
    following = st.session_state.setdefault(Key.ROOM_FOLLOWING, True)
    label, switch = st.columns([3, 2], vertical_alignment="center")
    label.markdown(f"Room **{display_code(code)}** · "
                   + ("following the presenter" if following else "exploring on your own"))
    chosen = switch.toggle("Follow the presenter", following)
    if chosen != following:
        st.session_state[Key.ROOM_FOLLOWING] = chosen
        st.session_state.pop(Key.ROOM_VERSION, None)  # following again: catch up at once
        _heartbeat(code, force=True)
        st.rerun()
    if following:
        follow.poller(code, st.session_state.get(Key.ROOM_WHERE, ""))
    _keep_in_touch(code)


@st.fragment(run_every=VIEWER_HEARTBEAT_S)
def _keep_in_touch(code: str) -> None:
    """Counted as following, and told of the room's end even if the browser's poller is not
    running: one status read every few seconds (the poller, ui/follow.py, does the following)."""
    if context.view().room != code:
        return
    if time.monotonic() - st.session_state.get(Key.ROOM_READ, 0.0) >= VIEWER_HEARTBEAT_S:
        # not when this run (a follower's) has just read the room: it would be told the same
        try:
            status = rooms_db().status(code)
        except RoomError as exc:
            _stop_viewing(f"{exc}.")
        except DraftsUnavailable as exc:
            st.warning(f"Live room: {exc} (retrying).")
            return
        if status.ended:
            _stop_viewing(f"Room {display_code(code)} has ended: {status.ended}. You keep the "
                          "last view.", code)
    _heartbeat(code)


def follow_room(page: str) -> None:
    """Before the frame is drawn: a following viewer's session takes the room's view when it
    has just joined (link or code) or followed again, or when its browser's poller saw more than
    a move (or the end), so this run draws it (no second run; its page opened if another).
    Any other run takes the room's centre and zoom: the poller moved the map there without
    reporting it (ui/follow.py), and this run's link and map must hold it."""
    if not following():
        return
    code = context.view().room
    asked = follow.asked(code)
    if Key.ROOM_VERSION not in st.session_state or asked == follow.ENDED or (
            isinstance(asked, int) and asked > st.session_state[Key.ROOM_VERSION]):
        _catch_up(code, page, asked if isinstance(asked, int) else None)
    else:
        _take_position(code, recent=True)


def _catch_up(code: str, page: str, asked: int | None) -> None:
    """Take the room's view now (this run draws it), or open its page: the route's recent read
    when it holds the version this browser's poller ``asked`` for, else the database's."""
    shared = room_route.recent_poll(code, asked) if asked is not None else None
    try:
        version, payload = (shared.version, shared.payload) if shared else rooms_db().view(code)
    except RoomEnded as exc:
        _stop_viewing(f"{exc}. You keep the last view.", code)
    except RoomError as exc:
        _stop_viewing(f"{exc}.")
    except DraftsUnavailable:
        return  # the next poll tries again
    st.session_state[Key.ROOM_READ] = time.monotonic()
    room_view, _problems = read_payload(payload)  # written by services.rooms: nothing to report
    shown = room_view.view.with_(room=code, present=context.view().present)
    if shown.places not in config_names():
        st.session_state[Key.ROOM_NOTICE] = ("The presenter shows a place configuration of their "
                                             "own session (an upload or edit); you see the "
                                             "default scheme.")
        shown = shown.with_(places=ViewState().places)
    st.session_state[Key.ROOM_VERSION] = version
    st.session_state[Key.ROOM_WHERE] = follow_view(payload).where
    if shown != context.view():
        st.session_state[Key.VIEW] = shown
        st.session_state.pop(Key.MAP_START, None)  # move the map to the room's centre and zoom
    if room_view.page and room_view.page != page:
        st.switch_page(PAGE_FILES.format(room_view.page))


def _heartbeat(code: str, force: bool = False) -> None:
    now = time.monotonic()
    if not force and now - st.session_state.get(Key.ROOM_SEEN, 0.0) < VIEWER_HEARTBEAT_S:
        return
    try:
        rooms_db().seen(code, st.session_state[Key.ROOM_VIEWER],
                        st.session_state.get(Key.ROOM_FOLLOWING, True))
        st.session_state[Key.ROOM_SEEN] = now
    except (RoomError, DraftsUnavailable):
        pass  # counted again at the next heartbeat


def _take_position(code: str, recent: bool = False) -> None:
    """The room's centre and zoom into this session's view (one read, live room or ended), when
    the room's view is otherwise the one this session caught up to: its browser's poller has
    moved the map there. The map is sent that position again, so it shows what the link holds.
    ``recent``: the polls' last read will do when it holds the version caught up to (the
    browser moved the map by the polls; e.g. a page switch's second run), else the database's."""
    if not st.session_state.get(Key.ROOM_FOLLOWING, True):
        return  # exploring: the map shows the viewer's own position, reported as they pan
    shared = room_route.recent_poll(code, st.session_state.get(Key.ROOM_VERSION, 0)) \
        if recent else None
    try:
        poll = shared or rooms_db().poll(code)
    except (RoomError, DraftsUnavailable):
        return  # nothing to take: the view stays as it is
    if not poll.ended:  # live: the heartbeat need not ask again (:func:`_keep_in_touch`)
        st.session_state[Key.ROOM_READ] = time.monotonic()
    room = follow_view(poll.payload)
    v = context.view()
    if room.where == st.session_state.get(Key.ROOM_WHERE) and room.zoom is not None and (
            room.lat, room.lon, room.zoom) != (v.lat, v.lon, v.zoom):
        context.update(lat=room.lat, lon=room.lon, zoom=room.zoom)
        st.session_state.pop(Key.MAP_START, None)


def _stop_viewing(notice: str, code: str = "") -> None:
    """Leave the room, keeping the view on screen (room ``code``'s last position, when given),
    and say why."""
    if code:
        _take_position(code)
    _leave_viewing()
    st.session_state[Key.ROOM_NOTICE] = notice
    st.rerun(scope="app")


def _leave_viewing() -> None:
    for key in _VIEWER_KEYS:
        st.session_state.pop(key, None)
    if context.view().room:
        context.update(room="")


def _end_presenting() -> None:
    for key in _PRESENTER_KEYS:
        st.session_state.pop(key, None)
