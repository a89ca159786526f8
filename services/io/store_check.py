"""What loading a store needs, checked in one place: ``load_store`` (so the CLI, the dashboard and
``placemap data check`` alike) reads every file through these checks.

Everything expected is derived from ``meta.json``'s ``layers`` list (a file pair and a spine column
per layer id), never from a fixed list of layers, so a store of other boundary generations is
checked the same way. Every fault raises :class:`StoreMissingError` naming the file, what is wrong
and that a rebuild fixes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
from pandas.api import types

from layers import store_spine_column

MAP_SUFFIX = ".map.parquet"
#: Raised whenever a build writes something that means something else (2: wards fitted within
#: their council; 3: one file per layer vintage, generations 2024 and 2026; 4: LSOA adjacency;
#: 5: the default scheme's place shapes); a store of another format is rebuilt, never read.
STORE_FORMAT = 5
#: LSOA pairs sharing a boundary (:mod:`services.build.adjacency`): spine positions a < b.
ADJACENCY_FILE = "lsoa_adjacency.parquet"
#: The default place scheme's map shapes (:mod:`services.place_shapes`), with their columns
#: (text) besides the geometry (EPSG:4326): one row per distinct set of LSOAs.
PLACE_SHAPES_FILE = "default_places.map.parquet"
PLACE_SHAPE_COLUMNS = ("generation", "code", "shape_key")
REBUILD = "Rebuild it with `placemap data build` (set PLACEMAP_MIRROR to build offline)."
#: What reading a damaged file raises (pyarrow's errors are ValueErrors, OSErrors or its own).
READ_ERRORS = (OSError, ValueError, TypeError, KeyError, NotImplementedError, pa.ArrowException)


class StoreMissingError(FileNotFoundError):
    """The store has not been built, or cannot be read (incomplete, corrupt or from an older
    version of Placemap): either way the answer is to build it."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, float) or _is_int(value)


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


#: meta.json keys loading and ``placemap data check`` read, with the test each value must pass.
def _is_object(value: object) -> bool:
    return isinstance(value, dict)


META_REQUIRED: dict[str, tuple[str, Callable[[object], bool]]] = {
    "format": ("an integer", _is_int),
    "built_at": ("a string", lambda value: isinstance(value, str)),
    "build_seconds": ("a number", _is_number),
    "layers": ("a list of layer ids", _is_str_list),
    "layer_info": ("an object keyed by layer id", _is_object),
    "generations": ("an object keyed by generation id", _is_object),
    "sources": ("an object keyed by dataset id", _is_object),
    "adjacency_pairs": ("an integer", _is_int),
    "place_shapes": ("an integer", _is_int),
}
META_OPTIONAL: dict[str, tuple[str, Callable[[object], bool]]] = {
    "spine_rows": ("an integer", _is_int),
    "warnings": ("a list of strings", _is_str_list),
    "quirks": ("an object", _is_object),
    "pcn": ("an object", _is_object),
    "quality": ("an object", _is_object),
}
LAYER_INFO: dict[str, tuple[str, Callable[[object], bool]]] = {
    "rows": ("an integer", _is_int),
    "population": ("an integer", _is_int),
    "vintage": ("a string", lambda value: isinstance(value, str)),
    "repaired_geometries": ("an integer", _is_int),
}

#: Column kinds, each a dtype test.
KINDS: dict[str, Callable[[object], bool]] = {
    "text": types.is_string_dtype,
    "integer": lambda dtype: types.is_integer_dtype(dtype) and not types.is_bool_dtype(dtype),
    "number": lambda dtype: types.is_numeric_dtype(dtype) and not types.is_bool_dtype(dtype),
}
SPINE_COLUMNS = {"lsoa21_code": "text", "lsoa21_name": "text", "population": "integer",
                 "centroid_easting_m": "number", "centroid_northing_m": "number"}
LAYER_COLUMNS = {"code": "text", "name": "text", "population": "integer", "area_m2": "number"}
MAP_COLUMNS = {"code": "text"}
#: EPSG code of each file kind's geometry: measurement in British National Grid, maps in WGS84.
LAYER_EPSG, MAP_EPSG = 27700, 4326


