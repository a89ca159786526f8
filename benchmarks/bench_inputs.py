"""Input benchmarks (issue 14): bounded work for the worst files an upload may hold.

Measured on the England store (loaded once, untimed):

1. ``resolve()`` of 100,000 copies of one row (``A,lad,E08000001``): every copy after the first
   is a 'repeated block' problem. Best of 3. Target < 2 s. Naive baseline, same run: the
   previous ``resolve()``'s per-row rescan (for each repeated row, filter the whole table for its
   first use), timed on 1,000 and 3,000 rows. Its baseline figure is the per-row cost at 3,000
   rows times 100,000: a lower bound, since each rescan grows with the table (a·n + b·n² fitted
   through the two sizes is printed too; on a loaded machine it swings widely). Issue 14
   measured ~3 minutes for the 100,000 rows.
2. The largest accepted upload: a CSV just under ``UPLOAD_MAX_BYTES`` with ``CONFIG_ROWS_MAX``
   rows, the worst mix: every real LSOA once (500 places spread over England, so many blocks
   lie outside their place's ICB) and unknown codes for the rest, all problems. Timed (best of
   3): the dashboard's path, ``read_place_csv`` of the bytes then ``resolve``. Peak memory: the
   growth of the process's resident set over the work (sampled every 2 ms), in a fresh process
   that has loaded the store, so nothing earlier is reused (tracemalloc misses pandas' Arrow
   string buffers). Baseline, same run: ``pandas.read_csv`` of the same bytes (the least any
   reader pays), measured the same way.
3. The largest accepted GeoJSON: one place outlined by ~85,000 vertices (a wavy ring over the
   Midlands, just under the size limit). Timed: ``read_place_geojson`` then
   ``config_from_polygons`` (LSOAs by centroid, cut LSOAs' area shares). Baseline, same run:
   the previous share computation (each intersecting LSOA overlaid with the whole polygon),
   timed on 200 of the intersecting LSOAs and scaled to all of them (each overlay is
   independent).
4. A zip renamed ``.geojson`` (a GeoJSON padded to 100 MB inside, ~100 KB packed): refused by
   its first bytes. Baseline, same run: handing the same bytes to ``pyogrio.read_dataframe``,
   as before issue 14 (it unpacks them; the issue's 2 GB bomb took 10-12 s).

Run: PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_inputs.py
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import subprocess
import sys
import threading
import time
import zipfile

import numpy as np
import pandas as pd
import pyogrio
from common import print_table, store_or_build, timed

from services.io.place_files import PlaceFileError, read_place_csv, read_place_geojson
from services.io.store import Store
from services.limits import CONFIG_ROWS_MAX, UPLOAD_MAX_BYTES
from services.place_polygons import config_from_polygons
from services.places import PlaceConfig, resolve

REPEATED_ROWS = 100_000
RESOLVE_TARGET_S = 2.0
NAIVE_SIZES = (1_000, 3_000)


def _repeated(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"line": np.arange(2, rows + 2), "place": "A", "block_type": "lad",
                         "code": "E08000001"})


def _refused(work) -> None:
    try:
        work()
    except PlaceFileError:
        return
    raise AssertionError("the hostile input was accepted")


def _naive_repeated_problems(blocks: pd.DataFrame) -> list[str]:
    """The previous resolve()'s repeated-row check: one scan of the whole table per repeat."""
    problems = []
    repeated = blocks.duplicated(["block_type", "code"], keep="first")
    for row in blocks[repeated].itertuples():
        first = blocks[(blocks["block_type"] == row.block_type) & (blocks["code"] == row.code)]
        problems.append(f"{row.block_type} {row.code} is already used on line "
                        f"{first['line'].iloc[0]} ({first['place'].iloc[0]})")
    return problems


