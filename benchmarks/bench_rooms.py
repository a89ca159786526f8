"""Live rooms under load: one presenter and 50 followers on one server (this 2-core machine).

Each follower is a lightweight client doing what a follower's browser does: it opens the viewer
link (``/?room=CODE``) on its own session over Streamlit's websocket protocol (as in
``bench_load.py``), answers the heartbeat fragment's ``auto_rerun`` as the browser does, and
polls the room's route (``GET /_placemap/room/CODE?since=V``, ui/room_route.py) every
``BROWSER_POLL_S`` on a keep-alive connection, as ui/follow_frontend/index.html does (and as it
does, forgets what it asked for each time the session draws the poller). A new centre or zoom
is shown when its answer arrives (the browser's setView), and is not reported back (the poller
marks it reported). A new page or ICB makes the client set the poller
component's value, i.e. one rerun of its session; it is shown when the session's address bar
(``page_info_changed``) holds the new view. Each new map the session sends is reported back once
(a map fragment rerun), as streamlit-folium does for every new map.

The presenter is this process writing the room through ``RoomsDB`` with the room's token (what
the presenter's session does on each run and pan): ``PLAN``, moves ``STEP_S`` apart, each with
its own latitude so its arrival can be told apart. Latency = presenter's write → the follower
showing that move or a later one (caught up past it), reported apart for centre/zoom moves and
for structural moves (ICB, page). Server CPU = user+system time of the server process over the
moves; memory = peak resident memory of its process tree. Errors = exceptions shown, dropped
connections, failed polls, and moves a follower never showed within ``MOVE_TIMEOUT_S`` (the
clients run on after the last move until each showed it, or that long: before, they stopped
2 s after it, so a follower still catching up then counted as missing it).

Naive baseline, same run, same server: ``BASELINE_FOLLOWERS`` clients re-opening the viewer link
every ``NAIVE_POLL_S`` (a new session and a whole page run per poll, as a viewer refreshing the
page would). Bounded: ``FOLLOWERS`` clients, ``PLAN``'s moves, ``RUN_DEADLINE_S`` for each run;
the server is stopped at the end. Run:
PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_rooms.py [followers]
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench_load import MemoryPeak, start_server, tree_rss_mb
from common import stop_server, store_or_build
from rooms_clients import Follower, follow, get_json, refresh

from services.io.drafts_db import DraftsDB, DraftsUnavailable, sqlite_url
from services.io.rooms_db import RoomsDB
from services.rooms import view_payload
from services.view_state import ViewState
from ui.room_route import ROUTE_PREFIX

FOLLOWERS = 50
BASELINE_FOLLOWERS = 10
NAIVE_POLL_S = 0.5
STEP_S = 2.5
MOVE_TIMEOUT_S = 30.0
RUN_DEADLINE_S = 600.0
POLL_COST_POLLS = 1000
TARGET_P95_S, TARGET_MEMORY_MB = 1.0, 1500.0
GM, WEST_YORKSHIRE = "E54000057", "E54000054"
START = ViewState(icb=GM, places="greater_manchester", layers=("icb", "lad", "place"),
                  basemap=False)
#: The presenter's moves: "move" (centre and zoom), "icb" (to the other ICB) and "page" (to the
#: other of Map and Coverage).
PLAN = ("move", "move", "move", "icb", "move", "move", "page", "page", "move", "move", "icb",
        "move", "move", "page", "page", "move")


@dataclass(frozen=True)
class Step:
    kind: str
    page: str
    view: ViewState


def plan() -> list[Step]:
    page, view, steps = "map", START, []
    for k, kind in enumerate(PLAN, start=1):
        if kind == "icb":
            other = WEST_YORKSHIRE if view.icb == GM else GM
            view = view.with_(icb=other, places="greater_manchester" if other == GM
                              else ViewState().places)
        elif kind == "page":
            page = "coverage" if page == "map" else "map"
        view = view.with_(lat=round(53.40 + 0.01 * k, 5), lon=-2.3, zoom=10 + k % 3)
        steps.append(Step(kind, page, view))
    return steps


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
    return (int(fields_[11]) + int(fields_[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    latencies_s: dict[str, list[float]]  # per kind of move: "move", "structural"
    missed: int
    errors: list[str]
    polls: int
    cpu_s: float
    wall_s: float
    peak_mb: float


async def _joined(rooms: RoomsDB, code: str, token: str, clients: list[Follower],
                  naive: bool) -> None:
    """Until every client shows the room (the presenter's heartbeat meanwhile), at most 120 s."""
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline and (
            (not naive and rooms.followers(code) < len(clients))
            or any(not c.page_hash for c in clients)):
        with contextlib.suppress(DraftsUnavailable):  # a busy file: the next second tries again
            rooms.touch(code, token)
        await asyncio.sleep(1)


async def run(port: int, pid: int, rooms: RoomsDB, followers: int, naive: bool) -> Result:
    code, token = rooms.open(view_payload("map", START))
    stop = asyncio.Event()
    clients = [Follower() for _ in range(followers)]
    tasks = [asyncio.create_task(refresh(port, code, c, stop, NAIVE_POLL_S) if naive
                                 else follow(port, code, c, stop)) for c in clients]
    await _joined(rooms, code, token, clients, naive)
    published: list[tuple[Step, float]] = []
    started_cpu, started = cpu_s(pid), time.perf_counter()
    with MemoryPeak(pid) as memory:
        for step in plan():
            await asyncio.to_thread(_publish, rooms, code, token,
                                    view_payload(step.page, step.view))
            published.append((step, time.perf_counter()))
            await asyncio.sleep(STEP_S)
        await asyncio.sleep(2)
    used_cpu, wall = cpu_s(pid) - started_cpu, time.perf_counter() - started
    await _last_shown(clients, published[-1])
    stop.set()
    await asyncio.gather(*tasks)
    rooms.end(code, token)
    latencies: dict[str, list[float]] = {"move": [], "structural": []}
    missed, per_step = 0, []
    for k, (step, at) in enumerate(published):
        shown = [seen - at for seen in (_shown(c, published[k:]) for c in clients)
                 if seen is not None and seen - at <= MOVE_TIMEOUT_S]
        missed += len(clients) - len(shown)
        latencies["move" if step.kind == "move" else "structural"].extend(shown)
        per_step.append(f"{step.kind} {statistics.median(shown):.1f}" if shown
                        else f"{step.kind} -")
    print(f"  per move (median s): {', '.join(per_step)}; client CPU "
          f"{time.process_time():.1f} s so far")
    return Result(latencies, missed, [e for c in clients for e in c.errors],
                  sum(c.polls for c in clients), used_cpu, wall, memory.peak_mb)


async def _last_shown(clients: list[Follower], last: tuple[Step, float]) -> None:
    """Until every client showed the last move, at most ``MOVE_TIMEOUT_S`` after it was
    written (a follower still catching up is given the time any other move has)."""
    step, at = last
    while any(step.view.lat not in c.shown_at for c in clients) \
            and time.perf_counter() - at < MOVE_TIMEOUT_S:
        await asyncio.sleep(0.1)


async def poll_cost(port: int, pid: int, rooms: RoomsDB, polls: int = POLL_COST_POLLS
                    ) -> tuple[float, float]:
    """(server CPU ms, wall ms) per route poll, polled one after another on one connection
    (what each follower's browser adds, every ``BROWSER_POLL_S``)."""
    code, token = rooms.open(view_payload("map", START))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started_cpu, started = cpu_s(pid), time.perf_counter()
    for k in range(polls):
        await get_json(reader, writer, f"{ROUTE_PREFIX}/{code}?since={k % 2}", port)
    used_cpu, wall = cpu_s(pid) - started_cpu, time.perf_counter() - started
    writer.close()
    rooms.end(code, token)
    return 1000 * used_cpu / polls, 1000 * wall / polls


def _warmed_up(pid: int, idle_cpu_s: float = 0.05, at_most_s: float = 120) -> None:
    """Until the server has loaded the store (ui/serve.py warms up once it answers): its CPU
    idle for a second. Else the idle memory and the poll's CPU were the warm-up's."""
    deadline = time.monotonic() + at_most_s
    while time.monotonic() < deadline:
        before = cpu_s(pid)
        time.sleep(1)
        if cpu_s(pid) - before < idle_cpu_s:
            return


def _shown(client: Follower, steps: list[tuple[Step, float]]) -> float | None:
    """When the client first showed the first of ``steps`` or a later one (a follower that
    caught up after the next move was published shows that one directly)."""
    times = [client.shown_at[step.view.lat] for step, _ in steps
             if step.view.lat in client.shown_at]
    return min(times, default=None)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)] if ordered else float("inf")


