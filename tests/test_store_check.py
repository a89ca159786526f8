"""Every way a store can be broken is refused by the one validator, in ``load_store`` and in
``placemap data check`` alike: a message saying what is wrong and to rebuild, exit status 2, no
traceback."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from placemap_cli import main
from services.io.store import STORE_FORMAT, StoreMissingError, load_store
from tests.tiny_store import write_tiny


def _meta(folder: Path, change: Callable[[dict], object]) -> None:
    meta = json.loads((folder / "meta.json").read_text())
    (folder / "meta.json").write_text(json.dumps(change(meta)))


def _edit(key: str, value: object) -> Callable[[dict], dict]:
    return lambda meta: {**meta, key: value}


def _drop(key: str) -> Callable[[dict], dict]:
    return lambda meta: {k: v for k, v in meta.items() if k != key}


def _spine(folder: Path, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    change(pd.read_parquet(folder / "spine.parquet")).to_parquet(folder / "spine.parquet")


def _layer(folder: Path, file_name: str,
           change: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]) -> None:
    change(gpd.read_parquet(folder / file_name)).to_parquet(folder / file_name)


def _truncate(file: Path) -> None:
    file.write_bytes(file.read_bytes()[:200])


#: (damage done to a good store folder, what the message must say)
DAMAGES: dict[str, tuple[Callable[[Path], object], str]] = {
    "spine replaced by a layer": (
        lambda f: shutil.copy(f / "icb_2024.parquet", f / "spine.parquet"),
        "spine.parquet has no column lsoa21_code"),
    "meta is a list": (lambda f: (f / "meta.json").write_text("[]"),
                       "meta.json holds list [], expected an object"),
    "meta is a number": (lambda f: (f / "meta.json").write_text("42"),
                         "meta.json holds int 42, expected an object"),
    "meta is not JSON": (lambda f: (f / "meta.json").write_text("{"), "meta.json (JSONDecodeError"),
    "meta missing": (lambda f: (f / "meta.json").unlink(), "meta.json (FileNotFoundError"),
    "no built_at": (lambda f: _meta(f, _drop("built_at")), "meta.json has no 'built_at'"),
    "built_at a number": (lambda f: _meta(f, _edit("built_at", 7)),
                          "meta.json 'built_at' is 7, expected a string"),
    "no generations": (lambda f: _meta(f, _drop("generations")), "meta.json has no 'generations'"),
    "sources a list": (lambda f: _meta(f, _edit("sources", [])),
                       "meta.json 'sources' is [], expected an object keyed by dataset id"),
    "format a string": (lambda f: _meta(f, _edit("format", "2")),
                        "meta.json 'format' is '2', expected an integer"),
    "older format": (lambda f: _meta(f, _drop("format")), "meta.json has no 'format'"),
    "newer format": (lambda f: _meta(f, _edit("format", STORE_FORMAT + 1)),
                     f"this Placemap reads format {STORE_FORMAT}"),
    "format 2, before generations": (
        lambda f: _meta(f, lambda m: {**_drop("generations")(m), "format": 2}),
        f"it is format 2, this Placemap reads format {STORE_FORMAT}"),
    "layers not a list": (lambda f: _meta(f, _edit("layers", "square")),
                          "'layers' is 'square', expected a list of layer ids"),
    "layer_info missing a layer": (
        lambda f: _meta(f, lambda m: {**m, "layer_info": {"lsoa": m["layer_info"]["lsoa"]}}),
        "layer_info['icb_2024'] is None, expected an object"),
    "rows not an integer": (
        lambda f: _meta(f, lambda m: {**m, "layer_info": {
            **m["layer_info"], "icb_2024": {**m["layer_info"]["icb_2024"], "rows": True}}}),
        "layer_info['icb_2024'] 'rows' is True, expected an integer"),
    "rows differ from meta": (
        lambda f: _meta(f, lambda m: {**m, "layer_info": {
            **m["layer_info"], "icb_2024": {**m["layer_info"]["icb_2024"], "rows": 2}}}),
        "icb_2024.parquet has 1 rows, meta.json says 2"),
    "spine rows differ from meta": (lambda f: _meta(f, _edit("spine_rows", 3)),
                                    "spine.parquet has 2 rows, meta.json says 3"),
    "truncated layer": (lambda f: _truncate(f / "icb_2024.parquet"), "ArrowInvalid"),
    "truncated spine": (lambda f: _truncate(f / "spine.parquet"), "ArrowInvalid"),
    "missing layer file": (lambda f: (f / "icb_2024.parquet").unlink(), "icb_2024.parquet"),
    "missing map file": (lambda f: (f / "lsoa.map.parquet").unlink(), "lsoa.map.parquet"),
    "spine unsorted": (lambda f: _spine(f, lambda s: s.iloc[::-1]),
                       "lsoa21_code is not sorted, unique and complete"),
    "spine column of a layer missing": (lambda f: _spine(f, lambda s: s.drop(
        columns="icb_2024_code")), "spine.parquet has no column icb_2024_code"),
    "population as text": (lambda f: _spine(f, lambda s: s.astype({"population": str})),
                           "spine.parquet column population is str, expected integer"),
    "map copy without geometry": (
        lambda f: _layer(f, "icb_2024.map.parquet", lambda g: g.set_geometry([None], crs=4326)),
        "icb_2024.map.parquet has 1 rows without geometry"),
    "layer in another CRS": (lambda f: _layer(f, "icb_2024.parquet", lambda g: g.to_crs(3857)),
                             "icb_2024.parquet is in EPSG:3857, expected EPSG:27700"),
    "spine code not in its layer": (lambda f: _spine(f, lambda s: s.assign(icb_2024_code="T")),
                                    "icb_2024_code has 1 code(s) not in icb_2024.parquet, e.g. T"),
    "no adjacency file": (lambda f: (f / "lsoa_adjacency.parquet").unlink(),
                          "FileNotFoundError"),
    "no adjacency count": (lambda f: _meta(f, _drop("adjacency_pairs")),
                           "meta.json has no 'adjacency_pairs'"),
    "no place shapes file": (lambda f: (f / "default_places.map.parquet").unlink(),
                             "FileNotFoundError"),
    "no place shapes count": (lambda f: _meta(f, _drop("place_shapes")),
                              "meta.json has no 'place_shapes'"),
    "place shapes differ from meta": (lambda f: _meta(f, _edit("place_shapes", 3)),
                                      "default_places.map.parquet has 1 rows, meta.json says 3"),
    "place shapes without keys": (
        lambda f: _layer(f, "default_places.map.parquet", lambda g: g.drop(columns="shape_key")),
        "default_places.map.parquet has no column shape_key"),
    "place shape without geometry": (
        lambda f: _layer(f, "default_places.map.parquet",
                         lambda g: g.set_geometry([None], crs=4326)),
        "default_places.map.parquet has rows without geometry or repeated keys"),
    "adjacency beyond the spine": (
        lambda f: pd.DataFrame({"a": [0], "b": [5]}).to_parquet(f / "lsoa_adjacency.parquet"),
        "lsoa_adjacency.parquet holds pairs that are not spine positions a < b below 2"),
    "adjacency of another count": (
        lambda f: pd.DataFrame({"a": [0, 0], "b": [1, 1]}).to_parquet(
            f / "lsoa_adjacency.parquet"),
        "lsoa_adjacency.parquet has 2 pairs, meta.json says 1"),
    "adjacency of floats": (
        lambda f: pd.DataFrame({"a": [0.0], "b": [1.0]}).to_parquet(f / "lsoa_adjacency.parquet"),
        "lsoa_adjacency.parquet column a is float64, expected integer"),
}


@pytest.fixture
def good(tmp_path: Path) -> Path:
    write_tiny(tmp_path / "store", "7")
    return tmp_path / "store"


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_store_is_refused_with_what_to_do(good: Path, damage: str,
                                                  capsys: pytest.CaptureFixture) -> None:
    spoil, problem = DAMAGES[damage]
    spoil(good.resolve())
    with pytest.raises(StoreMissingError, match="placemap data build") as failure:
        load_store(good)
    assert problem in str(failure.value)
    assert main(["data", "check", "--store", str(good)]) == 2
    err = capsys.readouterr().err
    assert problem in err and "placemap data build" in err and "Traceback" not in err


def test_good_store_passes_check(good: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["data", "check", "--store", str(good)]) == 0
    assert "built 7" in capsys.readouterr().out


def test_store_path_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "store").write_text("not a folder")
    assert main(["data", "check", "--store", str(tmp_path / "store")]) == 2
    assert "is a file, not a store folder" in capsys.readouterr().err


def test_unreadable_store(good: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture) -> None:
    """Tests run as root, who reads any folder: an unreadable one is simulated."""
    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", refuse)
    assert main(["data", "check", "--store", str(good)]) == 2
    assert "meta.json (PermissionError" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["report", "--icb", "E54000057"], ["flags", "--england"]])
def test_other_commands_refuse_a_broken_store(good: Path, command: list[str],
                                              capsys: pytest.CaptureFixture) -> None:
    (good / "meta.json").write_text("[]")
    assert main([*command, "--store", str(good)]) == 2
    assert "rebuild it with `placemap data build`" in capsys.readouterr().err.lower()