def unreadable(path: Path, problem: str) -> StoreMissingError:
    return StoreMissingError(f"The geography store at {path} cannot be read: {problem}. {REBUILD}")


def _check_fields(where: str, found: dict, fields: dict, required: bool) -> list[str]:
    problems = []
    for key, (expected, test) in fields.items():
        if key not in found:
            if required:
                problems.append(f"{where} has no {key!r}")
        elif not test(found[key]):
            problems.append(f"{where} {key!r} is {found[key]!r:.40}, expected {expected}")
    return problems


def read_meta(folder: Path, path: Path) -> dict:
    """``meta.json`` of the store folder, with the types loading relies on (``path`` is the
    store path the user named, for messages)."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except READ_ERRORS as exc:
        raise unreadable(path, f"meta.json ({type(exc).__name__}: {exc})") from exc
    if not isinstance(meta, dict):
        raise unreadable(path, f"meta.json holds {type(meta).__name__} {meta!r:.40}, "
                               "expected an object")
    if _is_int(meta.get("format")) and meta["format"] != STORE_FORMAT:  # said first: the cause
        raise unreadable(path, f"it is format {meta['format']}, this Placemap reads format "
                               f"{STORE_FORMAT}")
    problems = (_check_fields("meta.json", meta, META_REQUIRED, True)
                + _check_fields("meta.json", meta, META_OPTIONAL, False))
    for layer_id in [] if problems else meta["layers"]:
        info = meta["layer_info"].get(layer_id)
        where = f"meta.json layer_info[{layer_id!r}]"
        problems += (_check_fields(where, info, LAYER_INFO, True) if isinstance(info, dict)
                     else [f"{where} is {info!r:.40}, expected an object"])
    if problems:
        raise unreadable(path, "; ".join(problems[:5]))
    return meta


def _check_columns(path: Path, file_name: str, frame: pd.DataFrame, columns: dict) -> None:
    for column, kind in columns.items():
        if column not in frame.columns:
            found = ", ".join(map(str, frame.columns[:12]))
            raise unreadable(path, f"{file_name} has no column {column} (has {found})")
        if not KINDS[kind](frame[column].dtype):
            raise unreadable(path, f"{file_name} column {column} is {frame[column].dtype}, "
                                   f"expected {kind}")


def check_spine(path: Path, spine: pd.DataFrame, meta: dict) -> None:
    """Columns and dtypes, one spine column per layer, LSOA codes sorted and unique (rows are
    addressed by position everywhere), the row count ``meta.json`` recorded."""
    layer_columns = {store_spine_column(layer_id): "text" for layer_id in meta["layers"]}
    columns = {**SPINE_COLUMNS, **layer_columns}
    _check_columns(path, "spine.parquet", spine, columns)
    codes = spine["lsoa21_code"]
    if codes.isna().any() or not codes.is_unique or not codes.is_monotonic_increasing:
        raise unreadable(path, "spine.parquet lsoa21_code is not sorted, unique and complete")
    if spine["population"].lt(0).any():
        raise unreadable(path, "spine.parquet has negative populations")
    if meta.get("spine_rows", len(spine)) != len(spine):
        raise unreadable(path, f"spine.parquet has {len(spine):,} rows, meta.json says "
                               f"{meta['spine_rows']:,}")


def _declared_epsg(frame: gpd.GeoDataFrame) -> int | None:
    """The EPSG code the file's PROJJSON declares, read from its text: building the PROJ object
    (``crs.to_epsg()``, ``crs.equals``) costs 10-50 ms a file, most of a cold start's store load
    when done for all 30 files; layers a session never reprojects never need it."""
    if frame.crs is None:
        return None
    try:
        declared = json.loads(frame.crs.srs).get("id") or {}
    except (ValueError, AttributeError):  # not PROJJSON: let PROJ decide
        return frame.crs.to_epsg()
    return declared.get("code") if declared.get("authority") == "EPSG" else frame.crs.to_epsg()


def check_layer(path: Path, layer_id: str, layer: gpd.GeoDataFrame, map_layer: gpd.GeoDataFrame,
                store_meta: dict, spine: pd.DataFrame) -> None:
    """A layer and its map copy: columns, CRS, geometry, the row count in ``meta.json``, the same
    codes in the same order, and every spine code of the layer among them."""
    rows = store_meta["layer_info"][layer_id]["rows"]
    for file_name, frame, columns, epsg in (
            (f"{layer_id}.parquet", layer, LAYER_COLUMNS, LAYER_EPSG),
            (f"{layer_id}{MAP_SUFFIX}", map_layer, MAP_COLUMNS, MAP_EPSG)):
        _check_columns(path, file_name, frame, columns)
        if _declared_epsg(frame) != epsg:
            crs = frame.crs.to_string() if frame.crs is not None else "no CRS"
            raise unreadable(path, f"{file_name} is in {crs}, expected EPSG:{epsg}")
        if frame.geometry.isna().any():
            raise unreadable(path, f"{file_name} has {int(frame.geometry.isna().sum())} rows "
                                   "without geometry")
        if len(frame) != rows:
            raise unreadable(path, f"{file_name} has {len(frame):,} rows, meta.json says {rows:,}")
    codes = layer["code"]
    if not codes.is_unique or not (map_layer["code"].to_numpy() == codes.to_numpy()).all():
        raise unreadable(path, f"{layer_id}.parquet codes are not unique or not in the order of "
                               f"{layer_id}{MAP_SUFFIX}")
    in_spine = spine[store_spine_column(layer_id)].dropna()
    if layer_id == "lsoa" and (len(codes) != len(spine)
                               or not (codes.to_numpy() == in_spine.to_numpy()).all()):
        raise unreadable(path, "lsoa.parquet is not in the order of spine.parquet")
    unknown = pd.Index(in_spine.unique()).difference(pd.Index(codes))  # hashed: ~50× isin
    if len(unknown):
        raise unreadable(path, f"spine.parquet {store_spine_column(layer_id)} has "
                               f"{len(unknown):,} code(s) not in {layer_id}.parquet, e.g. "
                               f"{unknown[0]}")


def check_adjacency(path: Path, adjacency: pd.DataFrame, meta: dict, spine_rows: int) -> None:
    """Integer spine positions a < b within the spine, sorted and unique (pieces are connected
    components over them), as many pairs as ``meta.json`` recorded."""
    _check_columns(path, ADJACENCY_FILE, adjacency, {"a": "integer", "b": "integer"})
    a, b = adjacency["a"].to_numpy(), adjacency["b"].to_numpy()
    if len(adjacency) != meta["adjacency_pairs"]:
        raise unreadable(path, f"{ADJACENCY_FILE} has {len(adjacency):,} pairs, meta.json says "
                               f"{meta['adjacency_pairs']:,}")
    if len(a) and (a.min() < 0 or b.max() >= spine_rows or (a >= b).any()):
        raise unreadable(path, f"{ADJACENCY_FILE} holds pairs that are not spine positions "
                               f"a < b below {spine_rows:,}")
    keys = a.astype("int64") * spine_rows + b
    if (keys[1:] <= keys[:-1]).any():
        raise unreadable(path, f"{ADJACENCY_FILE} pairs are not sorted and unique")


def check_place_shapes(path: Path, shapes: gpd.GeoDataFrame, meta: dict) -> None:
    """Text columns, WGS84, a geometry and a unique LSOA-set key per row, as many rows as
    ``meta.json`` recorded."""
    _check_columns(path, PLACE_SHAPES_FILE, shapes,
                   dict.fromkeys(PLACE_SHAPE_COLUMNS, "text"))
    if len(shapes) != meta["place_shapes"]:
        raise unreadable(path, f"{PLACE_SHAPES_FILE} has {len(shapes):,} rows, meta.json says "
                               f"{meta['place_shapes']:,}")
    if len(shapes) and _declared_epsg(shapes) != MAP_EPSG:
        raise unreadable(path, f"{PLACE_SHAPES_FILE} is not in EPSG:{MAP_EPSG}")
    if shapes.geometry.isna().any() or not shapes["shape_key"].is_unique:
        raise unreadable(path, f"{PLACE_SHAPES_FILE} has rows without geometry or repeated "
                               "keys")
