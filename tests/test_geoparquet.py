"""services/io/geoparquet.py: the store's files read as geopandas reads them, one CRS per CRS."""

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from services.io.geoparquet import read_geoparquet


def _squares(crs: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": ["A", "B"], "population": [3, 4]},
                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=crs)


def test_read_as_geopandas_reads_and_one_crs_per_crs(tmp_path: Path) -> None:
    files = []
    for name, crs in (("a", 27700), ("b", 27700), ("c", 4326)):
        files.append(tmp_path / f"{name}.parquet")
        _squares(crs).to_parquet(files[-1], index=False)
    read = [read_geoparquet(file) for file in files]
    for file, frame in zip(files, read, strict=True):
        pd.testing.assert_frame_equal(frame, gpd.read_parquet(file), check_exact=True)
        assert frame.crs == gpd.read_parquet(file).crs
    assert read[1].crs is read[0].crs  # the second file of a CRS reuses the first one's
    assert read[2].crs.to_epsg() == 4326


def test_geometry_column_keeps_its_place(tmp_path: Path) -> None:
    frame = _squares(27700)[["code", "geometry", "population"]]
    for name in ("first", "second"):  # by geopandas or the fast path: the same columns
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
        assert list(read_geoparquet(tmp_path / f"{name}.parquet").columns) == [
            "code", "geometry", "population"]
