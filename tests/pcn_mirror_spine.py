"""A spine made straight from the mirror's lookups (no store), for the PCN mirror tests: LSOA 2021
code, Census 2021 population, population-weighted centroid and the sub-ICB and ICB of one NHS
generation (``24`` or ``26``, the suffix of the lookup's field names)."""

from __future__ import annotations

import pandas as pd

from services.io.sources import load_manifest, locate, read_geo, read_table

NHS_LOOKUP = {"24": "lsoa21_sicbl24_icb24", "26": "lsoa21_sicbl26_icb26_nhser26"}


def mirror_table(dataset_id: str) -> pd.DataFrame:
    dataset = load_manifest()[dataset_id]
    return read_table(dataset, locate(dataset))


def mirror_geo(dataset_id: str):
    dataset = load_manifest()[dataset_id]
    return read_geo(dataset, locate(dataset))[0]


def mirror_spine(generation: str) -> pd.DataFrame:
    lookup = mirror_table(NHS_LOOKUP[generation])
    census = mirror_table("census21_population").set_index("geography code")
    centroids = mirror_geo("lsoa21_centroids").set_index("LSOA21CD")
    codes = lookup["LSOA21CD"]
    return pd.DataFrame({
        "lsoa21_code": codes, "sub_icb_code": lookup[f"SICBL{generation}CD"],
        "icb_code": lookup[f"ICB{generation}CD"],
        "population": codes.map(census["Total: All usual residents"]).astype("int64"),
        "centroid_easting_m": codes.map(centroids["BNG_E"]).astype(float),
        "centroid_northing_m": codes.map(centroids["BNG_N"]).astype(float)})
