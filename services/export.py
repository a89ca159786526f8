"""Exports: GeoJSON that follows RFC 7946 and CSV tables.

RFC 7946: WGS84 longitude/latitude only (no ``crs`` member), polygon exterior rings
counter-clockwise and holes clockwise, about 6 decimals (~0.1 m). Computed measures travel as
feature properties, so an exported layer carries the numbers shown on screen.

CSV: every writer (dashboard tables, configurations, the CLI) goes through :func:`csv_line`, so
every text cell is neutralised against formula injection (OWASP: a cell starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return that is not a number gets a leading ``'``) and quoted
whenever it holds a quote, comma or any character some reader splits lines on (``\r``, ``\x85``,
U+2028, ``\f``...), so a row stays one row in every reader. :func:`restore_cell` undoes the
neutralising exactly, which is how configuration files read back unchanged.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

COORDINATE_DECIMALS = 6


def to_geojson(frame: gpd.GeoDataFrame) -> str:
    """RFC 7946 FeatureCollection text of ``frame`` (any CRS; reprojected to WGS84)."""
    if frame.crs is None:
        raise ValueError("The layer has no CRS, so it cannot be exported as WGS84 GeoJSON.")
    frame = frame.to_crs(4326)
    geometry = shapely.orient_polygons(frame.geometry.to_numpy(), exterior_cw=False)
    properties = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    features = []
    for props, shape in zip(properties.to_dict(orient="records"), geometry, strict=True):
        features.append({"type": "Feature", "properties": {k: _plain(v) for k, v in
                                                           props.items()},
                         "geometry": _rounded(shapely.geometry.mapping(shape))})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))


def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _rounded(geometry: dict) -> dict:
    def walk(coords):
        if isinstance(coords[0], int | float):
            return [round(c, COORDINATE_DECIMALS) for c in coords]
        return [walk(c) for c in coords]
    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


#: Cells a spreadsheet would read as a formula (OWASP CSV injection), and numbers, which it would
#: not. A cell that already starts with quotes then such a character gets one more quote, so that
#: :func:`restore_cell` can always remove exactly one.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
#: Quote a cell holding these: the delimiter, the quote, and whatever str.splitlines,
#: pandas or a spreadsheet might break a line on.
_NEEDS_QUOTES = re.compile('[,"\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]|^\\s|\\s$')


def neutralise_cell(text: str) -> str:
    """``text`` made inert for spreadsheets: a leading ``'`` before a formula start."""
    if _FORMULA.match(text) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    """The inverse of :func:`neutralise_cell` (``restore_cell(neutralise_cell(t)) == t``)."""
    if text.startswith("'") and _FORMULA.match(text) and not _NUMBER.fullmatch(text):
        return text[1:]
    return text


def csv_cell(value: object) -> str:
    """One CSV cell: empty for a missing value, else its text neutralised and quoted if needed."""
    if not isinstance(value, str):
        value = value.item() if hasattr(value, "item") else value
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
    text = neutralise_cell(str(value))
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(cells: list) -> str:
    """One CSV record ending in ``\n``."""
    return ",".join(csv_cell(cell) for cell in cells) + "\n"


def to_csv(frame: pd.DataFrame) -> str:
    """A table as CSV text, header first (see the module notes on neutralising and quoting)."""
    frame = pd.DataFrame(frame)
    lines = [csv_line(list(frame.columns))]
    lines += [csv_line(row) for row in frame.itertuples(index=False, name=None)]
    return "".join(lines)


#: What an exported layer's geometry is, said in its file name and in every feature.
RESOLUTIONS = {"full": "full resolution (the store's polygons)",
               "simplified": "simplified map copy (coverage-simplified, as drawn on the map)"}


@dataclass(frozen=True)
class ExportContext:
    """What every exported file is about, carried in its name and as its properties: the ICB,
    the place configuration and the generation (vintage) of the boundaries."""

    icb_code: str
    icb_name: str
    configuration: str
    generation: str  # the generation id, e.g. "2026"
    generation_label: str  # e.g. "April 2026"

    def properties(self) -> dict[str, str]:
        return {"icb_code": self.icb_code, "icb_name": self.icb_name,
                "configuration": self.configuration, "generation": self.generation_label}

    def file_name(self, what: str, extension: str) -> str:
        """``<what>_<ICB>_<configuration>_<generation>.<extension>``, each part a slug (letters,
        digits and hyphens), e.g. ``place_nhs-greater-manchester-integrated-care-board_
        greater-manchester-10-localities_2026.geojson``."""
        parts = [what, self.icb_name, self.configuration, self.generation]
        return "_".join(filter(None, map(slug, parts))) + f".{extension}"


def slug(text: str, max_chars: int = 60) -> str:
    """Lower-case letters, digits and single hyphens, at most ``max_chars`` (file-name safe
    on every system)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:max_chars].strip("-")
