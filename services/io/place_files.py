"""Reading and writing place configurations: CSV (``place,block_type,code``) and GeoJSON.

Every problem is reported row by row (:class:`PlaceFileError`), never fixed by dropping a row.
Input is bounded before it is parsed (:mod:`services.limits`): its size, its first bytes (a zip,
gzip, spreadsheet or any binary file is named and refused, never unpacked) and its row count.

Configuration CSV files are data files that this module both writes and reads: cells are
neutralised against formula injection on writing (a leading ``'``, see :mod:`services.export`)
and restored on reading, and ``# key: value`` header lines are one CSV cell each, so a file
exported here reads back unchanged whatever its names hold.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from layers import LAYERS, layers_with
from services.drafts import TIER_BLOCK_TYPES
from services.export import csv_line, restore_cell
from services.io.sources import wgs84_problem
from services.io.store import PROJECT_ROOT
from services.limits import CONFIG_ROWS_MAX, PROBLEMS_SHOWN_MAX, UPLOAD_MAX_BYTES, megabytes

PLACES_DIR = PROJECT_ROOT / "geodata" / "places"
#: Layers a place may be built from, as declared in ``layers``.
BLOCK_TYPES = layers_with("block")
HEADER = ["place", "block_type", "code"]


def tier_block_types(tier: str) -> tuple[str, ...]:
    """The block types a tier is built from (:data:`TIER_BLOCK_TYPES`), in layer order (a
    place's are :data:`BLOCK_TYPES`)."""
    if tier not in TIER_BLOCK_TYPES:
        raise KeyError(f"Unknown tier {tier!r}: choose one of {', '.join(TIER_BLOCK_TYPES)}.")
    return tuple(layer_id for layer_id in LAYERS if layer_id in TIER_BLOCK_TYPES[tier])


#: What a file is, by its first bytes: none of these is a configuration, and a zip or gzip must
#: never be unpacked (a 2 MB zip renamed .geojson unpacks to 2 GB).
SIGNATURES = {
    b"PK\x03\x04": "a zip archive (or an .xlsx/.docx/.ods file, which are zips)",
    b"PK\x05\x06": "an empty zip archive",
    b"\x1f\x8b": "a gzip-compressed file", b"BZh": "a bzip2-compressed file",
    b"\xfd7zXZ\x00": "an xz-compressed file", b"(\xb5/\xfd": "a zstd-compressed file",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive", b"Rar!\x1a\x07": "a RAR archive",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Office file (.xls/.doc)",
    b"%PDF": "a PDF document", b"PAR1": "a Parquet file", b"SQLite format 3\x00":
    "an SQLite database (or a GeoPackage)", b"\x89PNG": "a PNG image", b"\xff\xd8\xff":
    "a JPEG image", b"GIF8": "a GIF image", b"\xff\xfe": "UTF-16 text",
    b"\xfe\xff": "UTF-16 text",
}
_LINE_END = re.compile(r"\r\n|\n|\r")


class PlaceFileError(ValueError):
    """A configuration that cannot be used; ``problems`` has one row per offending input row
    (at most one per input row, and input rows are bounded by ``CONFIG_ROWS_MAX``). The message
    lists the first ``PROBLEMS_SHOWN_MAX`` of them and gives the total."""

    def __init__(self, source: str, problems: pd.DataFrame) -> None:
        self.source = source
        self.problems = problems.reset_index(drop=True)
        shown = self.problems.head(PROBLEMS_SHOWN_MAX)
        lines = [f"  line {row.line}: {row.problem}" for row in shown.itertuples()]
        if len(self.problems) > len(shown):
            lines.append(f"  … and {len(self.problems) - len(shown):,} more (the first "
                         f"{PROBLEMS_SHOWN_MAX} of {len(self.problems):,} are listed)")
        super().__init__(f"{source}: {len(self.problems):,} problem(s); fix these rows and load "
                         "it again:\n" + "\n".join(lines))


def problems_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["line", "place", "block_type", "code", "problem"])


