"""Hostile input (issue 14): every upload is bounded before it is parsed, every limit is named in
its message, resolution is linear, CSV cells are inert in spreadsheets and configuration files
read back unchanged, and session configurations cannot take a built-in's name. Each triggering
file is generated here; the squares store (tests/squares.py) stands in for England."""

from __future__ import annotations

import gzip
import io
import tomllib
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from shapely.geometry import box

from placemap_cli import report as cli_report
from services.export import csv_cell, neutralise_cell, restore_cell, to_csv
from services.io.place_files import (
    BLOCK_TYPES,
    HEADER,
    PlaceFileError,
    place_csv_text,
    published_configurations,
    read_place_csv,
    read_place_geojson,
)
from services.limits import (
    CONFIG_ROWS_MAX,
    PROBLEMS_SHOWN_MAX,
    SESSION_CONFIGS_MAX,
    UPLOAD_MAX_MB,
)
from services.place_polygons import config_from_polygons
from services.places import (
    SCHEMES,
    PlaceConfig,
    keep_session_config,
    resolve,
    session_key,
    session_label,
)
from tests.squares import ORIGIN_X, ORIGIN_Y, squares_store

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\tX", "\rX"]
STORE = squares_store({"X1": 450, "X3": 450, "X2": 100, "X4": 900})


def _refusal(data: bytes, read=read_place_csv) -> str:
    with pytest.raises(PlaceFileError) as caught:
        read(data, "hostile")
    assert len(caught.value.problems) == 1
    return caught.value.problems["problem"].iloc[0]


def test_the_server_limit_is_the_declared_one() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == UPLOAD_MAX_MB


def test_an_over_limit_file_is_refused_naming_the_limit() -> None:
    data = b"place,block_type,code\n" + b"A,lad,L\n" * (UPLOAD_MAX_MB * 2**20 // 8)
    assert "is 2.0 MB, over the 2.0 MB limit" in _refusal(data)
    assert "over the 2.0 MB limit" in _refusal(data, read_place_geojson)


def test_an_over_limit_file_on_disk_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"place,block_type,code\n" + b"A,lad,L\n" * 2**19)  # 4 MB
    with pytest.raises(PlaceFileError, match=r"the file is 4\.0 MB, over the 2\.0 MB limit"):
        read_place_csv(path)


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["A", "lad", "L"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "kind"), [
    (_zip("places.geojson", b'{"type":"FeatureCollection","features":[]}' + b" " * 10**6),
     "a zip archive"),
    (gzip.compress(b"place,block_type,code\nA,lad,L\n", mtime=0), "a gzip-compressed file"),
    (_xlsx(), "an .xlsx"),
    (b"place,block_type,code\nA,lad,L\x00\n", "a binary file (it holds NUL bytes)"),
    ("place,block_type,code\nA,lad,L\n".encode("utf-16"), "UTF-16 text"),
])
def test_compressed_or_binary_content_is_named_and_never_parsed(
        monkeypatch: pytest.MonkeyPatch, data: bytes, kind: str) -> None:
    def unpack(*args, **kwargs):
        raise AssertionError("the file was handed to GDAL")
    monkeypatch.setattr(pyogrio, "read_dataframe", unpack)  # place_files imports it when used
    for read in (read_place_csv, read_place_geojson):
        problem = _refusal(data, read)
        assert kind in problem and "nothing was unpacked or read" in problem


def test_geojson_must_be_json_text() -> None:
    kml = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"></kml>'
    assert "not GeoJSON: a GeoJSON file is JSON text" in _refusal(kml, read_place_geojson)


def test_a_row_over_the_limit_is_refused_naming_the_limit() -> None:
    data = b"place,block_type,code\n" + b"A,lad,L\n" * (CONFIG_ROWS_MAX + 1)
    assert f"more than {CONFIG_ROWS_MAX:,} rows, the limit" in _refusal(data)
    blocks = pd.DataFrame([("A", "lad", "L")] * (CONFIG_ROWS_MAX + 1), columns=HEADER)
    with pytest.raises(PlaceFileError, match="more than 100,000 rows"):  # e.g. pasted edits
        resolve(PlaceConfig("pasted", "test", blocks), STORE, "I")


