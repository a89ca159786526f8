"""Store benchmarks: full build from the mirror, load time, size on disk.

Baseline, measured in the same run: what an app without a store would do on every start, reading
the source GeoJSON/CSV files and joining them (no dissolve, so the baseline is generous).

Run: PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_store.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

from services.build.store import build_store
from services.io.sources import load_manifest, mirror_dir
from services.io.store import load_store, store_size_bytes

BUILD_TARGET_S = 180
LOAD_TARGET_S = 2


def _naive_load(folder: Path) -> None:
    manifest = load_manifest()
    for dataset in manifest.datasets.values():
        path = folder / dataset.mirror_file
        if not path.exists():
            continue
        if dataset.is_geo:
            gpd.read_file(path).to_crs(27700)
        else:
            pd.read_csv(path, dtype=str, encoding="utf-8-sig")


def main() -> None:
    folder = mirror_dir()
    if folder is None:
        sys.exit("Set PLACEMAP_MIRROR to the mirror folder.")
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "store"
        started = time.perf_counter()
        build_store(path, log=lambda message: None)
        build_s = time.perf_counter() - started

        load_store(path)  # warm the OS file cache, as the baseline gets below
        started = time.perf_counter()
        load_store(path)
        load_s = time.perf_counter() - started

        _naive_load(folder)
        started = time.perf_counter()
        _naive_load(folder)
        naive_s = time.perf_counter() - started

        size_mb = store_size_bytes(path) / 1e6
        sources_mb = sum((folder / d.mirror_file).stat().st_size
                         for d in load_manifest().datasets.values()
                         if (folder / d.mirror_file).exists()) / 1e6

    print(f"store build from mirror : {build_s:7.1f} s   (target < {BUILD_TARGET_S} s)"
          f"  {'OK' if build_s < BUILD_TARGET_S else 'MISSED'}")
    print(f"store load              : {load_s:7.2f} s   (target < {LOAD_TARGET_S} s)"
          f"  {'OK' if load_s < LOAD_TARGET_S else 'MISSED'}")
    print(f"naive load of sources   : {naive_s:7.2f} s   "
          f"ratio naive/store = {naive_s / load_s:.1f}x")
    print(f"store size on disk      : {size_mb:7.1f} MB  (sources {sources_mb:.1f} MB,"
          f" ratio {sources_mb / size_mb:.1f}x smaller)")


if __name__ == "__main__":
    main()
