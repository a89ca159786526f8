"""Live rooms under load: one presenter and 50 followers on one server (this 2-core machine).

Followers are lightweight clients speaking Streamlit's websocket protocol (as in
``bench_load.py``): each opens the viewer link (``/?room=CODE``) on its own session and then
does what the browser does for an ``st.fragment(run_every=…)``: on the server's ``auto_rerun``
message it sends a fragment rerun every interval. The presenter is this process writing the
room through ``RoomsDB`` with the room's token (what the presenter's session does on each pan):
``STEPS`` moves of centre and zoom, ``STEP_S`` apart. Follow latency = from the presenter's write
to a follower's address bar (``page_info_changed``) holding the new centre, i.e. that session has
re-run the page with the room's view. Server CPU = user+system time of the server process over
the timed phase; memory = peak resident memory of its process tree. Errors = exceptions shown,
dropped connections, and moves a follower never showed within ``MOVE_TIMEOUT_S``.

Naive baseline, same run, same server: followers that re-open the viewer link every
``NAIVE_POLL_S`` (a new session and a whole page run per poll, as a viewer refreshing the page
would) instead of the fragment's version check, measured with ``BASELINE_FOLLOWERS`` clients.

Bounded: ``FOLLOWERS`` clients, ``STEPS`` moves, ``RUN_DEADLINE_S`` for everything; the server
is stopped at the end. Run:
PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_rooms.py [followers]
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import websockets
from bench_load import MemoryPeak, start_server, tree_rss_mb
from common import store_or_build
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from services.io.drafts_db import DraftsDB, DraftsUnavailable, sqlite_url
from services.io.rooms_db import RoomsDB
from services.rooms import view_payload
from services.view_state import ViewState

FOLLOWERS = 50
BASELINE_FOLLOWERS = 10
NAIVE_POLL_S = 0.5
STEPS = 12
STEP_S = 3.0
MOVE_TIMEOUT_S = 30.0
RUN_DEADLINE_S = 600.0
TARGET_P95_S, TARGET_MEMORY_MB = 1.0, 1500.0
START = ViewState(icb="E54000057", places="greater_manchester", layers=("icb", "lad", "place"),
                  basemap=False)


def step_view(k: int) -> ViewState:
    return START.with_(lat=round(53.40 + 0.01 * k, 5), lon=-2.3, zoom=10 + k % 3)


@dataclass
class Follower:
    """One follower's session: when it showed each latitude, and what went wrong."""
    shown_at: dict[float, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    page_hash: str = ""



def _noted(follower: Follower, data: bytes) -> ForwardMsg:
    """The message parsed, with what a follower learns from it noted: its page, and when it
    first showed each presenter latitude (the moves are told apart by latitude)."""
    forward = ForwardMsg()
    forward.ParseFromString(data)
    kind = forward.WhichOneof("type")
    if kind == "new_session":
        follower.page_hash = forward.new_session.page_script_hash
    elif kind == "page_info_changed":
        lat = parse_qs(forward.page_info_changed.query_string).get("lat")
        if lat:
            follower.shown_at.setdefault(float(lat[0]), time.perf_counter())
    return forward

async def follow(port: int, code: str, follower: Follower, stop: asyncio.Event,
                 naive_poll_s: float = 0.0) -> None:
    """Open the viewer link and answer auto-reruns as a browser does until ``stop``; with
    ``naive_poll_s``, instead re-run the whole page that often (the baseline)."""
    query = f"room={code}"
    if naive_poll_s:
        await _refresh(port, query, follower, naive_poll_s, stop)
        return
    try:
        async with websockets.connect(
                f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                origin=f"http://127.0.0.1:{port}", max_size=None, open_timeout=120,
                ping_interval=None) as ws:
            first = BackMsg()
            first.rerun_script.query_string = query
            await ws.send(first.SerializeToString())
            reader = asyncio.create_task(_read(ws, follower, stop))
            await stop.wait()
            reader.cancel()
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        follower.errors.append(f"{type(exc).__name__}: {exc}")


async def _read(ws, follower: Follower, stop: asyncio.Event) -> None:
    reruns: dict[str, asyncio.Task] = {}
    try:
        async for data in ws:
            forward = _noted(follower, data)
            kind = forward.WhichOneof("type")
            if kind == "auto_rerun":
                fragment = forward.auto_rerun.fragment_id
                if fragment not in reruns:
                    reruns[fragment] = asyncio.create_task(_auto_rerun(
                        ws, follower, fragment, forward.auto_rerun.interval, stop))
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element" \
                    and forward.delta.new_element.WhichOneof("type") == "exception":
                follower.errors.append(forward.delta.new_element.exception.message)
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
        message = BackMsg()
        message.rerun_script.fragment_id = fragment
        message.rerun_script.is_auto_rerun = True
        message.rerun_script.page_script_hash = follower.page_hash
        await ws.send(message.SerializeToString())


async def _refresh(port: int, query: str, follower: Follower, poll_s: float,
                   stop: asyncio.Event) -> None:
    """The baseline: open the viewer link on a new session, wait for its page, again."""
    while not stop.is_set():
        try:
            async with websockets.connect(
                    f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                    origin=f"http://127.0.0.1:{port}", max_size=None, open_timeout=120,
                    ping_interval=None) as ws:
                message = BackMsg()
                message.rerun_script.query_string = query
                await ws.send(message.SerializeToString())
                async for data in ws:
                    if _noted(follower, data).WhichOneof("type") == "script_finished":
                        break
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            follower.errors.append(f"{type(exc).__name__}: {exc}")
        await asyncio.sleep(poll_s)


def _publish(rooms: RoomsDB, code: str, token: str, payload: str) -> None:
    """As the presenter's session does: a write the database refused is sent again."""
    for _ in range(10):
        try:
            rooms.publish(code, token, payload)
            return
        except DraftsUnavailable:
            time.sleep(0.2)
    raise SystemExit("the rooms database refused the presenter's writes 10 times")


def cpu_s(pid: int) -> float:
    fields_ = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields_[11]) + int(fields_[12])) / 100  # utime + stime, clock ticks


