"""Build steps that model or check rather than copy: PCN footprints per vintage, the pieces of
every footprint, and the data-quality checks recorded in the store's meta.

The 2026 LSOA lookup in the mirror is a reconstruction and council lookups disagree in places, so
the store says what it was built from and where its sources disagree; nothing is "corrected".
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from layers import get_generation
from services.build.pcn import pcn_footprints, pcn_footprints_2026
from services.build.pcn_voronoi import piece_quality
from services.build.quality import council_disagreements
from services.build.quality_icb import icb_polygon_agreement
from services.build.sources import BuildSources
from services.quality_text import COUNCIL_KEY, ICB_KEY

#: LSOA → council lookups compared across vintages: dataset and its field prefix.
COUNCIL_LOOKUPS = {"2022": ("lsoa11_lsoa21", "LAD22"), "2024": ("lsoa21_wd24_lad24", "LAD24"),
                   "2025": ("lsoa21_wd25_lad25", "LAD25")}


def build_pcns(sources: BuildSources, spine: pd.DataFrame,
               names: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Each LSOA's PCN of January 2023 (over the 2024 generation) and of August 2026 (over the
    2026 sub-ICB locations): spine columns ``pcn_2023_code``/``pcn_2026_code``, the PCN tables
    for the dissolve in ``names``, and each vintage's method, quality and bad input."""
    registrations = sources.optional_table("gp_registrations_lsoa")
    footprints = {
        "2023": pcn_footprints(
            spine.rename(columns=get_generation("2024").spine_columns()),
            sources.table("lsoa11_lsoa21"), sources.table("epcn_members"),
            sources.table("epcn_details"), sources.table("practice_locations"), registrations,
            sources.table("gp_practice_mapping") if registrations is not None else None),
        "2026": pcn_footprints_2026(
            spine.rename(columns=get_generation("2026").spine_columns()),
            sources.table("lsoa11_lsoa21"), sources.table("gp_practice_mapping_2026"),
            sources.table("practice_locations"), sources.table("gp_registered_lists_2026")),
    }
    meta = {}
    for year, result in footprints.items():
        spine[f"pcn_{year}_code"] = result.assignment.reindex(spine["lsoa21_code"]).to_numpy()
        names[f"pcn_{year}"] = result.pcns.assign(
            list_size=result.pcns["list_size"].round().astype("int64"))
        meta[year] = {"method": result.method, "quality": result.quality,
                      "bad_input": result.bad_input}
    return meta


def add_piece_counts(pcn_meta: dict[str, dict], layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Footprints in more than one piece, from the dissolved layers (no second union)."""
    for year, part in pcn_meta.items():
        layer = layers[f"pcn_{year}"]
        pieces = pd.Series(shapely.get_num_geometries(layer.geometry.to_numpy()),
                           index=layer["code"].to_numpy())
        part["quality"]["pieces"] = piece_quality(pieces)


def quality_checks(sources: BuildSources, spine: pd.DataFrame,
                   layers: dict[str, gpd.GeoDataFrame]) -> dict:
    """Council lookups of 2022, 2024 and 2025 against each other and the 2024 council polygons,
    LSOA by LSOA; the ICBs dissolved for April 2026 against the official ICB polygons."""
    lookups = {}
    for vintage, (dataset_id, prefix) in COUNCIL_LOOKUPS.items():
        lookups[vintage] = sources.england(dataset_id).rename(columns={
            "LSOA21CD": "lsoa21_code", f"{prefix}CD": "council_code",
            f"{prefix}NM": "council_name"})[["lsoa21_code", "council_code", "council_name"]]
    lsoa_polygons = layers["lsoa"][["code", "geometry"]].rename(columns={"code": "lsoa21_code"})
    councils, _ = sources.geo("lad24_boundaries")
    councils = councils[councils["LAD24CD"].str.startswith("E")].rename(
        columns={"LAD24CD": "code", "LAD24NM": "name"})
    official, _ = sources.geo("icb26_boundaries")
    official = official.rename(columns={"ICB26CD": "code", "ICB26NM": "name"})
    council_check = council_disagreements(spine, lookups, lsoa_polygons, councils, "2024")
    icb_check = icb_polygon_agreement(layers["icb_2026"][["code", "name", "geometry"]], official,
                                      spine, icb_column="icb_2026_code")
    return {COUNCIL_KEY: council_check.to_meta(), ICB_KEY: icb_check.to_meta()}
