"""Load: 50 concurrent sessions on one server, each opening three pages of different ICBs.

A browser is far too heavy to run 50 of on two cores, so each session is a lightweight client
speaking Streamlit's own protocol on its websocket (``/_stcore/stream``): it connects as the
browser does (subprotocol ``streamlit``, same-origin ``Origin``), sends the ``rerun_script``
BackMsg the browser sends for a link (page name and query string) and waits for the
``script_finished`` ForwardMsg. Each page opens on a new connection, as a link opened in a new
tab does (a session reads its link once). Time to a finished page = from the BackMsg to
``FINISHED_SUCCESSFULLY``; an error = an exception element, a timeout (``PAGE_TIMEOUT_S``) or a
dropped connection. The server never sends a page's map or tables to a browser's JavaScript
here, so this is server time (script, caches, serialisation, websocket), not paint time.

Session i opens the Map, Coterminosity and Coverage pages of ICBs i, i+n/3 and i+2n/3 (mod n, by
name) of the latest generation's n ICBs (36 as at April 2026: i, i+12, i+24), with places
``hwb_within_icb`` and the default layers: every ICB, each page of an ICB opened once or twice.
Server memory = the peak resident memory (VmRSS) of the server's process tree
(``python -m ui.serve``, as ``make run`` starts it), sampled every 0.2 s.

The server's CPU seconds (user + system, /proc) over each concurrent run are printed too, per page
open: on a shared machine they swing far less than the times do.

Three fresh servers on 127.0.0.1, each after one untimed warm-up page (the Data page: the
store and the app's modules loaded; no ICB's results cached):
0. the floor: the same clients and pages against the least a Streamlit app can do for them
   (benchmarks/load_floor_app.py: a title and a five-row table per page, served with the same
   options), first all together, then one at a time: what Streamlit itself costs here, on
   this machine at this load, so our figures are read against it (the ratio);
1. naive baseline: all ``SESSIONS`` clients start together on a server whose page runs are not
   queued (``PLACEMAP_RUNS_AT_ONCE=0``: every session's script runs at once, as in plain
   Streamlit);
2. the dashboard as shipped (at most ``ui.admission.RUNS_AT_ONCE`` page runs at a time, the
   others queued): the same clients together, then the same 150 page opens by one session at
   a time (caches now warm: the time of one uncontended page), then the same clients together
   again on the now warm server (every ICB's view made once), as a server in use is.
The dashboard's first two concurrent runs start with cold caches, the worst case. The
load average is printed as each server starts and stops (the machine is shared).
Bounded: at most ``SESSIONS`` clients, 3 pages each, ``PAGE_TIMEOUT_S`` per page and
``RUN_DEADLINE_S`` for the whole run; the server is stopped at the end.

Run: PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_load.py [sessions]
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import websockets
from common import print_table, stop_server, store_or_build
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from ui.admission import RUNS_AT_ONCE

ROOT = Path(__file__).resolve().parents[1]
FLOOR_APP = Path(__file__).with_name("load_floor_app.py")
SESSIONS = 50
PAGES = ("", "coterminosity", "coverage")  # "" is the default page, the Map
PAGE_TIMEOUT_S = 300.0
RUN_DEADLINE_S = 900.0
TARGET_P95_S, TARGET_MEMORY_MB = 5.0, 1500.0


@dataclass(frozen=True)
class Opened:
    page: str
    icb: str
    seconds: float
    error: str = ""


async def open_page(port: int, page: str, icb: str) -> Opened:
    """One link opened by one new session: seconds to its finished page, or the error."""
    message = BackMsg()
    message.rerun_script.query_string = urlencode({"icb": icb})
    message.rerun_script.page_name = page
    started = time.perf_counter()
    try:
        async with websockets.connect(
                f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                origin=f"http://127.0.0.1:{port}", max_size=None,
                open_timeout=PAGE_TIMEOUT_S, ping_interval=None) as ws:  # browsers send none
            started = time.perf_counter()
            await ws.send(message.SerializeToString())
            error = await asyncio.wait_for(_until_finished(ws), PAGE_TIMEOUT_S)
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        error = f"{type(exc).__name__}: {exc}"
    return Opened(page or "map", icb, time.perf_counter() - started, error)


async def _until_finished(ws) -> str:
    """Read ForwardMsgs until the run has finished; the first exception shown, if any."""
    error = ""
    async for data in ws:
        forward = ForwardMsg()
        forward.ParseFromString(data)
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element" \
                and forward.delta.new_element.WhichOneof("type") == "exception":
            error = error or forward.delta.new_element.exception.message
        if kind == "script_finished" and \
                forward.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            return error
    return error or "connection closed before the page finished"


async def session(port: int, links: list[tuple[str, str]]) -> list[Opened]:
    return [await open_page(port, page, icb) for page, icb in links]


def session_links(icbs: list[str], sessions: int) -> list[list[tuple[str, str]]]:
    step = len(icbs) // 3
    return [[(page, icbs[(i + k * step) % len(icbs)]) for k, page in enumerate(PAGES)]
            for i in range(sessions)]


class MemoryPeak:
    """Peak VmRSS (MB) of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> MemoryPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the server process has used: a page open's cost, which the
    shared machine's load changes far less than its wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_rss_mb(pid: int) -> float:
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
        todo.extend(int(child) for child in children)
    return total


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dashboard_command(port: int) -> list[str]:
    return [sys.executable, "-m", "ui.serve", str(port)]


