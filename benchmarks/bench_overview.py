"""England overview benchmark: the landing page's rerun on the server, warm, beside a naive
baseline measured in the same run.

1. Warm rerun: ``streamlit.testing.v1.AppTest`` on app.py opened with no link (the England
   overview, April 2026, 36 ICBs); one run to warm, then the median of 10 timed ``app.run()``.
   AppTest cannot render custom components, so ``ui.map_widget.st_folium`` is a stub (as in
   tests/pages); a second row renders the map's HTML in the stub (``fmap.get_root().render()``,
   close to what st_folium serialises).
2. Baseline: the same table (``england_overview``: places, coterminosity, splits, England's flags
   by ICB, headlines) computed with a cold ``Workspace`` over the loaded store, as a page
   without the workspace's caches would on every rerun; median of 3.

Run: PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_overview.py
(uses the store at PLACEMAP_STORE or geodata/store/, building it from the mirror if missing)
"""

from __future__ import annotations

import statistics
from pathlib import Path

from common import print_table, store_or_build, timed
from streamlit.testing.v1 import AppTest

from services.overview import england_overview
from services.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
RERUN_TARGET_S = 0.3
RERUNS = 10
COLD_RUNS = 3


def _run(app: AppTest) -> None:
    app.run()
    if app.exception:
        raise RuntimeError(f"app.py failed: {[e.value for e in app.exception]}")


def _reruns() -> tuple[float, float, int]:
    """(warm median, warm median with the map's HTML rendered, ICB rows shown)."""
    from ui import map_widget  # imports streamlit's runtime: only when this measure runs

    render = False

    def stub(fmap, **kwargs) -> None:
        if render:
            fmap.get_root().render()

    map_widget.st_folium = stub
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    _run(app)  # warm: store loaded, the overview table and map features cached
    if not app.title or not app.title[0].value.startswith("England:"):
        raise RuntimeError("app.py opened with no link did not show the England overview")
    rows = len(app.dataframe[0].value)
    warm = statistics.median(timed(lambda: _run(app)) for _ in range(RERUNS))
    render = True
    rendered = statistics.median(timed(lambda: _run(app)) for _ in range(RERUNS))
    return warm, rendered, rows


def main() -> None:
    store = store_or_build()
    warm, rendered, rows = _reruns()
    cold = statistics.median(timed(lambda: england_overview(Workspace(store)))
                             for _ in range(COLD_RUNS))
    target = f"< {RERUN_TARGET_S * 1000:.0f} ms"
    print(f"England overview, {rows} ICBs (April 2026), default scheme")
    print_table([
        ["overview rerun, warm (map widget stubbed)", f"{warm * 1000:.0f} ms", target,
         f"{cold:.2f} s cold workspace", f"{cold / warm:.0f}x",
         "PASS" if warm < RERUN_TARGET_S else "FAIL"],
        ["overview rerun, warm, map HTML rendered", f"{rendered * 1000:.0f} ms", target,
         f"{cold:.2f} s cold workspace", f"{cold / rendered:.0f}x",
         "PASS" if rendered < RERUN_TARGET_S else "FAIL"],
    ])


if __name__ == "__main__":
    main()
