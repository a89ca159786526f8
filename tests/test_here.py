"""What is here: the LSOA under a clicked point, on hand-made squares."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pyproj import Transformer

from layers import EXACT
from services.geography import Geography
from services.here import lsoa_at, what_is_here
from services.io.store import Store
from tests.squares_generations import generations_store
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


def _places(membership: dict[str, list[int]]) -> Geography:
    """Hand-made places of the April 2026 generation: code → spine positions."""
    rows = [(lsoa, code) for code, lsoas in membership.items() for lsoa in lsoas]
    return Geography(id="place", title="Places: test", vintage="2021 LSOAs", lsoa_built=True,
                     membership=pd.DataFrame(rows, columns=["lsoa", "code"]),
                     areas=pd.DataFrame({"name": [f"Place {c}" for c in membership]},
                                        index=list(membership)), generation="2026")


def test_what_is_here_lists_every_layer_and_generation_at_the_lsoa() -> None:
    """X5 (spine row 4, 500 people): Frim's (2024) and North's (2026) ICB, Dover recoded, and in
    two overlapping places P (X5 alone) and Q (X5 + X6)."""
    here = what_is_here(generations_store().generation("2026"), 4,
                        _places({"P": [4], "Q": [4, 5], "R": [0]}))
    got = [(r.layer_id, r.vintage, r.generations, r.code, r.name, r.population)
           for r in here.rows]
    assert got == [
        ("icb", "April 2026", ("2026",), "E54000001", "North", 100 + 500),
        ("icb", "April 2024", ("2024",), "E54000004", "Frim", 500 + 600),
        ("sub_icb", "April 2026", ("2026",), "E38000009", "Sub-ICB E38000009", 500),
        ("sub_icb", "April 2024", ("2024",), "E38000004", "Sub-ICB E38000004", 500 + 600),
        ("place", "configuration (2021 LSOAs)", ("2026",), "P", "Place P", 500),
        ("place", "configuration (2021 LSOAs)", ("2026",), "Q", "Place Q", 500 + 600),
        ("lad", "2025", ("2026",), "E08000038", "Dover", 1100),
        ("lad", "2024", ("2024",), "E08000016", "Dover", 1100),
        ("hwb", "2025", ("2026",), "E08000038", "Dover", 1100),
        ("hwb", "2024", ("2024",), "E08000016", "Dover", 1100),
        ("lsoa", "2021", ("2026", "2024"), "X5", "X5", 500),
    ]
    assert (here.lsoa, here.icb_by_generation) == (4, {"2026": "E54000001",
                                                       "2024": "E54000004"})
    assert {r.method for r in here.rows} == {EXACT}


def test_what_is_here_says_when_no_place_holds_the_lsoa() -> None:
    here = what_is_here(generations_store(), 4, _places({"R": [0]}))
    (place,) = [r for r in here.rows if r.layer_id == "place"]
    assert (place.code, place.population) == ("", 0) and "no place" in place.name


def test_what_is_here_gives_each_layer_its_population_method() -> None:
    here = what_is_here(generations_store(), 0)
    assert [r.layer_id for r in here.rows if r.layer_id == "place"] == []
    methods = {r.layer_id: r.method for r in here.rows}
    assert methods == {"icb": EXACT, "sub_icb": EXACT, "lad": EXACT, "hwb": EXACT,
                       "lsoa": EXACT}