def refusal(source: str, problem: str) -> PlaceFileError:
    """A whole-file problem (size, kind, row count), as line 1 of a problem list."""
    return PlaceFileError(source, problems_frame([{"line": 1, "problem": problem}]))


def check_bytes(data: bytes, source: str, size_bytes: int | None = None) -> None:
    """Refuse, before any parsing, a file over the size limit (``size_bytes``, when only its
    start was read) or one that is not text."""
    size_bytes = len(data) if size_bytes is None else size_bytes
    if size_bytes > UPLOAD_MAX_BYTES:
        raise refusal(source, f"the file is {megabytes(size_bytes)}, over the "
                      f"{megabytes(UPLOAD_MAX_BYTES)} limit for a configuration (a configuration "
                      "is a few kilobytes); upload only the place,block_type,code rows")
    kind = next((kind for magic, kind in SIGNATURES.items() if data.startswith(magic)), None)
    if kind is None and b"\x00" in data:
        kind = "a binary file (it holds NUL bytes)"
    if kind is not None:
        raise refusal(source, f"this is {kind}, which Placemap does not read; nothing was "
                      "unpacked or read. Save the configuration as CSV UTF-8 or GeoJSON and "
                      "upload that")


def too_many_rows(source: str) -> PlaceFileError:
    return refusal(source, f"more than {CONFIG_ROWS_MAX:,} rows, the limit for a configuration "
                   "(England has 33,755 LSOAs, and a block may be named once); split the "
                   "file or use larger blocks (lad, hwb, sub_icb)")


def read_place_csv(data: str | bytes | Path, source: str | None = None,
                   tier: str = "place") -> tuple[dict, pd.DataFrame]:
    """(header facts from ``# key: value`` comment lines, blocks with columns line, ``<tier>``
    (place), block_type, code). ``line`` is the line number in the file, for error reports."""
    size_bytes = None
    if isinstance(data, Path):
        source, size_bytes = source or data.name, data.stat().st_size
        with data.open("rb") as file:
            data = file.read(UPLOAD_MAX_BYTES + 1)
    source = source or "uploaded CSV"
    if isinstance(data, bytes):
        check_bytes(data, source, size_bytes)
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise refusal(source, f"not UTF-8 text ({exc.reason}); save the file as CSV "
                          "UTF-8") from None
    try:
        facts, body_start, body = _header_facts(data)
        return facts, _read_rows(body, body_start, source, tier)
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit()
        raise refusal(source, f"not readable as CSV ({exc}); save the file as CSV "
                      "UTF-8") from None


def _header_facts(text: str) -> tuple[dict[str, str], int, str]:
    """(facts, number of header lines, the text after them). Lines end only at ``\n``, ``\r``
    or ``\r\n`` (never at the other characters str.splitlines breaks on), and a header line
    may be one quoted CSV cell, as :func:`place_csv_text` writes one holding a comma."""
    facts: dict[str, str] = {}
    position, count = 0, 0
    while text.startswith(("#", '"#'), position):
        end = _LINE_END.search(text, position)
        line = text[position:end.start() if end else len(text)]
        if line.startswith('"'):
            line = next(csv.reader([line]), [""])[0]
        key, _, value = line[1:].partition(":")
        facts[key.strip()] = value.strip()
        position, count = (end.end() if end else len(text)), count + 1
    return facts, count, text[position:]