@dataclass
class Result:
    latencies_s: list[float]
    missed: int
    errors: list[str]
    cpu_s: float
    wall_s: float
    peak_mb: float


async def run(port: int, pid: int, rooms: RoomsDB, followers: int, naive_poll_s: float) -> Result:
    code, token = rooms.open(view_payload("map", START))
    stop = asyncio.Event()
    clients = [Follower() for _ in range(followers)]
    tasks = [asyncio.create_task(follow(port, code, c, stop, naive_poll_s)) for c in clients]
    joined_by = time.perf_counter() + 120
    while time.perf_counter() < joined_by and (rooms.followers(code) < followers
                                               or any(not c.page_hash for c in clients)):
        with contextlib.suppress(DraftsUnavailable):  # a busy file: the next second tries again
            rooms.touch(code, token)
        await asyncio.sleep(1)
    published: dict[float, float] = {}
    started_cpu, started = cpu_s(pid), time.perf_counter()
    with MemoryPeak(pid) as memory:
        for k in range(1, STEPS + 1):
            view = step_view(k)
            await asyncio.to_thread(_publish, rooms, code, token, view_payload("map", view))
            published[view.lat] = time.perf_counter()
            await asyncio.sleep(STEP_S)
        await asyncio.sleep(2)
    used_cpu, wall = cpu_s(pid) - started_cpu, time.perf_counter() - started
    stop.set()
    await asyncio.gather(*tasks)
    rooms.end(code, token)
    latencies, missed = [], 0
    for client in clients:
        for lat, at in published.items():
            seen = client.shown_at.get(lat)
            if seen is None or seen - at > MOVE_TIMEOUT_S:
                missed += 1
            else:
                latencies.append(seen - at)
    return Result(latencies, missed, [e for c in clients for e in c.errors], used_cpu, wall,
                  memory.peak_mb)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)] if ordered else float("inf")


def _line(name: str, followers: int, r: Result) -> str:
    return (f"{name}: {followers} followers, {STEPS} moves: follow latency p50 "
            f"{statistics.median(r.latencies_s) if r.latencies_s else float('inf'):.2f} s, "
            f"p95 {_quantile(r.latencies_s, 0.95):.2f} s; missed moves {r.missed}; errors "
            f"{len(r.errors)}; server CPU {r.cpu_s:.1f} s over {r.wall_s:.1f} s "
            f"({100 * r.cpu_s / r.wall_s:.0f}% of one core); peak memory {r.peak_mb:.0f} MB")


def main(followers: int = FOLLOWERS) -> None:
    store_or_build()
    followers = min(followers, FOLLOWERS)
    with tempfile.TemporaryDirectory(prefix="bench_rooms_") as tmp, \
            tempfile.NamedTemporaryFile("w", suffix=".log", prefix="bench_rooms_",
                                        delete=False) as log:
        url = sqlite_url(Path(tmp) / "rooms.sqlite3")
        db = DraftsDB(url)
        rooms = RoomsDB(db)
        server, port = start_server(log, {"PLACEMAP_DATABASE_URL": url})
        try:
            idle_mb = tree_rss_mb(server.pid)
            shipped = asyncio.run(asyncio.wait_for(
                run(port, server.pid, rooms, followers, 0.0), RUN_DEADLINE_S))
            naive = asyncio.run(asyncio.wait_for(
                run(port, server.pid, rooms, min(followers, BASELINE_FOLLOWERS), NAIVE_POLL_S),
                RUN_DEADLINE_S))
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            db.dispose()
    print(f"server memory before the followers joined: {idle_mb:.0f} MB (log: {log.name})")
    print(_line("version poll (shipped)", followers, shipped))
    print(_line(f"naive: the viewer link re-opened every {NAIVE_POLL_S} s",
                min(followers, BASELINE_FOLLOWERS), naive))
    for error in sorted(set(shipped.errors))[:5]:
        print("  error:", error[:200])
    p95 = _quantile(shipped.latencies_s, 0.95)
    print(f"targets: p95 < {TARGET_P95_S} s ({'met' if p95 < TARGET_P95_S else 'missed'}), "
          f"memory < {TARGET_MEMORY_MB:.0f} MB "
          f"({'met' if shipped.peak_mb < TARGET_MEMORY_MB else 'missed'}), errors 0 "
          f"({'met' if not shipped.errors and not shipped.missed else 'missed'})")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
