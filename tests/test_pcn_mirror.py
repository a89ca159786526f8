"""Acceptance of the PCN layer built from the mirror (no registrations file: approximate method)."""

from __future__ import annotations

import pytest

from services.build.pcn import APPROXIMATE, NEAREST_PRACTICE
from services.io.store import Store

pytestmark = pytest.mark.mirror

ENGLAND_POPULATION = 56_490_108
OPEN_PCNS = 1_264  # open PCNs in the January 2023 ePCN file


def test_pcn_layer_covers_england_once(store: Store) -> None:
    pcn = store.layers["pcn"]
    assert len(pcn) == OPEN_PCNS
    assert pcn["code"].is_unique
    assert store.spine["pcn_code"].notna().all()
    assert set(store.spine["pcn_code"]) == set(pcn["code"])
    assert pcn["lsoa_count"].sum() == len(store.spine)
    assert pcn["population"].sum() == ENGLAND_POPULATION
    assert set(pcn["method"]) == {APPROXIMATE}
    assert set(pcn.columns) == {"code", "name", "vintage", "method", "sub_icb_code", "icb_code",
                                "list_size", "population", "lsoa_count", "area_m2", "geometry"}
    assert list(store.map_layers["pcn"]["code"]) == list(pcn["code"])


def test_approximate_footprints_stay_in_their_sub_icb(store: Store) -> None:
    spine = store.spine.merge(store.layers["pcn"][["code", "sub_icb_code"]],
                              left_on="pcn_code", right_on="code", suffixes=("", "_of_pcn"))
    assert (spine["sub_icb_code"] == spine["sub_icb_code_of_pcn"]).all()


def test_quality_beats_nearest_practice(store: Store) -> None:
    quality = store.meta["pcn"]["quality"]
    footprint, baseline = quality[APPROXIMATE]["england"], quality[NEAREST_PRACTICE]["england"]
    assert footprint["correlation"] >= 0.90
    assert 0.95 <= footprint["median_ratio"] <= 1.05
    assert baseline["correlation"] < footprint["correlation"]
    assert len(quality[APPROXIMATE]["by_icb"]) == 42


def test_bad_input_is_counted(store: Store) -> None:
    bad = {line["rule"]: line["count"] for line in store.meta["pcn"]["bad_input"]}
    # x-boundary practices with no current ePCN relationship (not in any PCN).
    assert bad["practice_without_pcn"] == 162
    assert bad["pcn_without_located_practice"] == 0
    assert bad["unknown_lsoa_code"] == 0
    assert bad["pcn_without_footprint"] == 0