def _line(name: str, followers: int, r: Result) -> str:
    parts = [f"{name}: {followers} followers, {len(PLAN)} moves"]
    for kind, values in r.latencies_s.items():
        median = statistics.median(values) if values else float("inf")
        parts.append(f"{kind} p50 {median:.2f} s, p95 {quantile(values, 0.95):.2f} s "
                     f"({len(values)} shown)")
    parts.append(f"missed {r.missed}; errors {len(r.errors)}; route polls "
                 f"{r.polls / r.wall_s:.0f}/s; server CPU {r.cpu_s:.1f} s over {r.wall_s:.1f} s "
                 f"({100 * r.cpu_s / r.wall_s:.0f}% of one core); peak memory "
                 f"{r.peak_mb:.0f} MB")
    return "; ".join(parts)


def main(followers: int = FOLLOWERS) -> None:
    store_or_build()
    followers = min(followers, FOLLOWERS)
    baseline = min(followers, BASELINE_FOLLOWERS)
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench_rooms_") as tmp, \
            tempfile.NamedTemporaryFile("w", suffix=".log", prefix="bench_rooms_",
                                        delete=False) as log:
        url = sqlite_url(Path(tmp) / "rooms.sqlite3")
        db = DraftsDB(url)
        rooms = RoomsDB(db)
        server, port = start_server(log, {"PLACEMAP_DATABASE_URL": url})
        try:
            _warmed_up(server.pid)
            idle_mb = tree_rss_mb(server.pid)
            poll_cpu_ms, poll_ms = asyncio.run(poll_cost(port, server.pid, rooms))
            shipped = asyncio.run(asyncio.wait_for(
                run(port, server.pid, rooms, followers, naive=False), RUN_DEADLINE_S))
            naive = asyncio.run(asyncio.wait_for(
                run(port, server.pid, rooms, baseline, naive=True), RUN_DEADLINE_S))
        finally:
            stop_server(server)
            db.dispose()
    print(f"server memory before the followers joined: {idle_mb:.0f} MB (log: {log.name}); "
          f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"one route poll alone ({POLL_COST_POLLS} in turn): {poll_cpu_ms:.2f} ms of server "
          f"CPU, {poll_ms:.2f} ms round trip")
    print(_line("browser poll of the room route (shipped)", followers, shipped))
    print(_line(f"naive: the viewer link re-opened every {NAIVE_POLL_S} s", baseline, naive))
    for error in sorted(set(shipped.errors))[:5]:
        print("  error:", error[:200])
    p95 = quantile(shipped.latencies_s["move"] + shipped.latencies_s["structural"], 0.95)
    print(f"targets: p95 < {TARGET_P95_S} s over every move: {p95:.2f} s "
          f"({'met' if p95 < TARGET_P95_S else 'missed'}), memory < {TARGET_MEMORY_MB:.0f} MB "
          f"({'met' if shipped.peak_mb < TARGET_MEMORY_MB else 'missed'}), "
          "errors 0 and no move missed "
          f"({'met' if not shipped.errors and not shipped.missed else 'missed'})")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