def test_a_field_over_the_csv_field_limit_is_named() -> None:
    data = b'place,block_type,code\n"' + b"A" * 200_000 + b'",lad,L\n'
    assert "not readable as CSV (field larger than field limit" in _refusal(data)
    header = b'"# name: ' + b"A" * 200_000 + b'"\nplace,block_type,code\nA,lad,L\n'
    assert "not readable as CSV (field larger than field limit" in _refusal(header)


def test_repeated_rows_are_each_reported_and_the_message_is_capped() -> None:
    """100,000 copies of one row: one linear pass (no rescan per row), every repeat in the
    problems, the first PROBLEMS_SHOWN_MAX in the message with the total."""
    _, blocks = read_place_csv(b"place,block_type,code\n" + b"A,lad,L\n" * 100_000)
    with pytest.raises(PlaceFileError) as caught:
        resolve(PlaceConfig("repeated", "test", blocks), STORE, "I")
    problems, message = caught.value.problems, str(caught.value)
    assert len(problems) == 99_999 and problems["line"].tolist() == list(range(3, 100_002))
    assert problems["problem"].iloc[-1] == "lad L is already used on line 2 (A)"
    assert message.startswith("repeated: 99,999 problem(s)")
    assert message.count("\n  line ") == PROBLEMS_SHOWN_MAX
    assert message.endswith("… and 99,899 more (the first 100 of 99,999 are listed)")


def test_resolve_reports_each_kind_of_problem_on_its_line() -> None:
    blocks = pd.DataFrame({"line": [2, 3, 4, 5], "place": ["A", "B", "A", "C"],
                           "block_type": ["lad", "lad", "lad", "county"],
                           "code": ["L", "NOPE", "L", "Z"]})
    with pytest.raises(PlaceFileError) as caught:
        resolve(PlaceConfig("mixed", "test", blocks), STORE, "I")
    assert caught.value.problems[["line", "problem"]].values.tolist() == [
        [3, "unknown lad code NOPE (Lower-tier council (LAD) codes of 2025, e.g. L)"],
        [4, "lad L is already used on line 2 (A)"],
        [5, "block_type 'county' is not one of sub_icb, lad, hwb, ward, lsoa"]]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_cells_are_neutralised_and_restored(text: str) -> None:
    assert neutralise_cell(text) == "'" + text
    assert restore_cell(neutralise_cell(text)) == text


@pytest.mark.parametrize("text", ["-1.5", "+3", "12", "1e5", "Bolton", "'quoted", ""])
def test_numbers_and_plain_text_are_left_alone(text: str) -> None:
    assert neutralise_cell(text) == text == restore_cell(text)


def test_every_csv_writer_neutralises() -> None:
    table = pd.DataFrame({"a_name": HOSTILE, "population": range(len(HOSTILE)),
                          "share": [-0.5] * len(HOSTILE)})
    rows = pd.read_csv(io.StringIO(to_csv(table)), keep_default_na=False)
    assert rows["a_name"].tolist() == ["'" + t for t in HOSTILE]
    assert rows["share"].tolist() == [-0.5] * len(HOSTILE)  # numbers stay numbers
    config = place_csv_text(table.assign(place=table["a_name"], block_type="lad", code="L"),
                            {"name": "=1+1"})
    assert [line.split(",")[0] for line in config.splitlines()[2:4]] == [
        "\"'=HYPERLINK(\"\"http://x\"\")\"", "'+cmd|' /C calc'!A0"]


def test_the_cli_csv_neutralises(capsys: pytest.CaptureFixture[str]) -> None:
    flags = [{"code": "E1", "name": name, "rule": "r", "severity": "low", "sentence": name}
             for name in HOSTILE]
    cli_report._emit({"generation": {"label": "April 2026"}, "flags": flags, "slivers": []},
                     "csv")
    rows = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert rows["subject_name"].tolist() == rows["sentence"].tolist() == [
        "'" + t for t in HOSTILE]


def test_names_that_split_lines_elsewhere_read_back() -> None:
    """Issue 14: these exported, then failed on re-upload with '1 values; expected 3'."""
    names = ["a\u2028b", "a\fb", "a\x85b", "a\rb", 'say "hi", then\nleave', "x\u2029\x1c\x0by"]
    blocks = pd.DataFrame({"place": names, "block_type": "lad", "code": [f"C{i}" for i in
                                                                         range(len(names))]})
    facts, back = read_place_csv(place_csv_text(blocks, {"name": "n\u2028, \"q\""}).encode())
    assert facts == {"name": "n\u2028, \"q\""}
    assert_frame_equal(back[HEADER], blocks)


