"""The store's own mechanics on two 2x2 squares: map copies keep shared borders, writes are
atomic, a missing store says what to do."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal

from services.build.store import map_copy
from services.io.store import StoreMissingError, load_store, write_store
from tests.tiny_store import lsoa_squares, tiny_store, write_tiny


def test_map_copy_keeps_the_shared_border() -> None:
    frame = map_copy(lsoa_squares(7), tolerance_m=50)
    assert frame.crs.to_epsg() == 4326
    left, right = frame.geometry
    assert left.intersection(right).length > 0
    assert left.intersection(right).area == 0
    assert left.touches(right)


def test_store_round_trip(tmp_path: Path) -> None:
    write_tiny(tmp_path / "store", "7")
    store = load_store(tmp_path / "store")
    assert_geodataframe_equal(store.layers["lsoa"], lsoa_squares(7))
    assert store.meta["layers"] == ["icb_2024", "lsoa"]
    assert store.meta["layer_info"]["icb_2024"] == {"rows": 1, "population": 14, "vintage": "2024",
                                                    "repaired_geometries": 0}
    assert store.meta["spine_rows"] == 2


def test_any_layer_id_meta_lists_is_loaded_and_checked(tmp_path: Path) -> None:
    """Nothing in loading names a layer: a store of other generations loads the same way."""
    write_store(tmp_path / "store", **tiny_store("7", area="pct_2002"))
    store = load_store(tmp_path / "store")
    assert sorted(store.layers) == ["lsoa", "pct_2002"]
    assert list(store.spine["pct_2002_code"]) == ["I", "I"]


def test_failed_write_leaves_the_last_store(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    write_tiny(tmp_path / "store", "7")
    versions = sorted(path.name for path in (tmp_path / "store.versions").iterdir())

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_parquet", fail)
    with pytest.raises(OSError, match="disk full"):
        write_tiny(tmp_path / "store", "8")
    assert load_store(tmp_path / "store").meta["built_at"] == "7"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["store", "store.versions"]
    assert sorted(path.name for path in (tmp_path / "store.versions").iterdir()) == versions


def test_missing_store_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(StoreMissingError, match="placemap data build"):
        load_store(tmp_path / "nowhere")
    assert list(tmp_path.iterdir()) == []


def test_place_shapes_round_trip(tmp_path: Path) -> None:
    """The stored place shapes load keyed by the LSOAs each unites, in every generation's view."""
    written = tiny_store("7")["place_shapes"]
    write_tiny(tmp_path / "store", "7")
    store = load_store(tmp_path / "store")
    assert store.meta["place_shapes"] == 1
    [(key, shape)] = store.place_shapes.items()
    assert key == written["shape_key"].iloc[0] and shape.equals_exact(written.geometry.iloc[0], 0)
    assert store.generation("2024").place_shapes is store.place_shapes
