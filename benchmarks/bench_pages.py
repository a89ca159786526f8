"""Server CPU per page opened by a new session, warm: the cost that bounds a server's throughput.

One server is one Python process: its page runs are threads sharing one core under the GIL, so
how many new sessions a server can serve a second is about 1 / (CPU time of one page run). This
is what benchmarks/bench_load.py's 50 sessions queue behind.

Measured in-process with ``streamlit.testing.v1.AppTest`` on app.py (the real map widget code:
the map is rendered by streamlit-folium, only the browser is missing): for the Map,
Coterminosity and Coverage pages of three ICBs of different sizes (Greater Manchester, North
East and North Cumbria (the largest), Essex), each opened by a new session (a new AppTest with
the link's ``icb``), after one untimed open of the same page (store, overlap tables and that
view's results cached). Time = the CPU time of the script's thread (``time.thread_time``) over
the whole run, median of ``OPENS``; wall time on a shared machine is noisier.
Baseline (same run): the same opens with the dashboard's per-view results (the rendered map,
features, flags, coterminosity tables, coverage) cleared before each, so every session computes
its own view from the shared workspace, as a page does without results shared between sessions.

Run: PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_pages.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from common import print_table, store_or_build
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"map": None, "coterminosity": "pages/coterminosity.py",
         "coverage": "pages/coverage.py"}
ICBS = {"E54000057": "Greater Manchester", "E54000050": "North East and North Cumbria",
        "E54000066": "Essex"}
OPENS = 9
TARGET_S = 0.1
_CPU_S: list[float] = []


def _timing_script_runs() -> None:
    """Record the script thread's CPU time of every run (AppTest runs scripts in a thread)."""
    run = script_runner.ScriptRunner._run_script

    def timed_run(self, *args, **kwargs):
        started = time.thread_time()
        try:
            return run(self, *args, **kwargs)
        finally:
            _CPU_S.append(time.thread_time() - started)

    script_runner.ScriptRunner._run_script = timed_run


def open_page(page: str, icb: str) -> float:
    """A new session opening ``page`` of ``icb``: CPU seconds of its script run."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    app.query_params["icb"] = icb
    if PAGES[page]:
        app.switch_page(PAGES[page])
    app.run()
    if app.exception:
        raise RuntimeError(f"{page} {icb}: {[e.value for e in app.exception]}")
    return _CPU_S[-1]


def per_view_results_cleared() -> None:
    from ui import results, tables  # streamlit's runtime: imported once AppTest has set it up

    for cached in (results.rendered_map, results.features, results.flags, tables._comparison,
                   tables._coverage):
        cached.clear()


def median_cpu_s(page: str, icb: str, before: Callable[[], None] = lambda: None) -> float:
    times = []
    for _ in range(OPENS):
        before()
        times.append(open_page(page, icb))
    return statistics.median(times)


def main() -> None:
    store_or_build()
    _timing_script_runs()
    rows, worst = [], 0.0
    for page in PAGES:
        for icb, name in ICBS.items():
            open_page(page, icb)  # warm: this view's results cached
            shared = median_cpu_s(page, icb)
            naive = median_cpu_s(page, icb, per_view_results_cleared)
            worst = max(worst, shared)
            rows.append([f"{page}, {name}", f"{shared:.3f} s", f"<= {TARGET_S} s",
                         f"{naive:.3f} s", f"{naive / shared:.1f}x",
                         "ok" if shared <= TARGET_S else "MISSED"])
    print(f"new session per page, warm: CPU time of the script thread, median of {OPENS} "
          f"opens; baseline = per-view results cleared before each open (same run)")
    print_table(rows)
    print(f"slowest page: {worst:.3f} s CPU, i.e. about {1 / worst:.0f} new-session pages a "
          "second per server process")


if __name__ == "__main__":
    main()
