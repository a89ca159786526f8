"""The geography store on disk: one GeoParquet file per layer plus the LSOA spine.

Layout of a store folder (``geodata/store/`` unless ``PLACEMAP_STORE`` names another):

- ``spine.parquet``: one row per England LSOA 2021: ``lsoa21_code``, ``lsoa21_name``,
  ``population`` (Census 2021 usual residents), ``centroid_easting_m``/``centroid_northing_m``
  (population-weighted centroid, EPSG:27700), and ``<layer>_code`` for every layer.
- ``<layer>.parquet``: ``code``, ``name``, ``vintage``, parent codes (``<parent>_code``),
  ``population``, ``area_m2``, geometry in EPSG:27700 (for measurement).
- ``<layer>.map.parquet``: ``code`` and a coverage-simplified geometry in EPSG:4326 (for maps).
- ``meta.json``: build facts (sources, row counts, repairs, vintages).

Writes go to a sibling temporary folder that replaces the store only once complete, so a failed
build leaves the last good store in place.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from layers import get_generation, store_spine_column

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAP_SUFFIX = ".map.parquet"


class StoreMissingError(FileNotFoundError):
    """The store has not been built, or cannot be read (incomplete, corrupt or from an older
    version of Placemap): either way the answer is to build it."""


#: Raised whenever a build writes something that means something else (2: wards fitted within
#: their council; 3: one file per layer vintage, generations 2024 and 2026); a store of another
#: format is rebuilt, never read.
STORE_FORMAT = 3


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
    #: For a generation's view, the store as loaded (every generation); None for that store.
    base: Store | None = field(default=None, repr=False, compare=False)
    _views: dict[str, Store] = field(default_factory=dict, repr=False, compare=False)

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
                generation_id=generation.id, base=self)
        return self._views[generation.id]

    def layer(self, layer_id: str) -> gpd.GeoDataFrame:
        if layer_id not in self.layers:
            known = ", ".join(sorted(self.layers))
            raise KeyError(f"Layer {layer_id!r} is not in the store at {self.path} ({known}).")
        return self.layers[layer_id]


def load_store(path: Path | None = None) -> Store:
    path = Path(path) if path else store_path()
    meta_file = path / "meta.json"
    if not meta_file.exists():
        raise StoreMissingError(
            f"No geography store at {path}. Build it with `placemap data build` "
            "(set PLACEMAP_MIRROR to build offline from a mirror folder)."
        )
    try:
        meta = json.loads(meta_file.read_text())
        if meta.get("format") != STORE_FORMAT:
            raise ValueError(f"it is format {meta.get('format', 1)}, this Placemap reads format "
                             f"{STORE_FORMAT}")
        store = Store(path=path, meta=meta, spine=pd.read_parquet(path / "spine.parquet"))
        for layer_id in meta["layers"]:
            store.layers[layer_id] = gpd.read_parquet(path / f"{layer_id}.parquet")
            store.map_layers[layer_id] = gpd.read_parquet(path / f"{layer_id}{MAP_SUFFIX}")
    except (OSError, ValueError, KeyError) as exc:  # pyarrow's read errors are ValueErrors
        raise StoreMissingError(
            f"The geography store at {path} cannot be read ({type(exc).__name__}: {exc}). "
            "Rebuild it with `placemap data build`."
        ) from exc
    return store


def write_store(
    path: Path,
    meta: dict,
    spine: pd.DataFrame,
    layers: dict[str, gpd.GeoDataFrame],
    map_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    """Write a complete store to a temporary sibling, then swap it in."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f"{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    staging.mkdir()
    try:
        spine.to_parquet(staging / "spine.parquet", index=False)
        for layer_id, gdf in layers.items():
            gdf.to_parquet(staging / f"{layer_id}.parquet", index=False)
            map_layers[layer_id].to_parquet(staging / f"{layer_id}{MAP_SUFFIX}", index=False)
        meta = {**meta, "format": STORE_FORMAT, "layers": list(layers)}
        (staging / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = path.with_name(f"{path.name}.old-{uuid.uuid4().hex[:8]}")
    if path.exists():
        path.rename(retired)
    staging.rename(path)
    shutil.rmtree(retired, ignore_errors=True)


def store_size_bytes(path: Path | None = None) -> int:
    path = Path(path) if path else store_path()
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