_AWKWARD = st.sampled_from(list("=+-@'\"\t\r\n,;#:\\ \x85\f\v\x1c\x1d\x1e\u2028\u2029\ufeff"))
_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00") | _AWKWARD,
                min_size=1, max_size=12)


def _name(text: str) -> str:
    return text.strip()


def _code(text: str) -> str:
    return text.strip().upper()


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(_TEXT.map(_name).filter(bool), st.sampled_from(BLOCK_TYPES),
                               _TEXT.map(_code).filter(lambda c: c and c == _code(c))),
                     min_size=1, max_size=8),
       name=_TEXT, source=_TEXT)
def test_export_then_import_is_the_identity(rows, name: str, source: str) -> None:
    """Any configuration the dashboard can hold (names stripped, codes upper-case, no NUL:
    uploads refuse it), downloaded and uploaded again as bytes, is the same configuration;
    header facts are one line each (line breaks in them become spaces)."""
    blocks = pd.DataFrame(rows, columns=HEADER)
    facts = {"name": " ".join(name.replace("\r", "\n").split("\n")).strip(),
             "source": " ".join(source.replace("\r", "\n").split("\n")).strip()}
    read_facts, back = read_place_csv(place_csv_text(blocks, facts).encode("utf-8"))
    assert read_facts == facts
    assert_frame_equal(back[HEADER], blocks)


def test_quoting_covers_every_line_breaking_character() -> None:
    for char in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
        assert csv_cell(f"a{char}b").startswith('"'), repr(char)


def test_session_configurations_cannot_take_a_built_in_name() -> None:
    built_in = {*SCHEMES, *published_configurations()}
    assert {"hwb_within_icb", "greater_manchester"} <= built_in
    for name in built_in:
        assert ": " not in name  # the session namespace is out of their reach
        for kind in ("upload", "edit"):
            assert session_key(kind, name) not in built_in
    assert session_key("upload", "greater_manchester") == "upload: greater_manchester"
    assert session_label("upload: greater_manchester", "greater_manchester") == \
        "Your upload: greater_manchester"
    assert session_key("edit", "a\nb  c") == "edit: a b c"


def test_a_session_keeps_its_latest_configurations_and_names_what_it_removes() -> None:
    configs: dict[str, PlaceConfig] = {}
    blocks = pd.DataFrame([("A", "lad", "L")], columns=HEADER)
    for number in range(SESSION_CONFIGS_MAX):
        assert keep_session_config(configs, f"upload: c{number}",
                                   PlaceConfig(f"c{number}", "test", blocks)) == []
    assert keep_session_config(configs, "upload: c0", PlaceConfig("c0", "again", blocks)) == []
    assert keep_session_config(configs, "edit: new", PlaceConfig("new", "test", blocks)) == [
        "Your upload: c1"]  # c0 was used again, so c1 is now the oldest
    assert len(configs) == SESSION_CONFIGS_MAX and list(configs)[-2:] == ["upload: c0",
                                                                          "edit: new"]


def test_a_polygon_of_many_vertices_cuts_lsoas_as_a_plain_one() -> None:
    """The edge shares are overlaid on the polygon clipped near each LSOA: same answer as the
    whole polygon (X2 and X4 are 40% inside, X1 and X3 wholly, tests/squares.py)."""
    west = box(ORIGIN_X, ORIGIN_Y, ORIGIN_X + 1400, ORIGIN_Y + 2000)
    for shape in (west, shapely.segmentize(west, 0.5)):  # 4 or ~13,600 vertices
        polygons = gpd.GeoDataFrame({"place": ["West"]}, geometry=[shape], crs=27700)
        config, cut = config_from_polygons(polygons, STORE)
        assert config.blocks["code"].tolist() == ["X1", "X3"]
        assert cut[["lsoa21_code", "share_of_lsoa_area_inside"]].values.tolist() == [
            ["X2", 0.4], ["X4", 0.4]]