def floor_command(port: int) -> list[str]:
    """The floor app served as ``ui.serve`` serves the dashboard."""
    return [sys.executable, "-m", "streamlit", "run", str(FLOOR_APP), "--server.address",
            "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
            "--server.fileWatcherType", "none", "--runner.postScriptGC", "false",
            "--browser.gatherUsageStats", "false"]


def start_server(log, env: dict[str, str],
                 command: Callable[[int], list[str]] = dashboard_command
                 ) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    server = subprocess.Popen(command(port), cwd=ROOT, env={**os.environ, **env}, stdout=log,
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return server, port
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit(f"the server did not start; see {log.name}") from None
            time.sleep(0.3)


def _p95(opened: list[Opened]) -> float:
    """95th percentile (nearest rank) of the finished pages' times; inf if none finished."""
    times = sorted(o.seconds for o in opened if not o.error)
    return times[max(0, round(0.95 * len(times)) - 1)] if times else float("inf")


def _summary(name: str, opened: list[Opened], wall_s: float) -> list[str]:
    times = [o.seconds for o in opened if not o.error]
    errors = sum(bool(o.error) for o in opened)
    return [name, f"{len(opened)} opens", f"p50 {statistics.median(times):.2f} s" if times
            else "p50 -", f"p95 {_p95(opened):.2f} s", f"{errors} errors", f"{wall_s:.1f} s"]


async def _concurrent(port: int, links: list[list[tuple[str, str]]]) -> list[Opened]:
    results = await asyncio.wait_for(asyncio.gather(*(session(port, s) for s in links)),
                                     RUN_DEADLINE_S)
    return [o for per_session in results for o in per_session]


@dataclass
class Run:
    """One fresh server: the concurrent sessions, then (optionally) the same pages in turn."""
    concurrent: list[Opened]
    concurrent_s: float
    peak_mb: float
    warm_mb: float
    sequential: list[Opened]
    sequential_s: float
    healthy: bool
    warm: list[Opened]  # the same concurrent sessions again, once every view has been made
    warm_s: float
    concurrent_cpu_s: float = 0.0  # the server's CPU seconds over the concurrent sessions
    warm_cpu_s: float = 0.0  # and over the same sessions on the warm server


def run_server(links: list[list[tuple[str, str]]], first_icb: str, runs_at_once: str,
               sequential: bool, command: Callable[[int], list[str]] = dashboard_command
               ) -> Run:
    env = {"PLACEMAP_RUNS_AT_ONCE": runs_at_once}
    warm_up_page = "data" if command is dashboard_command else "coverage"
    print(f"{command.__name__}, PLACEMAP_RUNS_AT_ONCE={runs_at_once}: load average "
          f"{os.getloadavg()[0]:.1f} at the start", flush=True)
    with tempfile.NamedTemporaryFile("w", suffix=".log", prefix="bench_load_",
                                     delete=False) as log:
        server, port = start_server(log, env, command)
        try:
            warm_up = asyncio.run(open_page(port, warm_up_page, first_icb))
            if warm_up.error:
                raise SystemExit(f"the warm-up page failed: {warm_up.error}")
            warm_mb = tree_rss_mb(server.pid)
            with MemoryPeak(server.pid) as memory:
                started, cpu_started = time.perf_counter(), cpu_s(server.pid)
                concurrent = asyncio.run(_concurrent(port, links))
                concurrent_s = time.perf_counter() - started
                concurrent_cpu_s = cpu_s(server.pid) - cpu_started
            started = time.perf_counter()
            in_turn = asyncio.run(_concurrent(port, [[link for s in links for link in s]])) \
                if sequential else []
            sequential_s = time.perf_counter() - started
            started, cpu_started = time.perf_counter(), cpu_s(server.pid)
            warm = asyncio.run(_concurrent(port, links)) if sequential else []
            warm_s, warm_cpu_s = time.perf_counter() - started, cpu_s(server.pid) - cpu_started
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                        timeout=5) as answer:
                healthy = answer.status == 200
        finally:
            stop_server(server)
    print(f"  load average {os.getloadavg()[0]:.1f} at the end", flush=True)
    return Run(concurrent, concurrent_s, memory.peak_mb, warm_mb, in_turn, sequential_s,
               healthy, warm, warm_s, concurrent_cpu_s, warm_cpu_s)


