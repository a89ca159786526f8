"""Engine benchmarks: coterminosity for all pairs of geographies, and recompute after an edit.

Measured (store loaded once, in memory; nothing below reads the store from disk):

1. Population coterminosity for all 15 pairs among ICB, sub-ICB, LAD, HWB area, ward and the
   default places (``hwb_within_icb``), every area of England, warm: the geographies are built
   once, untimed (including their membership hash, ``Geography.key``); each repetition starts
   from a new ``Workspace`` (timed: its empty ``Overlaps``, totals and pair caches) given those
   built geographies, then times ``ws.coterminosity(a, b, area=False)`` for the 15 pairs. Best
   of 5.
2. Naive baseline, same run: the same 15 pairs as an app without the LSOA spine does them,
   ``geopandas.overlay(a, b, how="intersection")`` on the EPSG:27700 polygons, then area shares
   both ways, area Jaccard, best partner per area of A and its class. The places' polygons are
   dissolved from their LSOAs once, untimed. Best of up to 5 (fewer if a run is slow).
3. Recompute after one building block moves: Greater Manchester's published configuration,
   warm (it has been computed once); then each of its 10 blocks in turn is moved to the next
   place, so each timed recompute meets a new configuration and nothing it needs about places
   is cached. Timed: ``ws.places`` (resolve the configuration), ``ws.coterminosity`` against
   LAD and HWB areas, the ICB's coverage by place and ``misalignment_flags`` for the ICB.
   Median of the 10 moves. Baseline: the same recompute from a cold ``Workspace(store)`` (store
   layers turned into geographies and every overlap table computed again), same 10 moves.

Each measure is taken for every generation (April 2026, then April 2024), on that generation's
view of one loaded store.

Run: PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_engine.py
(uses the store at PLACEMAP_STORE or geodata/store/, building it from the mirror if missing)
"""

from __future__ import annotations

import statistics
import time
from itertools import combinations

import geopandas as gpd
import numpy as np
import pandas as pd
from common import print_table, store_or_build, timed

from layers import GENERATIONS
from services.coterminosity import DEFAULT_SLIVER, DEFAULT_THRESHOLD
from services.flags import misalignment_flags
from services.geography import Geography
from services.io.store import Store
from services.places import DEFAULT_SCHEME, PlaceConfig, load_config
from services.workspace import Workspace

LAYERS = ("icb", "sub_icb", "lad", "hwb", "ward")
GEOGRAPHIES = (*LAYERS, "place")
PAIRS = list(combinations(GEOGRAPHIES, 2))  # 15
ALL_PAIRS_TARGET_S = 0.2
RECOMPUTE_TARGET_S = 0.1
REPEATS = 5
NAIVE_BUDGET_S = 360  # stop repeating the naive run once this much time has been spent on it


# 1. Engine: all pairs --------------------------------------------------------------------------

def _engine_all_pairs(store: Store, geographies: dict[str, Geography]) -> float:
    """One warm run: a fresh Workspace (no overlap tables, totals or pairs) over built
    geographies; the Workspace construction is timed, building the geographies is not.
    ``store`` is one generation's view."""
    started = time.perf_counter()
    ws = Workspace(store)
    ws._geographies.update({layer: geographies[layer] for layer in LAYERS})
    for a, b in PAIRS:
        ws.coterminosity(geographies[a], geographies[b], area=False)
    return time.perf_counter() - started


# 2. Naive: polygon overlay ---------------------------------------------------------------------

