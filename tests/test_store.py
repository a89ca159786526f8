"""The store's own mechanics on two 2x2 squares: map copies keep shared borders, writes are
atomic, a missing store says what to do."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import box

from services.build.store import map_copy
from services.io.store import StoreMissingError, load_store, write_store

# Two 2 km squares side by side on the British National Grid, near Manchester.
ORIGIN_X, ORIGIN_Y = 380_000, 398_000


def _squares() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": ["A", "B"], "population": [10, 30]},
        geometry=[box(ORIGIN_X, ORIGIN_Y, ORIGIN_X + 2000, ORIGIN_Y + 2000),
                  box(ORIGIN_X + 2000, ORIGIN_Y, ORIGIN_X + 4000, ORIGIN_Y + 2000)],
        crs=27700,
    )


def test_map_copy_keeps_the_shared_border() -> None:
    frame = map_copy(_squares(), tolerance_m=50)
    assert frame.crs.to_epsg() == 4326
    left, right = frame.geometry
    assert left.intersection(right).length > 0
    assert left.intersection(right).area == 0
    assert left.touches(right)


def _write(path: Path, population: int) -> None:
    squares = _squares().assign(population=[population, population])
    spine = pd.DataFrame({"lsoa21_code": ["A", "B"], "population": [population, population]})
    write_store(path, {"built_at": str(population)}, spine, {"square": squares},
                {"square": map_copy(squares, 50)})


def test_store_round_trip(tmp_path: Path) -> None:
    _write(tmp_path / "store", 7)
    store = load_store(tmp_path / "store")
    expected = _squares().assign(population=[7, 7])
    assert_geodataframe_equal(store.layers["square"], expected)
    assert store.meta["layers"] == ["square"]


def test_failed_write_leaves_the_last_store(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "store", 7)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_parquet", fail)
    with pytest.raises(OSError, match="disk full"):
        _write(tmp_path / "store", 8)
    assert load_store(tmp_path / "store").meta["built_at"] == "7"
    assert [path.name for path in tmp_path.iterdir()] == ["store"]


def test_missing_store_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(StoreMissingError, match="placemap data build"):
        load_store(tmp_path / "nowhere")


@pytest.mark.parametrize("damage", ["truncate_layer", "drop_layer", "older_format"])
def test_damaged_store_says_to_rebuild(tmp_path: Path, damage: str) -> None:
    _write(tmp_path / "store", 7)
    layer = tmp_path / "store" / "square.parquet"
    if damage == "truncate_layer":
        layer.write_bytes(layer.read_bytes()[:100])
    elif damage == "drop_layer":
        layer.unlink()
    else:  # a store from before formats were numbered
        (tmp_path / "store" / "meta.json").write_text('{"built_at": "7", "layers": ["square"]}')
    with pytest.raises(StoreMissingError, match=r"cannot be read.*placemap data build"):
        load_store(tmp_path / "store")
