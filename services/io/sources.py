"""Official source files: the manifest, where each file comes from, and validation before use.

A file is read from the folder named by ``PLACEMAP_MIRROR`` when that is set, otherwise downloaded
from its official address into ``geodata/cache/``. Nothing is used until it has passed the checks
its manifest entry implies (fields, code format and uniqueness, the format of other code fields and
the range of coordinate fields, England row count, CRS, geometry within England); a failure raises
:class:`SourceError` naming the file, the problem (with the row and code) and what to do.
"""

from __future__ import annotations

import hashlib
import io
import os
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from services.io.store import PROJECT_ROOT

MANIFEST_PATH = PROJECT_ROOT / "geodata" / "manifest.toml"
CACHE_DIR = PROJECT_ROOT / "geodata" / "cache"
#: England's extremes in WGS84 (west: Isles of Scilly −6.45°, east: Lowestoft Ness 1.76°, south:
#: Scilly 49.86°, north: Marshall Meadows 55.81°) widened by about 0.25° (west, south, east, north):
#: an England feature reaching outside is in the wrong place, whatever its file claims.
ENGLAND_LON_LAT_BOUNDS = (-6.7, 49.6, 2.1, 56.1)


class SourceError(ValueError):
    """A source file is missing or fails validation; the message says which and what to do."""


@dataclass(frozen=True)
class Dataset:
    id: str
    title: str
    publisher: str
    vintage: str
    kind: str
    url: str
    mirror_file: str
    code_field: str
    fields: tuple[str, ...]
    licence: str
    attribution: str
    name_field: str | None = None
    code_pattern: str | None = None
    england_rows: int | None = None
    unique_codes: bool = True
    allowed_duplicate_codes: tuple[str, ...] = ()
    optional: bool = False
    sha256: str | None = None
    archive_member: str | None = None
    sheet: str | None = None
    #: sha256 of a documented reconstruction kept in the mirror in place of the official file.
    reconstruction_sha256: str | None = None
    #: Other code fields and the pattern each value must match.
    field_patterns: dict[str, str] = field(default_factory=dict)
    #: Numeric fields (coordinates) and the closed range each value must lie in.
    field_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def is_geo(self) -> bool:
        return self.kind == "arcgis_geojson"


@dataclass
class Manifest:
    datasets: dict[str, Dataset]
    attribution: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, dataset_id: str) -> Dataset:
        return self.datasets[dataset_id]


def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    raw = tomllib.loads(Path(path).read_text())
    datasets = {}
    for entry in raw["dataset"]:
        for key in ("fields", "allowed_duplicate_codes"):
            if key in entry:
                entry[key] = tuple(entry[key])
        entry["field_ranges"] = {name: (float(low), float(high))
                                 for name, (low, high) in entry.get("field_ranges", {}).items()}
        datasets[entry["id"]] = Dataset(**entry)
    return Manifest(datasets=datasets, attribution=raw.get("attribution", {}))


def mirror_dir() -> Path | None:
    value = os.environ.get("PLACEMAP_MIRROR")
    return Path(value) if value else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def locate(dataset: Dataset) -> Path | None:
    """A local copy of the dataset, fetched if needed; None for a missing optional one."""
    mirror = mirror_dir()
    if mirror is not None:
        path = mirror / dataset.mirror_file
        if path.exists():
            return path
        if dataset.optional:
            return None
        raise SourceError(
            f"{path}: file not found in PLACEMAP_MIRROR. Put the official '{dataset.title}' there "
            f"(from {dataset.url}) or unset PLACEMAP_MIRROR to download it."
        )
    return _download(dataset)


def _download(dataset: Dataset) -> Path | None:
    from services.io.download import fetch_arcgis, fetch_file

    dest = CACHE_DIR / dataset.mirror_file
    if dest.exists():
        return dest
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    if dataset.kind in ("arcgis_geojson", "arcgis_table"):
        fetch_arcgis(dataset.url, dest, as_table=dataset.kind == "arcgis_table")
    elif dataset.kind == "file":
        archive = CACHE_DIR / Path(dataset.url).name
        if not archive.exists():
            fetch_file(dataset.url, archive)
        _extract(dataset, archive, dest)
    elif dataset.optional:
        return None
    else:
        raise SourceError(
            f"{dataset.mirror_file}: '{dataset.title}' has no fixed download address (its file "
            f"name changes with each release). Download it from {dataset.url}, save it as "
            f"{dataset.mirror_file} in a folder and set PLACEMAP_MIRROR to that folder."
        )
    return dest


