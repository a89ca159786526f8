"""Acceptance of the January 2023 PCN layer built from the mirror (no registrations file:
approximate method): in the store, and straight from the mirror files on a 2024 spine (so the
figures are guarded whatever the store build does)."""

from __future__ import annotations

import pytest

from services.build.pcn import APPROXIMATE, NEAREST_PRACTICE, pcn_footprints
from services.io.store import Store
from tests.pcn_mirror_spine import mirror_spine, mirror_table

pytestmark = pytest.mark.mirror


@pytest.fixture(scope="module")
def store(store_2024: Store) -> Store:
    """These are facts of the April 2024 generation (42 ICBs, LAD24, 2022 wards, PCNs of
    January 2023), Placemap v1's geography; ``--vintage 2024`` must keep them."""
    return store_2024

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
    quality = store.meta["pcn"]["2023"]["quality"]
    footprint, baseline = quality[APPROXIMATE]["england"], quality[NEAREST_PRACTICE]["england"]
    assert footprint["correlation"] >= 0.90
    assert 0.95 <= footprint["median_ratio"] <= 1.05
    assert baseline["correlation"] < footprint["correlation"]
    assert len(quality[APPROXIMATE]["by_icb"]) == 42


def test_bad_input_is_counted(store: Store) -> None:
    bad = {line["rule"]: line["count"] for line in store.meta["pcn"]["2023"]["bad_input"]}
    # x-boundary practices with no current ePCN relationship (not in any PCN).
    assert bad["practice_without_pcn"] == 162
    assert bad["pcn_without_located_practice"] == 0
    assert bad["unknown_lsoa_code"] == 0
    assert bad["pcn_without_footprint"] == 0


def test_2023_footprints_from_the_mirror_files(mirror_dir: object) -> None:
    spine = mirror_spine("24")
    result = pcn_footprints(spine, mirror_table("lsoa11_lsoa21"), mirror_table("epcn_members"),
                            mirror_table("epcn_details"), mirror_table("practice_locations"))
    assert len(result.pcns) == OPEN_PCNS
    assert set(result.assignment.index) == set(spine["lsoa21_code"])
    assert result.assignment.index.is_unique
    home = result.assignment.map(result.pcns["sub_icb_code"])
    assert (home.reindex(spine["lsoa21_code"]).to_numpy() == spine["sub_icb_code"]).all()
    england = result.quality[APPROXIMATE]["england"]
    # The figures of the store built before the engine was shared by both vintages.
    assert england["correlation"] == pytest.approx(0.97353, abs=1e-5)
    assert england["median_ratio"] == pytest.approx(1.01001, abs=1e-5)
