"""Reading and writing place configurations: CSV (``place,block_type,code``) and GeoJSON.

Every problem is reported row by row (:class:`PlaceFileError`), never fixed by dropping a row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from services.io.sources import wgs84_problem
from services.io.store import PROJECT_ROOT

PLACES_DIR = PROJECT_ROOT / "geodata" / "places"
BLOCK_TYPES = ("lad", "hwb", "sub_icb", "ward", "lsoa")
HEADER = ["place", "block_type", "code"]


class PlaceFileError(ValueError):
    """A configuration that cannot be used; ``problems`` has one row per offending input row."""

    def __init__(self, source: str, problems: pd.DataFrame) -> None:
        self.source = source
        self.problems = problems.reset_index(drop=True)
        lines = [f"  line {row.line}: {row.problem}" for row in self.problems.itertuples()]
        super().__init__(f"{source}: {len(self.problems)} problem(s); fix these rows and load "
                         "it again:\n" + "\n".join(lines))


def problems_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["line", "place", "block_type", "code", "problem"])


def read_place_csv(data: str | bytes | Path,
                   source: str | None = None) -> tuple[dict, pd.DataFrame]:
    """(header facts from ``# key: value`` comment lines, blocks with columns line, place,
    block_type, code). ``line`` is the line number in the file, for error reports."""
    if isinstance(data, Path):
        source = source or data.name
        data = data.read_bytes()
    source = source or "uploaded CSV"
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PlaceFileError(source, problems_frame([{
                "line": 1, "problem": f"not UTF-8 text ({exc.reason}); save the file as CSV UTF-8"
            }])) from None
    facts: dict[str, str] = {}
    lines = data.splitlines()
    body_start = 0
    while body_start < len(lines) and lines[body_start].startswith("#"):
        key, _, value = lines[body_start][1:].partition(":")
        facts[key.strip()] = value.strip()
        body_start += 1
    reader = csv.reader(io.StringIO("\n".join(lines[body_start:])))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header != HEADER:
        raise PlaceFileError(source, problems_frame([{
            "line": body_start + 1,
            "problem": f"header is {','.join(header) or '(empty)'}; it must be "
                       f"{','.join(HEADER)}",
        }]))
    rows, problems = [], []
    for offset, cells in enumerate(reader, start=body_start + 2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != 3:
            problems.append({"line": offset, "problem": f"{len(cells)} values; expected 3 "
                             "(place, block_type, code)"})
            continue
        place, block_type, code = (cell.strip() for cell in cells)
        row = {"line": offset, "place": place, "block_type": block_type.lower(),
               "code": code.upper()}
        if not place:
            problems.append({**row, "problem": "empty place name"})
        elif row["block_type"] not in BLOCK_TYPES:
            problems.append({**row, "problem": f"block_type {block_type!r} is not one of "
                             f"{', '.join(BLOCK_TYPES)}"})
        else:
            rows.append(row)
    if problems:
        raise PlaceFileError(source, problems_frame(problems))
    if not rows:
        raise PlaceFileError(source, problems_frame([{"line": body_start + 2,
                                                      "problem": "no places in the file"}]))
    return facts, pd.DataFrame(rows, columns=["line", *HEADER])


def place_csv_text(blocks: pd.DataFrame, facts: dict[str, str] | None = None) -> str:
    """The configuration as CSV text that :func:`read_place_csv` reads back unchanged."""
    buffer = io.StringIO()
    for key, value in (facts or {}).items():
        buffer.write(f"# {key}: {value}\n")
    blocks[HEADER].to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def read_place_geojson(data: bytes, source: str = "uploaded GeoJSON") -> gpd.GeoDataFrame:
    """Place polygons (property ``place`` or ``name``) in EPSG:27700."""
    try:
        frame = pyogrio.read_dataframe(io.BytesIO(data))
    except Exception as exc:  # pyogrio raises several error types for unreadable input
        reason = str(exc).split("/vsimem/")[0].rstrip(" '\"") or type(exc).__name__
        raise PlaceFileError(source, problems_frame([{
            "line": 1, "problem": f"not readable as GeoJSON ({reason}); export the polygons "
                                  "again as GeoJSON (RFC 7946, WGS84)"}])) from None
    if frame.empty:
        raise PlaceFileError(source, problems_frame([{
            "line": 1, "problem": "the file has no features; add one polygon per place with a "
                                  "'place' property"}]))
    column = next((c for c in ("place", "name", "Place", "Name") if c in frame.columns), None)
    problems = []
    if column is None:
        problems.append({"line": 1, "problem": "no 'place' (or 'name') property on the features"})
    crs_problem = wgs84_problem(frame)
    if crs_problem:
        problems.append({"line": 1, "problem": f"{crs_problem}; export the polygons in WGS84"})
    for position, geometry in enumerate(frame.geometry, start=1):
        if geometry is None or geometry.is_empty or geometry.geom_type not in (
                "Polygon", "MultiPolygon"):
            kind = "empty" if geometry is None or geometry.is_empty else geometry.geom_type
            problems.append({"line": position, "problem": f"feature {position} is {kind}, "
                             "not a polygon"})
    if column is not None:
        for position, name in enumerate(frame[column], start=1):
            if name is None or (isinstance(name, float) and name != name) or not str(name).strip():
                problems.append({"line": position, "problem": f"feature {position} has no "
                                 "place name"})
    if problems:
        raise PlaceFileError(source, problems_frame(problems))
    frame = frame.rename(columns={column: "place"})[["place", "geometry"]].to_crs(27700)
    frame["place"] = frame["place"].astype(str).str.strip()
    frame.geometry = frame.geometry.make_valid()
    return frame


def published_configurations() -> dict[str, Path]:
    """Published place configurations shipped in ``geodata/places``, by file stem."""
    return {path.stem: path for path in sorted(PLACES_DIR.glob("*.csv"))}