def _extract(dataset: Dataset, archive: Path, dest: Path) -> None:
    """Turn a downloaded archive member (a CSV, or an Excel sheet) into the mirror's CSV form."""
    if not dataset.archive_member:
        archive.replace(dest)
        return
    with zipfile.ZipFile(archive) as bundle:
        data = bundle.read(dataset.archive_member)
    if dataset.sheet:
        table = pd.read_excel(io.BytesIO(data), sheet_name=dataset.sheet, dtype=str)
        table.to_csv(dest, index=False)
    else:
        dest.write_bytes(data)


def hash_warning(dataset: Dataset, path: Path) -> str | None:
    """A changed file is not an error (releases are re-issued), but the build records it."""
    if dataset.sha256 and sha256_of(path) != dataset.sha256:
        return (
            f"{path.name}: sha256 differs from the manifest's pinned {dataset.sha256[:12]}…; "
            "validated anyway: check the release notes if figures change."
        )
    return None


def read_table(dataset: Dataset, path: Path) -> pd.DataFrame:
    """Read a CSV source as strings (codes keep leading zeros) and validate it."""
    try:
        table = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise SourceError(
            f"{path.name}: cannot be read as CSV ({exc}). Replace it with a fresh copy of "
            f"'{dataset.title}' from {dataset.url}."
        ) from exc
    _check_fields(dataset, path, table.columns)
    _check_codes(dataset, path, table[dataset.code_field])
    _check_values(dataset, path, table)
    return table


def read_geo(dataset: Dataset, path: Path) -> tuple[gpd.GeoDataFrame, int]:
    """Read a GeoJSON source, validate it, repair invalid geometry; return it in EPSG:27700
    with the number of geometries repaired."""
    import pyogrio  # GDAL: for the build's sources, never loaded by a serving dashboard

    try:
        frame = gpd.read_file(path, engine="pyogrio", use_arrow=True)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise SourceError(
            f"{path.name}: cannot be read as GeoJSON ({exc}). The file is damaged or truncated: "
            f"replace it with a fresh copy of '{dataset.title}' from {dataset.url}."
        ) from exc
    _check_fields(dataset, path, frame.columns)
    _check_codes(dataset, path, frame[dataset.code_field])
    _check_values(dataset, path, frame)
    _check_wgs84(dataset, path, frame)
    _check_in_england(dataset, path, frame)
    if frame.geometry.isna().any() or frame.geometry.is_empty.any():
        bad = frame.loc[frame.geometry.isna() | frame.geometry.is_empty, dataset.code_field]
        raise SourceError(
            f"{path.name}: {len(bad)} features have no geometry (e.g. {bad.iloc[0]}). "
            f"Replace the file with a fresh copy from {dataset.url}."
        )
    frame = frame.to_crs(27700)
    invalid = ~frame.geometry.is_valid
    repaired = int(invalid.sum())
    if repaired:
        frame.loc[invalid, "geometry"] = shapely.make_valid(
            frame.geometry[invalid].values, method="structure", keep_collapsed=False
        )
    return frame, repaired


def wgs84_problem(frame: gpd.GeoDataFrame) -> str | None:
    """Why ``frame`` is not WGS84 longitude/latitude, or None. GeoJSON is WGS84 (RFC 7946): a
    file declaring another CRS, or holding projected coordinates, is refused rather than
    reprojected from a guessed origin."""
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        declared = frame.crs.to_string() if frame.crs is not None else "no CRS"
        return f"coordinates are in {declared}, expected WGS84 (EPSG:4326, RFC 7946)"
    minx, miny, maxx, maxy = frame.total_bounds
    if min(minx, miny) < -180 or maxx > 180 or maxy > 90:
        return (f"coordinates up to ({maxx:.0f}, {maxy:.0f}) are not longitude/latitude: the "
                "file looks projected (e.g. British National Grid) but GeoJSON must be WGS84")
    return None