def _read_rows(body: str, body_start: int, source: str, tier: str) -> pd.DataFrame:
    reader = csv.reader(io.StringIO(body, newline=""))
    header = [cell.strip().lower() for cell in next(reader, [])]
    columns, allowed = [tier, *HEADER[1:]], tier_block_types(tier)
    if header != columns:
        raise PlaceFileError(source, problems_frame([{
            "line": body_start + 1,
            "problem": f"header is {','.join(header) or '(empty)'}; it must be "
                       f"{','.join(columns)}",
        }]))
    lines, records, problems = [], [], []
    for cells in reader:  # one light pass; the checks below work on whole columns
        if len(lines) + len(problems) >= CONFIG_ROWS_MAX:
            raise too_many_rows(source)
        if len(cells) == 3:
            lines.append(body_start + reader.line_num)
            records.append([restore_cell(cell.strip()) for cell in cells])
        elif any(cell.strip() for cell in cells):
            problems.append({"line": body_start + reader.line_num, "problem": f"{len(cells)} "
                             f"values; expected 3 ({tier}, block_type, code)"})
    rows = pd.DataFrame(records, columns=columns, dtype=object)
    rows.insert(0, "line", lines)
    rows = rows[(rows[columns] != "").any(axis=1)]  # blank rows are skipped
    as_typed = rows["block_type"]
    rows = rows.assign(block_type=[block_type.lower() for block_type in as_typed],
                       code=[code.upper() for code in rows["code"]])
    empty, unknown = rows[tier] == "", ~rows["block_type"].isin(allowed)
    problems += [{"line": line, "place": "", "block_type": block_type, "code": code,
                  "problem": f"empty {tier} name"}
                 for line, block_type, code in rows.loc[empty, ["line", "block_type", "code"]]
                 .itertuples(index=False)]
    problems += [{"line": line, "place": area, "block_type": block_type, "code": code,
                  "problem": f"block_type {raw!r} is not one of {', '.join(allowed)}"}
                 for (line, area, block_type, code), raw in zip(
                     rows[unknown & ~empty].itertuples(index=False),
                     as_typed[unknown & ~empty], strict=True)]
    if problems:
        raise PlaceFileError(source, problems_frame(problems).sort_values("line", kind="stable"))
    if rows.empty:
        raise PlaceFileError(source, problems_frame([{"line": body_start + 2,
                                                      "problem": f"no {tier}s in the file"}]))
    return rows.astype({column: str for column in columns}).reset_index(drop=True)


def place_csv_text(blocks: pd.DataFrame, facts: dict[str, str] | None = None) -> str:
    """The configuration as CSV text that :func:`read_place_csv` reads back unchanged: each
    ``# key: value`` line is one cell on one line (line breaks in a value become spaces), every
    cell goes through :func:`services.export.csv_line`."""
    lines = [csv_line([f"# {key}: {_one_line(value)}"]) for key, value in (facts or {}).items()]
    lines.append(csv_line(HEADER))
    lines += [csv_line(row) for row in blocks[HEADER].itertuples(index=False, name=None)]
    return "".join(lines)


def _one_line(text: str) -> str:
    return _LINE_END.sub(" ", str(text)).strip()


def read_place_geojson(data: bytes, source: str = "uploaded GeoJSON") -> gpd.GeoDataFrame:
    """Place polygons (property ``place`` or ``name``) in EPSG:27700. Only GeoJSON text is
    read: GDAL would otherwise open (and unpack) whatever format the bytes are in."""
    check_bytes(data, source)
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise refusal(source, "not GeoJSON: a GeoJSON file is JSON text starting with '{'; "
                      "export the polygons again as GeoJSON (RFC 7946, WGS84)")
    import pyogrio  # GDAL: loaded for the first upload, not by every server start (~0.2 s)

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
            elif "\x00" in str(name):  # a configuration file holding it would be refused
                problems.append({"line": position, "problem": f"feature {position}'s place "
                                 "name holds a NUL character (\\u0000); remove it"})
    if problems:
        raise PlaceFileError(source, problems_frame(problems))
    frame = frame.rename(columns={column: "place"})[["place", "geometry"]].to_crs(27700)
    frame["place"] = frame["place"].astype(str).str.strip()
    frame.geometry = frame.geometry.make_valid()
    return frame


def published_configurations() -> dict[str, Path]:
    """Published place configurations shipped in ``geodata/places``, by file stem."""
    return {path.stem: path for path in sorted(PLACES_DIR.glob("*.csv"))}
