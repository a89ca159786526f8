"""What is here: the LSOA under a clicked point, on hand-made squares."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pyproj import Transformer

from services.here import lsoa_at
from services.io.store import Store
from tests.tiny_store import CODES, ORIGIN_X, ORIGIN_Y, lsoa_squares

_TO_WGS84 = Transformer.from_crs(27700, 4326, always_xy=True)


def _wgs84(easting_m: float, northing_m: float) -> tuple[float, float]:
    lon, lat = _TO_WGS84.transform(easting_m, northing_m)
    return lat, lon


def _tiny() -> Store:
    """tests/tiny_store.py's two 2 km squares, West (spine row 0) and East (row 1)."""
    return Store(path=Path("tiny"), meta={}, spine=pd.DataFrame({"lsoa21_code": CODES}),
                 layers={"lsoa": lsoa_squares(7)})


@pytest.mark.parametrize(("easting_m", "northing_m", "expected"), [
    (ORIGIN_X + 500, ORIGIN_Y + 1500, 0),    # inside West
    (ORIGIN_X + 3900, ORIGIN_Y + 100, 1),    # inside East, near its far corner
    (ORIGIN_X + 4100, ORIGIN_Y + 1000, None),  # 100 m east of East: no LSOA
    (ORIGIN_X - 50_000, ORIGIN_Y, None),     # far outside
])
def test_lsoa_at_finds_the_square_under_the_point(easting_m: float, northing_m: float,
                                                  expected: int | None) -> None:
    assert lsoa_at(_tiny(), *_wgs84(easting_m, northing_m)) == expected


def test_lsoa_at_refuses_points_that_are_not_numbers() -> None:
    assert lsoa_at(_tiny(), float("nan"), -2.2) is None
    assert lsoa_at(_tiny(), 53.5, float("inf")) is None
