"""What every benchmark needs: the store (built first if missing), a timer and the result table."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

from services.build.store import build_store
from services.io.store import Store, StoreMissingError, load_store, store_path

HEADER = ["measure", "value", "target", "baseline", "ratio", "result"]


def store_or_build() -> Store:
    try:
        return load_store()
    except StoreMissingError:
        print(f"No store at {store_path()}: building it from the mirror first (untimed).")
        build_store(store_path(), log=lambda message: None)
        return load_store()


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for line in [HEADER, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(line, widths, strict=True))))


def stop_server(server: subprocess.Popen, timeout_s: float = 30) -> None:
    """Stop a server a benchmark started: asked first, killed if it has not gone in time."""
    server.terminate()
    try:
        server.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
