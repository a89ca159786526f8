"""bench_rooms.py's lightweight followers: each does over the wire what a follower's browser
does (ui/follow_frontend/index.html and the Streamlit frontend), and notes when it showed each
of the presenter's moves (told apart by latitude).

:func:`follow` is the shipped follower: one Streamlit session (websocket) plus the room route
polled on a keep-alive HTTP connection. :func:`refresh` is the naive baseline: the viewer link
re-opened on a new session every poll.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from services.rooms import BROWSER_POLL_S
from ui.follow import ENDED
from ui.room_route import ROUTE_PREFIX

FOLLOW_COMPONENT = "ui.follow.placemap_follow"
MAP_COMPONENT = "streamlit_folium.st_folium"
MAP_REPORT_S = 0.25  # streamlit-folium reports a move this long after Leaflet's moveend


@dataclass
class Follower:
    """One follower: what its page holds (as the browser knows it) and what it showed when."""
    shown_at: dict[float, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    page_hash: str = ""
    query: str = ""
    widgets: dict[str, str] = field(default_factory=dict)  # widget id → JSON value sent
    follow_id: str = ""
    where: str = ""  # the poller component's ``where`` argument, as last rendered
    map_id: str = ""
    map_fragment: str = ""
    new_map: dict | None = None  # a new map's start position, not yet reported back
    since: str = ""
    asked: object = None
    asked_where: str | None = None
    polls: int = 0
    cached: dict[str, bytes] = field(default_factory=dict)  # the large messages, by hash

    def shown(self, lat: float | None) -> None:
        if lat is not None:
            self.shown_at.setdefault(lat, time.perf_counter())


def _connect(port: int):
    return websockets.connect(
        f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
        origin=f"http://127.0.0.1:{port}", max_size=None, open_timeout=120, ping_interval=None)


def _noted(follower: Follower, data: bytes) -> ForwardMsg:
    """The message parsed, with what the browser learns from it noted."""
    forward = ForwardMsg()
    forward.ParseFromString(data)
    kind = forward.WhichOneof("type")
    if kind == "ref_hash":  # a message this client holds, sent again by reference
        forward.ParseFromString(follower.cached[forward.ref_hash])
        kind = forward.WhichOneof("type")
    elif forward.metadata.cacheable:
        follower.cached[forward.hash] = data  # a browser keeps it and names it in its reruns
    if kind == "new_session":
        follower.page_hash = forward.new_session.page_script_hash
    elif kind == "page_info_changed":
        follower.query = forward.page_info_changed.query_string
        lat = parse_qs(follower.query).get("lat")
        follower.shown(float(lat[0]) if lat else None)
    elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
        element = forward.delta.new_element
        if element.WhichOneof("type") == "exception":
            follower.errors.append(element.exception.message)
        elif element.WhichOneof("type") == "component_instance":
            _component(follower, element.component_instance, forward.delta.fragment_id)
    return forward


def _component(follower: Follower, component, fragment: str) -> None:
    if component.component_name == FOLLOW_COMPONENT:
        where = json.loads(component.json_args)["where"]
        if where != follower.where:
            follower.since = ""  # as the poller does when its arguments change
        follower.asked = follower.asked_where = None  # as it does on every render: the session
        # has run, so a view it did not take is asked for again
        follower.follow_id, follower.where = component.id, where
    elif component.component_name == MAP_COMPONENT and component.id != follower.map_id:
        follower.widgets.pop(follower.map_id, None)  # the old map is gone from the page
        follower.map_id, follower.map_fragment = component.id, fragment
        args = json.loads(component.json_args)
        if args.get("center") and args.get("zoom") is not None:
            follower.new_map = {"lat": args["center"][0], "lon": args["center"][1],
                                "zoom": args["zoom"]}


async def _rerun(ws, follower: Follower, fragment: str = "", auto: bool = False) -> None:
    """A rerun as the browser asks for one: every widget's value, the page and its query."""
    message = BackMsg()
    rerun = message.rerun_script
    rerun.page_script_hash, rerun.query_string = follower.page_hash, follower.query
    rerun.cached_message_hashes.extend(follower.cached)  # sent again only by reference
    if fragment:
        rerun.fragment_id, rerun.is_auto_rerun = fragment, auto
    for widget_id, value in follower.widgets.items():
        state = rerun.widget_states.widgets.add()
        state.id, state.json_value = widget_id, value
    await ws.send(message.SerializeToString())


async def _ask(ws, follower: Follower, value: object) -> None:
    """The poller's component value: one rerun of the session per version (or the end)."""
    if value == follower.asked or not follower.follow_id:
        return
    follower.asked = value
    follower.widgets[follower.follow_id] = json.dumps(value)
    await _rerun(ws, follower)