def _check_wgs84(dataset: Dataset, path: Path, frame: gpd.GeoDataFrame) -> None:
    problem = wgs84_problem(frame)
    if problem:
        raise SourceError(f"{path.name}: {problem}. Download '{dataset.title}' with outSR=4326 "
                          "or re-export it in WGS84 (EPSG:4326).")


def _refuse_row(dataset: Dataset, path: Path, table: pd.DataFrame, bad: pd.Series,
                problem: Callable[[pd.Series], str]) -> None:
    """Raise for the first row flagged in ``bad``, saying what is wrong with it."""
    if not bad.any():
        return
    position = int(bad.to_numpy().argmax())
    row = table.iloc[position]
    raise SourceError(
        f"{path.name}: row {position + 1} ({dataset.code_field} {row[dataset.code_field]}): "
        f"{problem(row)} ({int(bad.sum())} such row(s)). The file is damaged or not the "
        f"official '{dataset.title}': replace it from {dataset.url}."
    )


def _check_values(dataset: Dataset, path: Path, table: pd.DataFrame) -> None:
    for name, pattern in dataset.field_patterns.items():
        bad = ~table[name].astype(str).str.match(pattern)
        _refuse_row(dataset, path, table, bad, lambda row, name=name, pattern=pattern:
                    f"{name}={row[name]!r} is not a code of the form {pattern}")
    for name, (low, high) in dataset.field_ranges.items():
        values = pd.to_numeric(table[name], errors="coerce")
        _refuse_row(dataset, path, table, ~values.between(low, high),
                    lambda row, name=name, low=low, high=high:
                    f"{name}={row[name]} is not a number from {low:,.0f} to {high:,.0f}")


def _check_in_england(dataset: Dataset, path: Path, frame: gpd.GeoDataFrame) -> None:
    """England's features must lie in England (WGS84, checked before reprojection)."""
    west, south, east, north = ENGLAND_LON_LAT_BOUNDS
    bounds = frame.geometry.bounds
    england = frame[dataset.code_field].astype(str).str.startswith("E")
    outside = england & ((bounds["minx"] < west) | (bounds["miny"] < south)
                         | (bounds["maxx"] > east) | (bounds["maxy"] > north))
    _refuse_row(dataset, path, frame.assign(**bounds), outside, lambda row: (
        f"its geometry spans lon {row['minx']:.2f} to {row['maxx']:.2f}, lat {row['miny']:.2f} "
        f"to {row['maxy']:.2f}, outside England (lon {west} to {east}, lat {south} to {north})"))


def _check_fields(dataset: Dataset, path: Path, columns: pd.Index) -> None:
    missing = [name for name in dataset.fields if name not in columns]
    if missing:
        raise SourceError(
            f"{path.name}: missing field(s) {', '.join(missing)} "
            f"(has {', '.join(map(str, columns))}). This is not the expected "
            f"'{dataset.title}'; replace it from {dataset.url}."
        )


def _check_codes(dataset: Dataset, path: Path, codes: pd.Series) -> None:
    if dataset.code_pattern:
        malformed = codes[~codes.astype(str).str.match(dataset.code_pattern)]
        if len(malformed):
            raise SourceError(
                f"{path.name}: {len(malformed)} malformed {dataset.code_field} value(s), e.g. "
                f"{malformed.iloc[0]!r}. Replace the file from {dataset.url}."
            )
    if dataset.unique_codes:
        duplicated = codes[codes.duplicated() & ~codes.isin(dataset.allowed_duplicate_codes)]
        if len(duplicated):
            raise SourceError(
                f"{path.name}: duplicate {dataset.code_field} value(s) "
                f"{', '.join(sorted(set(duplicated))[:5])}. Each code must appear once; "
                f"replace the file from {dataset.url}."
            )
    if dataset.england_rows is not None:
        england = int(codes.astype(str).str.startswith("E").sum())
        expected = dataset.england_rows
        if england != expected:
            raise SourceError(
                f"{path.name}: {england} England rows, expected {expected} for the "
                f"{dataset.vintage} vintage. The file is incomplete or another vintage; replace it "
                f"from {dataset.url}."
            )