def _floor_rows(n: int, queued: Run, floor: Run) -> list[list[str]]:
    """Our p50 and p95 beside the floor app's, for the same clients in the same run."""
    rows = []
    for name, ours in (("", queued.concurrent), (", warm server", queued.warm)):
        for stat, measure in (("p50", _p50), ("p95", _p95)):
            value, floor_value = measure(ours), measure(floor.concurrent)
            rows.append([f"{n} sessions{name}: {stat} against the floor app's",
                         f"{value:.2f} s", "-", f"{floor_value:.2f} s",
                         f"{value / floor_value:.1f}x", "-"])
    return rows


def _cpu_line(queued: Run, naive: Run, floor: Run) -> str:
    """The server's CPU per page open: steadier than times on a shared machine (the ratio of
    two versions of the app is read from it)."""
    def per_open_ms(cpu: float, opened: list[Opened]) -> str:
        return f"{cpu:.1f} s ({1000 * cpu / max(len(opened), 1):.0f} ms per open)"
    return ("server CPU (user + system): cold "
            f"{per_open_ms(queued.concurrent_cpu_s, queued.concurrent)}, warm "
            f"{per_open_ms(queued.warm_cpu_s, queued.warm)}; no queue, cold "
            f"{per_open_ms(naive.concurrent_cpu_s, naive.concurrent)}; the floor app "
            f"{per_open_ms(floor.concurrent_cpu_s, floor.concurrent)}")


def _p50(opened: list[Opened]) -> float:
    times = [o.seconds for o in opened if not o.error]
    return statistics.median(times) if times else float("inf")


def main(sessions: int = SESSIONS) -> None:
    store = store_or_build()
    icbs = store.generation(None).layer("icb").sort_values("name")["code"].tolist()  # latest
    links = session_links(icbs, min(sessions, SESSIONS))
    n = len(links)
    floor = run_server(links, icbs[0], "0", sequential=True, command=floor_command)
    queued = run_server(links, icbs[0], str(RUNS_AT_ONCE), sequential=True)
    naive = run_server(links, icbs[0], "0", sequential=False)
    rows = [_summary(f"{n} sessions at once, runs queued ({RUNS_AT_ONCE} at a time)",
                     queued.concurrent, queued.concurrent_s),
            _summary(f"{n} sessions at once, no queue (naive)", naive.concurrent,
                     naive.concurrent_s),
            _summary("1 session at a time, same pages (warm caches)", queued.sequential,
                     queued.sequential_s),
            _summary(f"{n} sessions at once again, warm server (every view made once)",
                     queued.warm, queued.warm_s),
            _summary(f"floor: {n} sessions at once on the floor app", floor.concurrent,
                     floor.concurrent_s),
            _summary("floor: 1 session at a time, same pages", floor.sequential,
                     floor.sequential_s)]
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    print("page opens: time to a finished page, p50 / p95, errors, wall time (cold caches "
          "unless said)")
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    alone = {page: statistics.median(o.seconds for o in queued.sequential if o.page == page)
             for page in dict.fromkeys(o.page for o in queued.sequential)}
    print("one page alone (warm), p50: " + ", ".join(f"{page} {seconds:.2f} s"
                                                     for page, seconds in alone.items()))
    for o in [o for o in queued.concurrent + naive.concurrent if o.error][:5]:
        print(f"error: {o.page} {o.icb}: {o.error[:200]}")
    p95, naive_p95 = _p95(queued.concurrent), _p95(naive.concurrent)
    warm_p95 = _p95(queued.warm)
    errors = sum(bool(o.error) for o in queued.concurrent + queued.warm)
    naive_errors = sum(bool(o.error) for o in naive.concurrent)
    print_table([
        [f"{n} sessions: p95 time to a finished page", f"{p95:.2f} s", f"< {TARGET_P95_S:.0f} s",
         f"{naive_p95:.2f} s", f"{naive_p95 / p95:.1f}x", "ok" if p95 < TARGET_P95_S else
         "MISSED"],
        [f"{n} sessions, warm server: p95 time to a finished page", f"{warm_p95:.2f} s",
         f"< {TARGET_P95_S:.0f} s", f"{naive_p95:.2f} s", f"{naive_p95 / warm_p95:.1f}x",
         "ok" if warm_p95 < TARGET_P95_S else "MISSED"],
        [f"{n} sessions: errors", f"{errors}", "0", f"{naive_errors}", "-",
         "ok" if not errors else "MISSED"],
        *_floor_rows(n, queued, floor),
        ["server memory, peak (process tree RSS)", f"{queued.peak_mb:.0f} MB",
         f"< {TARGET_MEMORY_MB:.0f} MB", f"{naive.peak_mb:.0f} MB",
         f"{naive.peak_mb / queued.peak_mb:.1f}x",
         "ok" if queued.peak_mb < TARGET_MEMORY_MB else "MISSED"],
    ])
    print(f"baseline column: the same {n} sessions with the queue off "
          f"(PLACEMAP_RUNS_AT_ONCE=0); one page alone (warm): p50 "
          f"{statistics.median(o.seconds for o in queued.sequential):.2f} s; server memory "
          f"warm and idle {queued.warm_mb:.0f} MB; /_stcore/health after the runs: "
          f"{queued.healthy and naive.healthy}")
    print(_cpu_line(queued, naive, floor))


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
