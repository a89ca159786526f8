"""Search-as-you-type and "What is here?" benchmarks, April 2026 on the full store.

Measured (store loaded once; the workspace's ICB pair tables warmed, untimed):

1. Search: the index of every ICB, sub-ICB, HWB area, council, ward, PCN and default-scheme
   place (``SearchIndex.build`` over ``Workspace.search_areas``) built once (timed), then each
   of the queries below as typed letter by letter (every prefix of each query is a search, as
   the box sends it). Median and worst per search. Baseline, same run: the same searches as a
   plain typo-tolerant scan, ``difflib.SequenceMatcher`` ratio of the query against every
   name's every word (what one would write without an index).
2. What is here: a click (WGS84 point) → ``lsoa_at`` + ``what_is_here`` for 200 points on
   LSOA centroids across England, after a first click (timed apart: it hashes each layer's
   codes once per loaded store); median and worst. Baseline: the same answer from the
   polygons, a point-in-polygon test of every layer vintage (``GeoSeries.contains``) per click.

Run: PLACEMAP_MIRROR=../shared/geodata-src .venv/bin/python benchmarks/bench_search.py
"""

from __future__ import annotations

import difflib
import statistics

import numpy as np
import shapely
from common import print_table, store_or_build, timed
from pyproj import Transformer

from services.here import lsoa_at, what_is_here
from services.search import SearchIndex, normalise
from services.workspace import Workspace

QUERIES = ("bolten", "darlinton", "sheffeild", "kings lynn", "newcastle upon tyne", "E08000001")
CLICKS = 200
BASELINE_SEARCHES = 12  # the scan is slow: timed on the first searches only


def _prefixes() -> list[str]:
    return [query[:n] for query in QUERIES for n in range(2, len(query) + 1)]


def _naive_search(names: list[list[str]], query: str) -> list[int]:
    words = normalise(query).split()
    found = []
    for position, name_words in enumerate(names):
        if all(max((difflib.SequenceMatcher(None, w, n).ratio() for n in name_words),
                   default=0) >= 0.75 for w in words):
            found.append(position)
    return found


def main() -> None:
    store = store_or_build()
    ws = Workspace(store.generation("2026"))
    places = ws.places("hwb_within_icb")
    areas = ws.search_areas(places)  # warms the pair tables (untimed)
    index: list[SearchIndex] = []
    build_s = timed(lambda: index.append(SearchIndex.build(areas)))
    searches = [timed(lambda q=q: index[0].search(q)) for q in _prefixes()]
    names = [normalise(name).split() for name in areas["name"]]
    naive = [timed(lambda q=q: _naive_search(names, q)) for q in _prefixes()[:BASELINE_SEARCHES]]
    assert index[0].search("bolten")[0].name == "Bolton"

    lsoa = store.layer("lsoa")
    spine = store.spine.sample(CLICKS, random_state=1)
    to_wgs84 = Transformer.from_crs(27700, 4326, always_xy=True)
    lon, lat = to_wgs84.transform(spine["centroid_easting_m"].to_numpy(),
                                  spine["centroid_northing_m"].to_numpy())
    lsoa.sindex  # noqa: B018  (built once per loaded store, untimed like the store load)
    first_s = timed(lambda: what_is_here(ws.store, lsoa_at(store, lat[0], lon[0]), places))
    clicks = [timed(lambda a=a, o=o: what_is_here(ws.store, lsoa_at(store, a, o), places))
              for a, o in zip(lat, lon, strict=True)]
    points = shapely.points(spine["centroid_easting_m"], spine["centroid_northing_m"])
    layers = [frame.geometry for frame in store.layers.values()]
    polygons = [timed(lambda p=p: [np.flatnonzero(g.contains(p).to_numpy()) for g in layers])
                for p in points[:20]]

    rows = [
        ["search index build, 2026 (areas)", f"{build_s * 1000:.0f} ms ({len(areas):,})", "–",
         "–", "–", "–"],
        ["search as typed, median / worst", f"{statistics.median(searches) * 1000:.1f} / "
         f"{max(searches) * 1000:.1f} ms", "< 50 ms",
         f"{statistics.median(naive) * 1000:.0f} ms difflib scan",
         f"{statistics.median(naive) / statistics.median(searches):.0f}x",
         "met" if statistics.median(searches) < 0.05 else "missed"],
        ["what is here, first click (indexes each layer's codes)", f"{first_s * 1000:.0f} ms",
         "–", "–", "–", "–"],
        ["what is here per click, median / worst", f"{statistics.median(clicks) * 1000:.1f} / "
         f"{max(clicks) * 1000:.1f} ms", "< 50 ms",
         f"{statistics.median(polygons) * 1000:.0f} ms point in polygon",
         f"{statistics.median(polygons) / statistics.median(clicks):.0f}x",
         "met" if statistics.median(clicks) < 0.05 else "missed"],
    ]
    print_table(rows)


if __name__ == "__main__":
    main()
