"""The geography store on disk: one GeoParquet file per layer plus the LSOA spine.

Layout of a store folder (``geodata/store/`` unless ``PLACEMAP_STORE`` names another):

- ``spine.parquet``: one row per England LSOA 2021: ``lsoa21_code``, ``lsoa21_name``,
  ``population`` (Census 2021 usual residents), ``centroid_easting_m``/``centroid_northing_m``
  (population-weighted centroid, EPSG:27700), and ``<layer>_code`` for every layer.
- ``<layer>.parquet``: ``code``, ``name``, ``vintage``, parent codes (``<parent>_code``),
  ``population``, ``area_m2``, geometry in EPSG:27700 (for measurement).
- ``<layer>.map.parquet``: ``code`` and a coverage-simplified geometry in EPSG:4326 (for maps).
- ``lsoa_adjacency.parquet``: pairs ``a`` < ``b`` of spine positions of LSOAs sharing a boundary.
- ``default_places.map.parquet``: the default place scheme's places of every generation as map
  shapes (EPSG:4326), each keyed by the LSOAs it unites (:mod:`services.place_shapes`).
- ``meta.json``: build facts (sources, row counts, repairs, vintages).

Loading checks every file it reads (:mod:`services.io.store_check`), and a build swaps a complete
new version in atomically (:mod:`services.io.store_swap`), so a failed or killed build leaves the
last good store in place.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from layers import get_generation, store_spine_column
from services.io import store_swap
from services.io.geoparquet import read_geoparquet
from services.io.store_check import (
    ADJACENCY_FILE,
    MAP_SUFFIX,
    PLACE_SHAPE_COLUMNS,
    PLACE_SHAPES_FILE,
    READ_ERRORS,
    STORE_FORMAT,
    StoreMissingError,
    check_adjacency,
    check_layer,
    check_place_shapes,
    check_spine,
    read_meta,
    unreadable,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
READ_THREADS = 4


def store_path() -> Path:
    return Path(os.environ.get("PLACEMAP_STORE") or PROJECT_ROOT / "geodata" / "store")


@dataclass
class Store:
    """A loaded store. ``layers`` are in EPSG:27700, ``map_layers`` in EPSG:4326.

    As loaded, layers are keyed by layer vintage (``icb_2026``) and the spine has one code column
    per layer vintage (``icb_2026_code``). :meth:`generation` gives the view the engine reads:
    the same frames under plain layer ids (``icb``, ``icb_code``) for one generation, so that no
    code outside the build needs to know which vintage it is looking at. ``generation_id`` is
    that view's generation (None for the store as loaded).
    """

    path: Path
    meta: dict
    spine: pd.DataFrame
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    map_layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    generation_id: str | None = None
    #: LSOA pairs sharing a boundary (spine positions a < b), the same in every generation.
    adjacency: pd.DataFrame | None = None
    #: For a generation's view, the store as loaded (every generation); None for that store.
    base: Store | None = field(default=None, repr=False, compare=False)
    _views: dict[str, Store] = field(default_factory=dict, repr=False, compare=False)
    #: For a view with drafted ICBs (:mod:`services.icb_drafts`): the draft's content id.
    draft_id: str | None = None
    #: Map shapes of places made at build time, by the LSOAs each unites
    #: (:func:`services.place_shapes.shape_key`); the same in every generation's view.
    place_shapes: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def view_id(self) -> str | None:
        """What every geography built from this view is keyed by: its generation, and the ICB
        draft applied to it, so nothing cached for the official ICBs serves a drafted view."""
        if self.draft_id is None:
            return self.generation_id
        return f"{self.generation_id}+icbs:{self.draft_id}"

    def generation(self, generation_id: str | None = None) -> Store:
        """The store as one generation (default: the latest) sees it; made once per store."""
        if self.generation_id is not None:
            if generation_id not in (None, self.generation_id):
                raise ValueError(f"This is the {self.generation_id} view of the store; ask the "
                                 "loaded store for another generation.")
            return self
        generation = get_generation(generation_id)
        if generation.id not in self._views:
            keys = {layer.id: layer.key for layer in generation.stored_layers()
                    if layer.key in self.layers}
            own = {column: plain for column, plain in generation.spine_columns().items()
                   if column in self.spine}
            others = {store_spine_column(key) for key in self.layers} - set(own) - {"lsoa21_code"}
            spine = self.spine.drop(columns=[c for c in others if c in self.spine])
            self._views[generation.id] = Store(
                path=self.path, meta=self.meta, spine=spine.rename(columns=own),
                layers={layer_id: self.layers[key] for layer_id, key in keys.items()},
                map_layers={layer_id: self.map_layers[key] for layer_id, key in keys.items()
                            if key in self.map_layers},
                generation_id=generation.id, adjacency=self.adjacency, base=self,
                place_shapes=self.place_shapes)
        return self._views[generation.id]

    def layer(self, layer_id: str) -> gpd.GeoDataFrame:
        if layer_id not in self.layers:
            known = ", ".join(sorted(self.layers))
            raise KeyError(f"Layer {layer_id!r} is not in the store at {self.path} ({known}).")
        return self.layers[layer_id]


def load_store(path: Path | None = None) -> Store:
    """Load and check the store; any fault raises :class:`StoreMissingError` saying to rebuild.
    Files are read by a few threads (Parquet decoding releases the GIL; WKB is parsed a slice at
    a time), so a cold server start waits for the slowest files, not their sum, and the server
    goes on answering meanwhile; each CRS is built once (:mod:`services.io.geoparquet`)."""
    path = Path(path) if path else store_path()
    folder = _folder(path)
    meta = read_meta(folder, path)
    try:
        store = Store(path=path, meta=meta, spine=pd.read_parquet(folder / "spine.parquet"))
        check_spine(path, store.spine, meta)
        store.adjacency = pd.read_parquet(folder / ADJACENCY_FILE)
        check_adjacency(path, store.adjacency, meta, len(store.spine))
        with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
            shapes = pool.submit(read_geoparquet, folder / PLACE_SHAPES_FILE)
            read = {layer_id: (pool.submit(read_geoparquet, folder / f"{layer_id}.parquet"),
                               pool.submit(read_geoparquet, folder / f"{layer_id}{MAP_SUFFIX}"))
                    for layer_id in meta["layers"]}
            for layer_id, (layer, map_layer) in read.items():
                layer, map_layer = layer.result(), map_layer.result()
                check_layer(path, layer_id, layer, map_layer, meta, store.spine)
                store.layers[layer_id], store.map_layers[layer_id] = layer, map_layer
            shapes = shapes.result()
            check_place_shapes(path, shapes, meta)
            store.place_shapes = dict(zip(shapes["shape_key"], shapes.geometry.to_numpy(),
                                          strict=True))
    except READ_ERRORS as exc:
        if isinstance(exc, StoreMissingError):
            raise
        raise unreadable(path, f"{type(exc).__name__}: {exc}") from exc
    return store


def _folder(path: Path) -> Path:
    """The folder to read: the store path once a killed build's leftovers are tidied, or the
    newest complete version while another build holds the lock."""
    if store_swap.has_leftovers(path):
        try:
            with store_swap.build_lock(path, wait=False) as locked:
                if locked:
                    store_swap.tidy(path)
        except OSError:  # a read-only store location: read what is there
            pass
    if path.is_dir():
        return path
    if path.exists():
        raise StoreMissingError(f"{path} is a file, not a store folder: remove it (or set "
                                "PLACEMAP_STORE to the store folder), then build the store with "
                                "`placemap data build`.")
    versions = store_swap.complete_versions(path)
    if versions:
        return versions[-1]
    raise StoreMissingError(
        f"No geography store at {path}. Build it with `placemap data build` "
        "(set PLACEMAP_MIRROR to build offline from a mirror folder)."
    )


def write_store(
    path: Path,
    meta: dict,
    spine: pd.DataFrame,
    layers: dict[str, gpd.GeoDataFrame],
    map_layers: dict[str, gpd.GeoDataFrame],
    adjacency: pd.DataFrame,
    place_shapes: gpd.GeoDataFrame | None = None,
) -> None:
    """Write a complete new version beside the store, then swap it in atomically. ``meta``
    gains what loading checks: the format, the layer ids, the spine's and each layer's rows,
    the adjacency pairs, the stored place shapes (``place_shapes``, from
    :func:`services.build.place_shapes.default_place_shapes`; none given: none stored, and maps
    unite places as they are drawn)."""
    path = Path(path)
    info = meta.get("layer_info", {})
    if place_shapes is None:
        place_shapes = gpd.GeoDataFrame({column: pd.Series(dtype=str) for column in
                                         PLACE_SHAPE_COLUMNS}, geometry=[], crs=4326)
    meta = {**meta, "format": STORE_FORMAT, "layers": list(layers), "spine_rows": len(spine),
            "adjacency_pairs": len(adjacency), "place_shapes": len(place_shapes),
            "layer_info": {layer_id: {**info.get(layer_id, {}), "rows": len(gdf),
                                      "population": int(gdf["population"].sum())}
                           for layer_id, gdf in layers.items()}}
    with store_swap.build_lock(path):
        store_swap.tidy(path)
        partial = store_swap.new_version(path)
        try:
            spine.to_parquet(partial / "spine.parquet", index=False)
            adjacency.to_parquet(partial / ADJACENCY_FILE, index=False)
            place_shapes.to_parquet(partial / PLACE_SHAPES_FILE, index=False)
            for layer_id, gdf in layers.items():
                gdf.to_parquet(partial / f"{layer_id}.parquet", index=False)
                map_layers[layer_id].to_parquet(partial / f"{layer_id}{MAP_SUFFIX}", index=False)
            (partial / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True))
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        store_swap.publish(path, partial)


def store_size_bytes(path: Path | None = None) -> int:
    """Bytes of the current version (not of the versions kept beside it)."""
    path = (Path(path) if path else store_path()).resolve()
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