def _naive_extrapolated() -> tuple[dict[int, float], float, float]:
    """(seconds per size measured, linear lower bound and a·n + b·n² fit at REPEATED_ROWS)."""
    measured = {n: timed(lambda n=n: _naive_repeated_problems(_repeated(n))) for n in NAIVE_SIZES}
    (n1, t1), (n2, t2) = measured.items()
    quadratic = (t2 / n2 - t1 / n1) / (n2 - n1)
    linear = t1 / n1 - quadratic * n1
    return (measured, t2 / n2 * REPEATED_ROWS,
            linear * REPEATED_ROWS + quadratic * REPEATED_ROWS**2)


def _largest_upload(store: Store) -> bytes:
    """CONFIG_ROWS_MAX rows ``P<n>,lsoa,<code>``, place names padded to just under the size
    limit."""
    codes = store.spine["lsoa21_code"].to_numpy().astype(str)
    unknown = np.char.add("E0", np.char.zfill(np.arange(CONFIG_ROWS_MAX - len(codes)).astype(
        str), 7))
    rows = np.char.add(",lsoa,", np.concatenate([codes, unknown]))
    numbers = (np.arange(CONFIG_ROWS_MAX) % 500).astype(str)
    header = "place,block_type,code\n"
    unpadded = len(header) + sum(len(r) + len(n) + 2 for r, n in zip(rows, numbers, strict=True))
    padding = "x" * ((UPLOAD_MAX_BYTES - unpadded) // CONFIG_ROWS_MAX)
    lines = np.char.add(np.char.add("P" + padding, numbers), rows)
    data = (header + "\n".join(lines.tolist()) + "\n").encode()
    assert len(data) <= UPLOAD_MAX_BYTES, len(data)
    return data


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _rss_growth_mb(work) -> float:
    """Peak resident-set growth of this process while ``work`` runs."""
    gc.collect()
    start, peak, done = _rss_mb(), [0.0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_mb())
            time.sleep(0.002)
    watcher = threading.Thread(target=sample)
    watcher.start()
    work()
    done.set()
    watcher.join()
    return max(peak[0], _rss_mb()) - start


def _memory_in_fresh_process(case: str) -> float:
    answer = subprocess.run([sys.executable, __file__, "--memory", case], check=True,
                            capture_output=True, text=True)
    return float(answer.stdout.split()[-1])


def _work(case: str, store: Store, data: bytes):
    if case == "upload":
        return lambda: _refused(lambda: resolve(
            PlaceConfig("largest", "benchmark", read_place_csv(data, "largest.csv")[1]), store))
    return lambda: pd.read_csv(io.BytesIO(data))


def _wavy_outline(vertices: int = 85_000) -> bytes:
    angle = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    radius = 0.3 + 0.02 * np.sin(angle * 500)
    ring = np.c_[-1.5 + 1.6 * radius * np.cos(angle), 52.5 + radius * np.sin(angle)]
    ring = np.vstack([ring, ring[:1]]).round(6).tolist()
    feature = {"type": "Feature", "properties": {"place": "Wavy"},
               "geometry": {"type": "Polygon", "coordinates": [ring]}}
    data = json.dumps({"type": "FeatureCollection", "features": [feature]},
                      separators=(",", ":")).encode()
    assert len(data) <= UPLOAD_MAX_BYTES, len(data)
    return data


def _naive_shares_s(store: Store, data: bytes, sample: int = 200) -> tuple[float, int]:
    """(seconds, pairs): the previous overlay of each intersecting LSOA with the whole polygon,
    timed on ``sample`` pairs and scaled to all."""
    polygons, lsoa = read_place_geojson(data), store.layer("lsoa")
    lsoa_pos, polygon_pos = polygons.sindex.query(lsoa.geometry.to_numpy(),
                                                  predicate="intersects")
    chosen = np.linspace(0, len(lsoa_pos) - 1, sample).astype(int)
    seconds = timed(lambda: lsoa.geometry.iloc[lsoa_pos[chosen]].intersection(
        polygons.geometry.iloc[polygon_pos[chosen]], align=False).area)
    return seconds * len(lsoa_pos) / sample, len(lsoa_pos)


def _zip_bomb() -> bytes:
    feature = (b'{"type":"Feature","properties":{"place":"A"},"geometry":{"type":"Polygon",'
               b'"coordinates":[[[-2.4,53.5],[-2.3,53.5],[-2.3,53.6],[-2.4,53.5]]]}}')
    text = b'{"type":"FeatureCollection","features":[' + feature + b" " * 100 * 2**20 + b"]}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("places.geojson", text)
    return buffer.getvalue()


def _unpack(data: bytes) -> None:
    with contextlib.suppress(Exception):  # "no features" or unreadable, after unpacking it all
        pyogrio.read_dataframe(io.BytesIO(data))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def main() -> None:
    store = store_or_build().generation()  # configurations are resolved in the latest
    _ = store.spine, store.layer("lad")
    blocks = _repeated(REPEATED_ROWS)
    config = PlaceConfig("repeated", "benchmark", blocks)
    linear = min(timed(lambda: _refused(lambda: resolve(config, store))) for _ in range(3))
    measured, naive, fitted = _naive_extrapolated()

    data = _largest_upload(store)
    upload_s = min(timed(_work("upload", store, data)) for _ in range(3))
    pandas_s = min(timed(_work("pandas", store, data)) for _ in range(3))
    upload_mb, pandas_mb = (_memory_in_fresh_process(case) for case in ("upload", "pandas"))

    outline = _wavy_outline()
    polygons_s = min(timed(lambda: config_from_polygons(read_place_geojson(outline), store))
                     for _ in range(3))
    naive_polygons_s, pairs = _naive_shares_s(store, outline)

    bomb = _zip_bomb()
    refuse_s = min(timed(lambda: _refused(lambda: read_place_geojson(bomb))) for _ in range(3))
    unpack_s = timed(lambda: _unpack(bomb))

    print(f"Store {store.path}: {len(store.spine):,} LSOAs")
    print("naive repeated-row rescan measured: " + ", ".join(
        f"{n:,} rows {_ms(t)}" for n, t in measured.items())
        + f"; for {REPEATED_ROWS:,} rows: per-row cost x rows {_ms(naive)} (lower bound), "
        f"a*n + b*n^2 fit {_ms(fitted)}")
    print(f"largest accepted upload: {len(data):,} bytes, {CONFIG_ROWS_MAX:,} rows; zip: "
          f"{len(bomb):,} bytes holding 100 MB")
    print(f"largest accepted GeoJSON: {len(outline):,} bytes, one polygon of 85,000 vertices "
          f"touching {pairs:,} LSOAs\n")
    print_table([
        [f"resolve {REPEATED_ROWS:,} repeated rows", _ms(linear), f"< {_ms(RESOLVE_TARGET_S)}",
         f">= {_ms(naive)} (extrapolated)", f"{naive / linear:,.0f}x",
         "PASS" if linear < RESOLVE_TARGET_S else "FAIL"],
        ["largest accepted upload: read + resolve", _ms(upload_s), "-",
         f"{_ms(pandas_s)} (pandas.read_csv)", f"{upload_s / pandas_s:,.0f}x slower", "-"],
        ["largest accepted upload: peak memory", f"{upload_mb:,.0f} MB", "-",
         f"{pandas_mb:,.0f} MB (pandas.read_csv)", f"{upload_mb / pandas_mb:,.1f}x more", "-"],
        ["largest accepted GeoJSON: read + LSOAs", _ms(polygons_s), "-",
         f"{_ms(naive_polygons_s)} (whole-polygon overlays)",
         f"{naive_polygons_s / polygons_s:,.0f}x", "-"],
        ["zip renamed .geojson refused", _ms(refuse_s), "-", f"{_ms(unpack_s)} (unpacked)",
         f"{unpack_s / refuse_s:,.0f}x", "-"],
    ])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory"]:
        loaded = store_or_build().generation()
        _ = loaded.spine, loaded.layer("lad"), loaded.layer("hwb"), loaded.layer("sub_icb")
        upload = _largest_upload(loaded)
        print(f"{_rss_growth_mb(_work(sys.argv[2], loaded, upload)):.1f}")
    else:
        main()