async def _report_map(ws, follower: Follower, answer: dict) -> None:
    """A new map's position back to the session (a map fragment rerun): streamlit-folium
    reports every new map's position once it is drawn. A move made by the poller is not
    reported (ui/follow_frontend/index.html marks it reported)."""
    await asyncio.sleep(MAP_REPORT_S)
    if follower.map_id:
        follower.widgets[follower.map_id] = json.dumps({
            "center": {"lat": answer["lat"], "lng": answer["lon"]}, "zoom": answer["zoom"],
            "last_clicked": None})
        await _rerun(ws, follower, follower.map_fragment)


async def get_json(reader, writer, path: str, port: int) -> tuple[int, dict]:
    """One GET on a keep-alive HTTP/1.1 connection: (status, JSON body)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, json.loads(await reader.readexactly(length))


async def _poll(ws, port: int, code: str, follower: Follower, stop: asyncio.Event) -> None:
    """The poller's loop (ui/follow_frontend/index.html), on one keep-alive connection (a new
    one if the server dropped it: a failed poll is an error, as the browser would retry)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    reports: set[asyncio.Task] = set()
    try:
        while not stop.is_set():
            await asyncio.sleep(BROWSER_POLL_S)
            try:
                status, answer = await get_json(reader, writer, f"{ROUTE_PREFIX}/{code}?since="
                                                f"{follower.since}", port)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                follower.errors.append(f"poll failed: {type(exc).__name__}: {exc}")
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            follower.polls += 1
            if status in (400, 404) or answer.get("ended"):
                await _ask(ws, follower, ENDED)
            elif status != 200:
                follower.errors.append(f"route answered {status}: {answer}")
            elif "where" in answer and answer["where"] != follower.where:
                if answer["where"] != follower.asked_where:  # once per view, as the poller
                    follower.asked_where = answer["where"]
                    await _ask(ws, follower, answer["version"])
            elif "where" in answer:
                if answer["page"] == "map" and answer["zoom"] is not None:
                    follower.shown(answer["lat"])  # the browser's setView, not reported
                follower.since = str(answer["version"])
            if follower.new_map:
                task = asyncio.create_task(_report_map(ws, follower, follower.new_map))
                follower.new_map = None
                reports.add(task)
                task.add_done_callback(reports.discard)
    finally:
        writer.close()
        for task in reports:
            task.cancel()


async def follow(port: int, code: str, follower: Follower, stop: asyncio.Event) -> None:
    """Open the viewer link, answer the heartbeat fragment's auto-reruns and poll the route
    until ``stop``."""
    try:
        async with _connect(port) as ws:
            follower.query = f"room={code}"
            await _rerun(ws, follower)
            reader = asyncio.create_task(_read(ws, follower, stop))
            while not follower.follow_id and not stop.is_set():
                await asyncio.sleep(0.1)  # the page is there once the poller is
            poller = asyncio.create_task(_poll(ws, port, code, follower, stop))
            await stop.wait()
            for task in (reader, poller):
                task.cancel()
            await asyncio.gather(reader, poller, return_exceptions=True)
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        follower.errors.append(f"{type(exc).__name__}: {exc}")


async def _read(ws, follower: Follower, stop: asyncio.Event) -> None:
    reruns: dict[str, asyncio.Task] = {}
    try:
        async for data in ws:
            forward = _noted(follower, data)
            if forward.WhichOneof("type") == "auto_rerun":
                fragment = forward.auto_rerun.fragment_id
                if fragment not in reruns:
                    reruns[fragment] = asyncio.create_task(_auto_rerun(
                        ws, follower, fragment, forward.auto_rerun.interval, stop))
    except websockets.WebSocketException as exc:
        if not stop.is_set():
            follower.errors.append(f"connection lost: {exc}")
    finally:
        for task in reruns.values():
            task.cancel()


async def _auto_rerun(ws, follower: Follower, fragment: str, interval_s: float,
                      stop: asyncio.Event) -> None:
    while not stop.is_set():
        await asyncio.sleep(interval_s)
        await _rerun(ws, follower, fragment, auto=True)


async def refresh(port: int, code: str, follower: Follower, stop: asyncio.Event,
                  poll_s: float) -> None:
    """The baseline: open the viewer link on a new session, wait for its page, again."""
    while not stop.is_set():
        try:
            async with _connect(port) as ws:
                message = BackMsg()
                message.rerun_script.query_string = f"room={code}"
                await ws.send(message.SerializeToString())
                async for data in ws:  # until the page has run (not a run cut for a rerun)
                    forward = _noted(follower, data)
                    if forward.WhichOneof("type") == "script_finished" and \
                            forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        break
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            follower.errors.append(f"{type(exc).__name__}: {exc}")
        await asyncio.sleep(poll_s)
