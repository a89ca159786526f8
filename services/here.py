"""What is here: the LSOA under a point of the map, and every layer's area there.

A click on a map gives a WGS84 point. Every layer of every generation is a function of the LSOA
2021 spine (each LSOA has one code per stored layer vintage), so the point is turned into one
LSOA, found through the LSOA layer's spatial index (EPSG:27700, built once per loaded layer by
geopandas), and everything else is a row of the spine plus name lookups.
"""

from __future__ import annotations

import functools
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
import shapely
from pyproj import Transformer

from layers import (
    GENERATIONS,
    LAYERS,
    generations_of,
    layer_vintage,
    store_key,
    store_spine_column,
    stored_keys,
)
from services.bounded_cache import BoundedCache
from services.geography import Geography
from services.io.store import Store

#: WGS84 → British National Grid runs in one long-lived thread: pyproj makes a transformer's
#: PROJ objects again in each thread that uses it (0.07–0.3 s), and Streamlit runs every rerun
#: in a new thread, so a transformer per calling thread cost more than the rest of a click.
_TO_BNG_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="to-bng")
#: Per layer frame (by id, held with the frame so a new frame at a reused id is indexed
#: again): its codes as a hashed index, so a click looks each code up in O(1).
_CODE_INDEXES: BoundedCache[int, tuple[pd.DataFrame, pd.Index]] = BoundedCache(64)


def _to_bng(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → British National Grid (EPSG:27700) metres."""
    return _TO_BNG_THREAD.submit(lambda: _to_bng_transformer().transform(lon, lat)).result()


@functools.cache
def _to_bng_transformer() -> Transformer:
    """Used in ``_TO_BNG_THREAD`` only."""
    return Transformer.from_crs(4326, 27700, always_xy=True)


def lsoa_at(store: Store, lat: float, lon: float) -> int | None:
    """The spine position of the LSOA whose polygon holds the WGS84 point (lat, lon), or None
    outside England (or for a point that is not a number). On a border shared by two LSOAs the
    first in spine order is taken. Assumes the LSOA layer is in spine order (the store checks
    it on load)."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    x, y = _to_bng(lon, lat)
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    hits = store.layer("lsoa").sindex.query(shapely.Point(x, y), predicate="intersects")
    return int(hits.min()) if len(hits) else None


_ORDER = {layer_id: i for i, layer_id in enumerate(LAYERS)}


@dataclass(frozen=True)
class HereRow:
    """One layer vintage's area at a point. ``generations``: the generations that use this
    vintage, latest first (ONS regions 2024 belong to both); ``code`` is "" where the LSOA is
    in no area of the layer (a place configuration with a gap)."""

    layer_id: str
    layer: str
    vintage: str
    generations: tuple[str, ...]
    code: str
    name: str
    population: int
    method: str


@dataclass(frozen=True)
class Here:
    """Everything at one LSOA: its rows and, per generation, its ICB (to open a row's map)."""

    lsoa: int
    rows: tuple[HereRow, ...]
    icb_by_generation: dict[str, str]


def what_is_here(store: Store, lsoa: int, places: Geography | None = None) -> Here:
    """Every stored layer vintage's area holding the LSOA at spine position ``lsoa`` (layers in
    declaration order, each layer's newest vintage first), and the place(s) of ``places`` that
    hold it. Cheap: one spine row and one code lookup per layer vintage."""
    base = store.base or store
    rows = [_row(base, key, lsoa) for key in _newest_first(base)]
    if places is not None:  # where places stand in the declaration order
        at = next((i for i, row in enumerate(rows) if _ORDER[row.layer_id] > _ORDER["place"]),
                  len(rows))
        rows[at:at] = _place_rows(base, places, lsoa)
    columns = {g.id: store_spine_column(store_key("icb", g.vintages["icb"]))
               for g in GENERATIONS.values()}
    icbs = {generation: str(base.spine[column].iat[lsoa])
            for generation, column in columns.items() if column in base.spine}
    return Here(lsoa, tuple(rows), icbs)


def _newest_first(base: Store) -> list[str]:
    """The store's layer vintages by layer in declaration order, newest vintage first (each
    layer declares its vintages oldest first)."""
    def rank(key: str) -> tuple[int, int]:
        layer = layer_vintage(key)
        return _ORDER[layer.id], -layer.layer.vintages.index(layer.vintage)
    return sorted((key for key in stored_keys() if key in base.layers), key=rank)


@functools.cache
def _generations(key: str) -> tuple[str, ...]:
    """The generations using a layer vintage, latest first (fixed by the declarations)."""
    return tuple(g.id for g in sorted(generations_of(key), key=lambda g: g.effective,
                                      reverse=True))


def _row(base: Store, key: str, lsoa: int) -> HereRow:
    layer = layer_vintage(key)
    spine = base.spine
    if key == "lsoa":  # the spine row itself
        return HereRow(layer.id, layer.title, layer.vintage.label, _generations(key),
                       str(spine["lsoa21_code"].iat[lsoa]), str(spine["lsoa21_name"].iat[lsoa]),
                       int(spine["population"].iat[lsoa]), layer.population_method)
    column = store_spine_column(key)
    code = spine[column].iat[lsoa] if column in spine else None
    code = "" if code is None or pd.isna(code) else str(code)
    frame = base.layers[key]
    codes = _code_index(frame)
    at = codes.get_loc(code) if code and code in codes else None
    name = str(frame["name"].iat[at]) if at is not None else "(none)"
    population = int(frame["population"].iat[at]) if at is not None else 0
    return HereRow(layer.id, layer.title, layer.vintage.label, _generations(key), code, name,
                   population, layer.population_method)


def _code_index(frame: pd.DataFrame) -> pd.Index:
    known = _CODE_INDEXES.get_or_make(id(frame), lambda: (frame, pd.Index(frame["code"])))
    if known[0] is not frame:
        known = _CODE_INDEXES[id(frame)] = (frame, pd.Index(frame["code"]))
    return known[1]


def _place_rows(base: Store, places: Geography, lsoa: int) -> list[HereRow]:
    """The place(s) holding the LSOA (a configuration may put it in none or in two), each with
    its people summed over the spine."""
    lsoas = places.membership["lsoa"].to_numpy()
    positions = places.code_positions  # integer positions: no string compared per click
    people = base.spine["population"].to_numpy()
    generations = (places.generation,) if places.generation else ()
    vintage = f"configuration ({places.vintage})"
    rows = []
    for position in dict.fromkeys(positions[lsoas == lsoa].tolist()):
        code = places.codes[position]
        rows.append(HereRow("place", LAYERS["place"].title, vintage, generations, str(code),
                            str(places.areas["name"].iat[position]),
                            int(people[lsoas[positions == position]].sum()),
                            places.population_method))
    if not rows:
        rows.append(HereRow("place", LAYERS["place"].title, vintage, generations, "",
                            "(in no place: a gap of the configuration)", 0,
                            places.population_method))
    return rows
