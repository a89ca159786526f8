"""A bad mirror file stops the build with a message naming the file and the problem, and the
last good store is still there and loads."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from services.build.store import build_store
from services.io.sources import SourceError
from services.io.store import load_store

pytestmark = pytest.mark.mirror


def _missing_field(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace("RGN24CD", "REGION_CODE", 1))


def _truncated_json(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _duplicate_codes(path: Path) -> None:
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]))


def _wrong_crs(path: Path) -> None:
    collection = json.loads(path.read_text())
    collection["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    for feature in collection["features"]:
        props = feature["properties"]
        feature["geometry"]["coordinates"] = [props["BNG_E"], props["BNG_N"]]
    path.write_text(json.dumps(collection))


def _far_centroid(path: Path) -> None:
    collection = json.loads(path.read_text())
    collection["features"][0]["properties"]["BNG_E"] = 9_999_999
    path.write_text(json.dumps(collection))


@pytest.mark.parametrize(("file_name", "spoil", "problem"), [
    ("LAD24_RGN24_EN_LU.csv", _missing_field, "missing field(s) RGN24CD"),
    ("LSOA_PopCentroids_EN_2021_V3.geojson", _truncated_json, "cannot be read as GeoJSON"),
    ("LSOA21_SICBL24_ICB24_EN_LU.csv", _duplicate_codes, "duplicate LSOA21CD"),
    ("LSOA_PopCentroids_EN_2021_V3.geojson", _wrong_crs, "EPSG:27700, expected WGS84"),
    ("LSOA_PopCentroids_EN_2021_V3.geojson", _far_centroid,
     "row 1 (LSOA21CD E01000001): BNG_E=9999999.0 is not a number from 0 to 700,000"),
])
def test_bad_file_stops_build_and_keeps_last_store(
    tmp_path: Path, mirror_dir: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch,
    file_name: str, spoil: Callable[[Path], None], problem: str,
) -> None:
    bad_mirror = tmp_path / "mirror"
    bad_mirror.mkdir()
    for source in mirror_dir.iterdir():
        (bad_mirror / source.name).symlink_to(source.resolve())
    (bad_mirror / file_name).unlink()
    shutil.copy(mirror_dir / file_name, bad_mirror / file_name)
    spoil(bad_mirror / file_name)
    last_good = tmp_path / "store"
    shutil.copytree(store_dir, last_good)
    built_at = load_store(last_good).meta["built_at"]
    monkeypatch.setenv("PLACEMAP_MIRROR", str(bad_mirror))

    with pytest.raises(SourceError) as failure:
        build_store(last_good, log=lambda message: None)

    assert file_name in str(failure.value)
    assert problem in str(failure.value)
    assert load_store(last_good).meta["built_at"] == built_at
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mirror", "store"]


def test_missing_file_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLACEMAP_MIRROR", str(tmp_path))
    with pytest.raises(SourceError, match=r"LSOA21_SICBL24_ICB24_EN_LU\.csv: file not found"):
        build_store(tmp_path / "store", log=lambda message: None)
    assert not (tmp_path / "store").exists()