def _naive_pair(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> pd.DataFrame:
    """Best partner and class per area of A from a polygon overlay (area-based, as apps without
    a population spine do it)."""
    pieces = gpd.overlay(a.rename(columns={"code": "a_code"}), b.rename(columns={"code": "b_code"}),
                         how="intersection", keep_geom_type=True)
    pieces["overlap"] = pieces.area
    pairs = pieces.groupby(["a_code", "b_code"], as_index=False)["overlap"].sum()
    area_a = pd.Series(a.area.to_numpy(), index=a["code"].to_numpy())
    area_b = pd.Series(b.area.to_numpy(), index=b["code"].to_numpy())
    total_a = area_a.reindex(pairs["a_code"]).to_numpy()
    total_b = area_b.reindex(pairs["b_code"]).to_numpy()
    overlap = pairs["overlap"].to_numpy()
    pairs["share_of_a"] = overlap / total_a
    pairs["share_of_b"] = overlap / total_b
    pairs["jaccard"] = overlap / (total_a + total_b - overlap)
    within_a = pairs["share_of_a"] >= DEFAULT_THRESHOLD
    within_b = pairs["share_of_b"] >= DEFAULT_THRESHOLD
    pairs["class"] = np.select(
        [overlap < DEFAULT_SLIVER * np.minimum(total_a, total_b), within_a & within_b, within_a,
         within_b], ["sliver", "coterminous", "a within b", "b within a"], default="straddles")
    best = pairs[pairs["class"] != "sliver"].sort_values(["a_code", "jaccard"],
                                                         ascending=[True, False])
    return best.drop_duplicates("a_code")


def _naive_all_pairs(polygons: dict[str, gpd.GeoDataFrame]) -> dict[tuple[str, str], float]:
    """Seconds per pair for one naive run."""
    return {(a, b): timed(lambda a=a, b=b: _naive_pair(polygons[a], polygons[b]))
            for a, b in PAIRS}


# 3. Recompute after a block moves -------------------------------------------------------------

def _recompute(ws: Workspace, config: PlaceConfig, icb_code: str) -> None:
    places = ws.places(config, icb_code)
    ws.coterminosity(places, ws.geography("lad"))
    ws.coterminosity(places, ws.geography("hwb"))
    ws.coverage(icb_code, ws.geography("icb"), places)
    misalignment_flags(ws, places, icb_code)


def _moves(config: PlaceConfig) -> list[PlaceConfig]:
    """One configuration per block: that block moved to the next block's place."""
    blocks = config.blocks.reset_index(drop=True)
    moved = []
    for row in range(len(blocks)):
        target = blocks["place"].iloc[(row + 1) % len(blocks)]
        edited = blocks.copy()
        edited.loc[row, "place"] = target
        moved.append(PlaceConfig(config.name, config.source, edited))
    return moved


# Report ----------------------------------------------------------------------------------------

def _row(measure: str, value: float, target: float | None, baseline: float) -> list[str]:
    verdict = "-" if target is None else "PASS" if value < target else "FAIL"
    return [measure, _seconds(value), "-" if target is None else f"< {_seconds(target)}",
            _seconds(baseline), f"{baseline / value:,.0f}x", verdict]


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def main() -> None:
    loaded = store_or_build()
    for generation in GENERATIONS.values():
        print(f"\n=== Boundaries as at {generation.label} ===")
        run(loaded.generation(generation.id))


def run(store: Store) -> None:
    """Every measure over one generation's view of the store."""
    ws = Workspace(store)
    geographies = {layer: ws.geography(layer) for layer in LAYERS}
    geographies["place"] = ws.places(DEFAULT_SCHEME)
    for geography in geographies.values():
        _ = geography.key  # membership hash: part of building a geography, untimed

    engine = min(_engine_all_pairs(store, geographies) for _ in range(REPEATS))

    polygons = {layer: store.layer(layer)[["code", "geometry"]].reset_index(drop=True)
                for layer in LAYERS}
    place_polygons = geographies["place"].geometry  # dissolved from LSOAs, untimed
    polygons["place"] = gpd.GeoDataFrame({"code": place_polygons.index.to_numpy()},
                                         geometry=place_polygons.to_numpy(), crs=27700)
    naive_runs: list[dict[tuple[str, str], float]] = []
    spent = 0.0
    while len(naive_runs) < REPEATS and spent < NAIVE_BUDGET_S:
        naive_runs.append(_naive_all_pairs(polygons))
        spent += sum(naive_runs[-1].values())
    naive_totals = [sum(run.values()) for run in naive_runs]
    naive = min(naive_totals)
    slowest = max(naive_runs[naive_totals.index(naive)].items(), key=lambda item: item[1])

    config = load_config(store, "greater_manchester")
    icb_code = ws.find_icb("Greater Manchester")
    _recompute(ws, config, icb_code)  # warm: the published configuration computed once
    moves = _moves(config)
    warm = statistics.median(timed(lambda c=c: _recompute(ws, c, icb_code)) for c in moves)
    cold = statistics.median(timed(lambda c=c: _recompute(Workspace(store), c, icb_code))
                             for c in moves)

    print(f"Store {store.path}: {len(store.spine):,} LSOAs; places = {DEFAULT_SCHEME} "
          f"({len(geographies['place'].areas)} places); {len(PAIRS)} pairs of "
          f"{', '.join(GEOGRAPHIES)}")
    print(f"engine all pairs: best of {REPEATS}; naive overlay: all {len(PAIRS)} pairs measured "
          f"(no subset), best of {len(naive_runs)} (slowest pair "
          f"{slowest[0][0]} x {slowest[0][1]}: {_seconds(slowest[1])})")
    print(f"recompute: median of {len(moves)} moves, each a different block of "
          f"{config.name} moved to the next place; baseline = cold Workspace(store)\n")
    print_table([
        _row(f"coterminosity, all {len(PAIRS)} pairs, England (warm)", engine,
             ALL_PAIRS_TARGET_S, naive),
        _row("recompute after one block moves (GM)", warm, RECOMPUTE_TARGET_S, cold),
    ])
    print("\nbaselines: row 1 = geopandas.overlay on EPSG:27700 polygons + area shares; "
          "row 2 = same recompute from a cold Workspace")


if __name__ == "__main__":
    main()
