"""The place-class palette: every pair of classes stays apart for colour-blind readers."""

from __future__ import annotations

import numpy as np
import pytest

from services.palette import (
    CLASS_COLOURS,
    CLASS_PALETTE,
    CVD_MATRICES,
    ciede2000,
    lab,
    linear_rgb,
    min_difference,
    simulate,
)

#: ΔE00 above ~10 reads as a different colour at a glance, not a shade of the same one.
MIN_DELTA_E00 = 10.0


@pytest.mark.parametrize("deficiency", [None, *CVD_MATRICES])
def test_classes_stay_apart_under_each_simulation(deficiency: str | None) -> None:
    assert min_difference([c.colour for c in CLASS_PALETTE], deficiency) >= MIN_DELTA_E00


def test_every_class_has_one_colour() -> None:
    assert set(CLASS_COLOURS) == {"coterminous", "within", "contains", "straddles", "none"}
    assert len(set(CLASS_COLOURS.values())) == len(CLASS_COLOURS)


#: Sharma, Wu and Dalal (2005), pairs 1, 7 and 17.
@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
])
def test_ciede2000_matches_the_published_pairs(lab1, lab2, expected) -> None:
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_lab_of_white_and_black() -> None:
    assert lab(linear_rgb("#ffffff")) == pytest.approx([100.0, 0.0, 0.0], abs=0.01)
    assert lab(linear_rgb("#000000")) == pytest.approx([0.0, 0.0, 0.0], abs=0.01)


@pytest.mark.parametrize("deficiency", list(CVD_MATRICES))
def test_greys_look_the_same_to_everyone(deficiency: str) -> None:
    grey = linear_rgb("#808080")
    assert simulate(grey, deficiency) == pytest.approx(grey, abs=1e-3)


def test_red_and_green_merge_for_deuteranopes() -> None:
    """Why the palette is tested: pure red and green, far apart normally, come close."""
    pair = ["#ff0000", "#00aa00"]
    assert min_difference(pair) > 50 > min_difference(pair, "deuteranopia")
