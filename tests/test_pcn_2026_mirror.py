"""The August 2026 PCN footprints on the real files of the mirror (not the store): a 2026 spine made
here from the April 2026 LSOA lookup, Census 2021 and the population-weighted centroids."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from services.build.pcn import (
    APPROXIMATE,
    NEAREST_PRACTICE,
    PcnFootprints,
    footprint_pieces,
    pcn_footprints_2026,
    piece_quality,
)
from tests.pcn_mirror_spine import mirror_geo, mirror_spine, mirror_table

pytestmark = pytest.mark.mirror

ENGLAND_POPULATION = 56_490_108
PCNS_2026 = 1_298  # PCN codes of the August 2026 practice map, besides U (no PCN)


@pytest.fixture(scope="module")
def spine(mirror_dir: Path) -> pd.DataFrame:
    return mirror_spine("26")


@pytest.fixture(scope="module")
def practice_map(mirror_dir: Path) -> pd.DataFrame:
    return mirror_table("gp_practice_mapping_2026")


@pytest.fixture(scope="module")
def footprints(spine: pd.DataFrame, practice_map: pd.DataFrame) -> PcnFootprints:
    return pcn_footprints_2026(spine, mirror_table("lsoa11_lsoa21"), practice_map,
                               mirror_table("practice_locations"),
                               mirror_table("gp_registered_lists_2026"))


def _bad(footprints: PcnFootprints) -> dict[str, dict]:
    return {line["rule"]: line for line in footprints.bad_input}


def test_every_lsoa_once_and_population_conserved(spine: pd.DataFrame,
                                                  footprints: PcnFootprints) -> None:
    assignment = footprints.assignment
    assert len(footprints.pcns) == PCNS_2026
    assert assignment.index.is_unique and set(assignment.index) == set(spine["lsoa21_code"])
    assert set(assignment) == set(footprints.pcns.index)
    population = spine.groupby(assignment.reindex(spine["lsoa21_code"]).to_numpy())["population"]
    assert population.sum().sum() == ENGLAND_POPULATION
    assert set(footprints.pcns["method"]) == {APPROXIMATE}
    assert list(footprints.pcns.columns) == ["name", "method", "sub_icb_code", "icb_code",
                                             "list_size"]


def test_no_footprint_leaves_its_practices_sub_icbs(spine: pd.DataFrame,
                                                    practice_map: pd.DataFrame,
                                                    footprints: PcnFootprints) -> None:
    allowed = set(zip(practice_map["PCN_CODE"], practice_map["ONS_SUB_ICB_LOCATION_CODE"],
                      strict=True))
    pcn = footprints.assignment.reindex(spine["lsoa21_code"]).to_numpy()
    assert set(zip(pcn, spine["sub_icb_code"], strict=True)) <= allowed
    assert _bad(footprints)["lsoa_in_sub_icb_without_pcn"]["count"] == 0


def test_footprints_follow_the_august_2026_lists(footprints: PcnFootprints) -> None:
    quality = footprints.quality
    footprint, baseline = quality[APPROXIMATE]["england"], quality[NEAREST_PRACTICE]["england"]
    print(f"\nPCN 2026: correlation with lists {footprint['correlation']:.4f} "
          f"(nearest practice {baseline['correlation']:.4f}), "
          f"median ratio {footprint['median_ratio']:.4f}, "
          f"residents per patient {quality['list_scaling']['residents_per_patient']}")
    assert footprint["pcns"] == PCNS_2026
    assert footprint["correlation"] >= 0.95 > baseline["correlation"]
    assert 0.98 <= footprint["median_ratio"] <= 1.02
    assert len(quality[APPROXIMATE]["by_icb"]) == 36
    assert quality["list_scaling"]["residents"] == ENGLAND_POPULATION
    text = json.dumps({"quality": quality, "bad_input": footprints.bad_input})  # meta-ready
    assert "exact" not in text.lower()


def test_pcns_across_sub_icbs_and_icbs_are_listed(footprints: PcnFootprints) -> None:
    quality = footprints.quality
    assert quality["cross_boundary_counts"] == {"sub_icb": 11, "icb": 1}
    [across_icbs] = [pcn for pcn in quality["cross_boundary_pcns"] if len(pcn["icb_codes"]) > 1]
    assert (across_icbs["code"], across_icbs["name"]) == ("U41591", "COAST AND COUNTRY PCN")
    assert across_icbs["icb_codes"] == ["E54000036", "E54000037"]


def test_bad_input_is_counted_by_name(footprints: PcnFootprints) -> None:
    bad = _bad(footprints)
    # 5 practices of the map are not in the cross-boundary file: 3 in no PCN, 2 in a PCN.
    assert bad["practice_in_no_pcn"]["count"] == 52
    assert bad["practice_in_no_pcn"]["without_location"] == 3
    assert bad["patients_in_no_pcn"]["patients"] == 219_236
    assert bad["practice_without_location"]["examples"] == ["Y08371", "Y08411"]
    for clean in ("pcn_in_lists_not_in_map", "pcn_in_map_not_in_lists", "unreadable_list_size",
                  "unknown_lsoa_code", "pcn_part_without_located_practice",
                  "pcn_without_footprint"):
        assert bad[clean]["count"] == 0, clean


def test_footprint_pieces_on_the_lsoa_polygons(footprints: PcnFootprints) -> None:
    polygons = mirror_geo("lsoa21_boundaries").to_crs(27700).set_index("LSOA21CD")
    pieces = footprint_pieces(polygons.geometry, footprints.assignment)
    figures = piece_quality(pieces)
    print(f"\nPCN 2026 footprints in more than one piece: {figures}")
    assert figures["footprints"] == PCNS_2026 and (pieces >= 1).all()
