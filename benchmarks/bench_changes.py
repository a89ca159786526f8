"""``changes`` benchmark: what changed from April 2024 to April 2026, for England.

Measured (store loaded once, in memory):

1. ``changes(old, new)`` for England, warm: the two generations' workspaces have been used once
   (untimed), so their geographies, default-scheme places and council × ICB pair tables are
   built, as in the dashboard and any CLI run after its first table. Timed: every table (ICBs,
   flows, sub-ICB locations, LAD and HWB splits, places). Best of 5. Target < 1 s.
2. The same, cold: two new ``Workspace``s over the loaded store (geographies, both default
   schemes resolved, pair tables), i.e. one ``placemap changes`` run after the store load. Best
   of 3; no target (it is dominated by resolving the two default schemes).
3. Naive baselines, same run: (a) a per-LSOA Python loop over the spine rows building only the
   ICB flows and each ICB's people in and out (a subset of row 1's work); (b)
   ``geopandas.overlay`` of the two ICB polygon sets (EPSG:27700), area per (old, new) pair,
   the way a tool without the LSOA spine finds what changed (areas only, no people). Best of 3.
4. The map's changed areas for England (17 unions of the changed LSOAs' simplified copies),
   first visit; cached for the server process after that. No target.

Run: PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_changes.py
(uses the store at PLACEMAP_STORE or geodata/store/, building it from the mirror if missing)
"""

from __future__ import annotations

import geopandas as gpd
from common import print_table, store_or_build, timed

from services.changes import DEFAULT_FROM, DEFAULT_TO, changes
from services.changes_map import change_map
from services.io.store import Store
from services.workspace import Workspace

TARGET_S = 1.0
WARM_REPEATS, COLD_REPEATS = 5, 3


def _naive_loop(store: Store) -> dict:
    """ICB flows and in/out per ICB, one spine row at a time."""
    old, new = store.generation(DEFAULT_FROM).spine, store.generation(DEFAULT_TO).spine
    flows: dict[tuple[str, str], list[int]] = {}
    people_in: dict[str, int] = {}
    people_out: dict[str, int] = {}
    for position in range(len(old)):
        a, b = old["icb_code"].iat[position], new["icb_code"].iat[position]
        people = int(old["population"].iat[position])
        if a != b:
            pair = flows.setdefault((a, b), [0, 0])
            pair[0] += 1
            pair[1] += people
            people_in[b] = people_in.get(b, 0) + people
            people_out[a] = people_out.get(a, 0) + people
    return {"flows": dict(sorted(flows.items())), "in": people_in, "out": people_out}


def _naive_overlay(store: Store) -> gpd.GeoDataFrame:
    old = store.generation(DEFAULT_FROM).layer("icb")[["code", "geometry"]]
    new = store.generation(DEFAULT_TO).layer("icb")[["code", "geometry"]]
    pieces = gpd.overlay(old.rename(columns={"code": "old"}), new.rename(columns={"code": "new"}),
                         how="intersection", keep_geom_type=True)
    pieces["area_m2"] = pieces.area
    return pieces[pieces["old"] != pieces["new"]].groupby(["old", "new"])["area_m2"].sum()


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _row(measure: str, value: float, target: float | None, baseline: float | None) -> list[str]:
    verdict = "-" if target is None else "PASS" if value < target else "FAIL"
    return [measure, _seconds(value), "-" if target is None else f"< {_seconds(target)}",
            "-" if baseline is None else _seconds(baseline),
            "-" if baseline is None else f"{baseline / value:,.1f}x", verdict]


def main() -> None:
    store = store_or_build()
    old, new = Workspace(store, DEFAULT_FROM), Workspace(store, DEFAULT_TO)
    result = changes(old, new)  # warm-up, untimed
    warm = min(timed(lambda: changes(old, new)) for _ in range(WARM_REPEATS))
    cold = min(timed(lambda: changes(Workspace(store, DEFAULT_FROM),
                                     Workspace(store, DEFAULT_TO)))
               for _ in range(COLD_REPEATS))
    loop = min(timed(lambda: _naive_loop(store)) for _ in range(COLD_REPEATS))
    overlay = min(timed(lambda: _naive_overlay(store)) for _ in range(COLD_REPEATS))
    drawn = timed(lambda: change_map(old, new, result))
    assert _naive_loop(store)["out"] == result.icbs.set_index("icb_code")["people_out"][
        lambda s: s > 0].to_dict(), "the naive loop disagrees with the engine"

    print(f"Store {store.path}: {len(store.spine):,} LSOAs; {DEFAULT_FROM} → {DEFAULT_TO}: "
          f"{result.lsoas_changed:,} LSOAs ({result.people_changed:,} people) changed ICB, "
          f"{len(result.flows)} ICB pairs")
    print(f"warm: best of {WARM_REPEATS}; cold, naive: best of {COLD_REPEATS}\n")
    print_table([
        _row("changes, England, warm (baseline a: per-LSOA loop)", warm, TARGET_S, loop),
        _row("changes, England, warm (baseline b: polygon overlay)", warm, TARGET_S, overlay),
        _row("changes, England, cold (new workspaces)", cold, None, None),
        _row("map: changed areas dissolved (first visit)", drawn, None, None),
    ])
    print("\nbaselines: (a) per-LSOA Python loop, ICB flows and in/out only (a subset of the "
          "work); (b) geopandas.overlay of the two ICB polygon sets in EPSG:27700, area per "
          "pair only (no people, no councils or places)")


if __name__ == "__main__":
    main()
