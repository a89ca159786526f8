"""Data quality checks on the real files, read straight from the mirror (no store build).

Run with ``-s`` to see the counts, every disagreement and the per-ICB agreement table.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from services.build.quality import (
    LOOKUP_DISAGREES,
    CouncilCheck,
    council_disagreements,
)
from services.build.quality_icb import IcbAgreement, icb_polygon_agreement
from services.io.sources import load_manifest, locate, read_geo, read_table
from services.quality_text import COUNCIL_KEY, ICB_KEY, quality_lines

pytestmark = pytest.mark.mirror

ENGLAND_LSOAS = 33_755
#: Lookup dataset and its council field prefix, per vintage (LSOA21CD → LADyyCD/NM).
COUNCIL_LOOKUPS = {"2022": ("lsoa11_lsoa21", "LAD22"), "2024": ("lsoa21_wd24_lad24", "LAD24"),
                   "2025": ("lsoa21_wd25_lad25", "LAD25")}


def _table(dataset_id: str) -> pd.DataFrame:
    dataset = load_manifest()[dataset_id]
    table = read_table(dataset, locate(dataset))
    return table[table[dataset.code_field].str.startswith("E")]


def _geo(dataset_id: str) -> gpd.GeoDataFrame:
    dataset = load_manifest()[dataset_id]
    frame, _repaired = read_geo(dataset, locate(dataset))
    return frame[frame[dataset.code_field].str.startswith("E")]


@pytest.fixture(scope="module")
def lsoas(mirror_dir: Path) -> pd.DataFrame:
    """England's LSOAs: code, name, population, centroid and ICB of April 2026."""
    people = _table("census21_population").rename(columns={
        "geography code": "lsoa21_code", "Total: All usual residents": "population"})
    icbs = _table("lsoa21_sicbl26_icb26_nhser26").rename(columns={
        "LSOA21CD": "lsoa21_code", "LSOA21NM": "lsoa21_name", "ICB26CD": "icb_code",
        "ICB26NM": "icb_name"})
    centroids = _geo("lsoa21_centroids")
    centroids = pd.DataFrame(centroids.drop(columns="geometry")).rename(columns={
        "LSOA21CD": "lsoa21_code", "BNG_E": "centroid_easting_m", "BNG_N": "centroid_northing_m"})
    frame = icbs[["lsoa21_code", "lsoa21_name", "icb_code", "icb_name"]].merge(
        people[["lsoa21_code", "population"]], validate="1:1").merge(centroids, validate="1:1")
    assert len(frame) == ENGLAND_LSOAS
    return frame.astype({"population": int})


@pytest.fixture(scope="module")
def lsoa_polygons(mirror_dir: Path) -> gpd.GeoDataFrame:
    return _geo("lsoa21_boundaries").rename(columns={"LSOA21CD": "lsoa21_code"})


@pytest.fixture(scope="module")
def council_check(lsoas: pd.DataFrame, lsoa_polygons: gpd.GeoDataFrame) -> CouncilCheck:
    lookups = {}
    for vintage, (dataset_id, prefix) in COUNCIL_LOOKUPS.items():
        lookups[vintage] = _table(dataset_id).rename(columns={
            "LSOA21CD": "lsoa21_code", f"{prefix}CD": "council_code",
            f"{prefix}NM": "council_name"})[["lsoa21_code", "council_code", "council_name"]]
    councils = _geo("lad24_boundaries").rename(columns={"LAD24CD": "code", "LAD24NM": "name"})
    return council_disagreements(lsoas, lookups, lsoa_polygons, councils, "2024")


@pytest.fixture(scope="module")
def icb_agreement(lsoas: pd.DataFrame, lsoa_polygons: gpd.GeoDataFrame) -> IcbAgreement:
    parts = lsoa_polygons.merge(lsoas[["lsoa21_code", "icb_code", "icb_name"]])
    built = parts.dissolve("icb_code", as_index=False).rename(
        columns={"icb_code": "code", "icb_name": "name"})[["code", "name", "geometry"]]
    official = _geo("icb26_boundaries").rename(columns={"ICB26CD": "code", "ICB26NM": "name"})
    return icb_polygon_agreement(built, official, lsoas)


def test_e01027305_is_found_with_the_right_labels(council_check: CouncilCheck) -> None:
    print("\n" + "\n".join(quality_lines(
        {COUNCIL_KEY: council_check.to_meta()})))
    rows = council_check.disagreements.set_index("lsoa21_code")
    row = rows.loc["E01027305"]
    assert row["lsoa21_name"] == "West Northamptonshire 048E"
    assert row["population"] == 1_914
    assert [row[f"{s}_code"] for s in ("lookup_2022", "lookup_2024", "polygon_2024",
                                       "lookup_2025")] == ["E06000062", "E07000177",
                                                           "E06000062", "E06000062"]
    assert row["lookup_2024_name"] == "Cherwell"
    assert row["odd_one_out"] == "lookup_2024"
    assert row["label"] == LOOKUP_DISAGREES
    assert row["polygon_area_share"] > 0.99


def test_recodes_and_reorganisations_are_not_disagreements(council_check: CouncilCheck) -> None:
    walks = council_check.crosswalks.set_index(["old_vintage", "new_vintage", "old_code"])
    assert walks.loc[("2024", "2025", "E08000016"), "new_code"] == "E08000038"  # Barnsley
    assert walks.loc[("2024", "2025", "E08000019"), "new_code"] == "E08000039"  # Sheffield
    assert walks.loc[("2022", "2024", "E07000026"), "new_code"] == "E06000063"  # Allerdale
    assert walks.loc[("2022", "2024", "E07000163"), "new_code"] == "E06000065"  # Craven
    assert walks.loc[("2022", "2024", "E07000187"), "new_code"] == "E06000066"  # Mendip
    counts = council_check.counts
    assert counts["lsoas"] == ENGLAND_LSOAS
    assert counts["lsoas_missing_from_lookup"] == {"lookup_2022": 0, "lookup_2024": 0,
                                                   "lookup_2025": 0}
    # The only disagreement in the mirror's lookups is the known one; the generalised polygons
    # give one more naive majority difference (E01035138, 40% of it outside every council
    # polygon), which the ≥ 50% rule leaves without a verdict rather than reporting.
    assert list(council_check.disagreements["lsoa21_code"]) == ["E01027305"]
    assert counts["polygon_test"]["other council"] == 1
    assert counts["polygon_test"]["majority_differs_naive"] == 2


def test_icbs_built_from_lsoas_agree_with_the_official_polygons(
        icb_agreement: IcbAgreement) -> None:
    print("\n" + "\n".join(quality_lines({ICB_KEY: icb_agreement.to_meta()})))
    counts = icb_agreement.counts
    assert (counts["icbs_built"], counts["icbs_official"]) == (36, 36)
    assert counts["only_built"] == [] and counts["only_official"] == []
    assert (counts["lsoas"], counts["lsoas_inside"]) == (ENGLAND_LSOAS, 33_745)
    assert counts["min_iou"]["value"] >= 0.98
    assert counts["min_population_inside_share"]["value"] >= 0.99


def test_meta_parts_are_json(council_check: CouncilCheck, icb_agreement: IcbAgreement) -> None:
    meta_part = {COUNCIL_KEY: council_check.to_meta(),
                 ICB_KEY: icb_agreement.to_meta()}
    assert json.loads(json.dumps(meta_part, allow_nan=False)) == meta_part
