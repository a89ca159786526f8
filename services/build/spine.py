"""The LSOA 2021 spine: one row per England LSOA with its Census 2021 population, its
population-weighted centroid and its code in every layer vintage of every generation.

Every population figure in Placemap is a sum over this one spine, so the generations can only
differ in which area each LSOA belongs to, never in who lives there. Lookups of one generation are
checked against each other here (a sub-ICB location in one ICB, a council in one upper tier), and a
file that does not cover the same LSOAs as the others stops the build.
"""

from __future__ import annotations

import pandas as pd

from layers import layer_vintage
from services.build.sources import BuildSources
from services.io.sources import SourceError

#: Single-tier councils (unitary, metropolitan, London boroughs) are their own upper tier.
SINGLE_TIER_PREFIXES = ("E06", "E08", "E09")


def build_spine(sources: BuildSources) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """(spine sorted by LSOA code, names per store key: ``name`` and any ODS ``ods_code``)."""
    health24 = sources.england("lsoa21_sicbl24_icb24")
    spine = health24.rename(columns={"LSOA21CD": "lsoa21_code", "LSOA21NM": "lsoa21_name"})
    spine = spine[["lsoa21_code", "lsoa21_name"]].sort_values("lsoa21_code", ignore_index=True)
    codes = spine["lsoa21_code"]
    names: dict[str, pd.DataFrame] = {}

    for key, dataset in (("sub_icb_2024", "lsoa21_sicbl24_icb24"),
                         ("icb_2024", "lsoa21_sicbl24_icb24"),
                         ("sub_icb_2026", "lsoa21_sicbl26_icb26_nhser26"),
                         ("icb_2026", "lsoa21_sicbl26_icb26_nhser26"),
                         ("nhser_2026", "lsoa21_sicbl26_icb26_nhser26"),
                         ("lad_2024", "lsoa21_wd24_lad24"), ("lad_2025", "lsoa21_wd25_lad25"),
                         ("ward_2025", "lsoa21_wd25_lad25")):
        table = _same_lsoas(sources, dataset, codes)
        vintage = layer_vintage(key)
        spine[f"{key}_code"] = codes.map(table[vintage.source_code_field]).to_numpy()
        ods = vintage.source_code_field + "H"
        names[key] = _names(table, vintage.source_code_field, vintage.source_name_field,
                            ods if ods in table else None)
    spine["ward24_code"] = codes.map(_same_lsoas(sources, "lsoa21_wd24_lad24", codes)["WD24CD"])
    _check_sub_icbs_2026(sources, spine)
    _upper_tiers(sources, spine, names)
    regions = sources.table("lad24_rgn24").set_index("LAD24CD")
    spine["region_2024_code"] = spine["lad_2024_code"].map(regions["RGN24CD"])
    if spine["region_2024_code"].isna().any():
        missing = sorted(set(spine.loc[spine["region_2024_code"].isna(), "lad_2024_code"]))
        raise SourceError(f"LAD24_RGN24_EN_LU.csv: no region for {', '.join(missing)}.")
    names["region_2024"] = _names(sources.table("lad24_rgn24"), "RGN24CD", "RGN24NM")
    _population_and_centroids(sources, spine)
    return spine, names


def _same_lsoas(sources: BuildSources, dataset_id: str, codes: pd.Series) -> pd.DataFrame:
    """The dataset's England rows indexed by LSOA, which must be exactly the spine's LSOAs."""
    table = sources.england(dataset_id)
    require_same_lsoas(codes, table["LSOA21CD"], sources.manifest[dataset_id].mirror_file)
    return table.set_index("LSOA21CD")


def _names(table: pd.DataFrame, code_field: str, name_field: str,
           ods_field: str | None = None) -> pd.DataFrame:
    columns = {code_field: "code", name_field: "name", **({ods_field: "ods_code"}
                                                            if ods_field else {})}
    frame = table.reset_index() if code_field not in table else table
    return frame[list(columns)].rename(columns=columns).drop_duplicates("code").set_index("code")


def _check_sub_icbs_2026(sources: BuildSources, spine: pd.DataFrame) -> None:
    """Sub-ICB location → ICB in the LSOA lookup must agree with the official sub-ICB lookup."""
    official = sources.table("sicbl26_icb26_nhser26").set_index("SICBL26CD")
    pairs = spine[["sub_icb_2026_code", "icb_2026_code", "nhser_2026_code"]].drop_duplicates()
    unknown = sorted(set(pairs["sub_icb_2026_code"]) - set(official.index))
    wrong = pairs[pairs["sub_icb_2026_code"].isin(official.index)]
    wrong = wrong[(wrong["icb_2026_code"].to_numpy()
                   != official["ICB26CD"].reindex(wrong["sub_icb_2026_code"]).to_numpy())
                  | (wrong["nhser_2026_code"].to_numpy()
                     != official["NHSER26CD"].reindex(wrong["sub_icb_2026_code"]).to_numpy())]
    if unknown or len(wrong):
        example = unknown[:3] or list(wrong["sub_icb_2026_code"][:3])
        raise SourceError(
            "LSOA21_SICBL26_ICB26_NHSER26_EN_LU.csv disagrees with SICBL26_ICB26_NHSER26_EN_LU.csv "
            f"for sub-ICB location(s) {', '.join(example)} ({len(unknown)} unknown, {len(wrong)} "
            "in another ICB or region): use both lookups of the same April 2026 release.")


def _upper_tiers(sources: BuildSources, spine: pd.DataFrame,
                 names: dict[str, pd.DataFrame]) -> None:
    """Upper tier (HWB area) for both council vintages. 2024: the LTLA23→UTLA23 lookup (LAD23
    codes equal LAD24 codes in England, checked). 2025: single-tier councils are their own upper
    tier; two-tier districts (E07) keep their county from the same lookup (checked to cover
    every LAD25; no county changed between 2023 and 2025)."""
    tiers = sources.table("ltla23_utla23")
    upper = tiers.set_index("LTLA23CD")["UTLA23CD"]
    unknown = sorted(set(spine["lad_2024_code"]) - set(upper.index))
    if unknown:
        raise SourceError(
            f"LTLA23_UTLA23_EW_LU.csv: no upper tier for LAD24 code(s) {', '.join(unknown)}: "
            "LAD 2023 and 2024 codes no longer agree: use an upper-tier lookup of the LAD vintage.")
    spine["hwb_2024_code"] = spine["lad_2024_code"].map(upper)
    names["hwb_2024"] = _names(tiers, "UTLA23CD", "UTLA23NM")

    lad25 = spine["lad_2025_code"]
    single = lad25.str[:3].isin(SINGLE_TIER_PREFIXES)
    districts = sorted(set(lad25[~single]))
    uncovered = [code for code in districts if code not in upper.index]
    if uncovered:
        raise SourceError(
            f"LSOA21_WD25_LAD25_EW_LU.csv: two-tier district(s) {', '.join(uncovered)} have no "
            "county in LTLA23_UTLA23_EW_LU.csv: add an upper-tier lookup of the 2025 vintage.")
    spine["hwb_2025_code"] = lad25.where(single, lad25.map(upper))
    county_names = _names(tiers, "UTLA23CD", "UTLA23NM")
    unitary_names = names["lad_2025"][names["lad_2025"].index.str[:3].isin(SINGLE_TIER_PREFIXES)]
    names["hwb_2025"] = pd.concat([unitary_names[["name"]], county_names[
        county_names.index.isin(spine["hwb_2025_code"])
        & ~county_names.index.isin(unitary_names.index)]]).sort_index()


def _population_and_centroids(sources: BuildSources, spine: pd.DataFrame) -> None:
    census = sources.table("census21_population")
    population = pd.to_numeric(
        census.set_index("geography code")["Total: All usual residents"], errors="coerce")
    spine["population"] = spine["lsoa21_code"].map(population)
    bad = spine["population"].isna() | (spine["population"] < 0)
    if bad.any():
        raise SourceError(
            f"census2021-ts021-lsoa-usual-residents.csv: no valid population for {int(bad.sum())} "
            f"LSOA(s), e.g. {spine.loc[bad, 'lsoa21_code'].iloc[0]}. Replace the file with the "
            "official TS021 LSOA table.")
    spine["population"] = spine["population"].astype("int64")
    centroids, _ = sources.geo("lsoa21_centroids")
    require_same_lsoas(spine["lsoa21_code"], centroids["LSOA21CD"],
                       "LSOA_PopCentroids_EN_2021_V3.geojson")
    xy = centroids.set_index("LSOA21CD")
    spine["centroid_easting_m"] = spine["lsoa21_code"].map(xy["BNG_E"].astype(float))
    spine["centroid_northing_m"] = spine["lsoa21_code"].map(xy["BNG_N"].astype(float))


def require_same_lsoas(expected_codes: pd.Series, found_codes: pd.Series, file_name: str) -> None:
    """Every source must cover exactly the spine's LSOAs: anything else is another vintage."""
    expected, found = set(expected_codes), set(found_codes)
    if expected != found:
        missing, extra = sorted(expected - found), sorted(found - expected)
        raise SourceError(
            f"{file_name}: LSOA 2021 codes do not match the LSOA→sub-ICB lookup "
            f"({len(missing)} missing, e.g. {missing[:3]}; {len(extra)} unexpected, e.g. "
            f"{extra[:3]}). The files are of different vintages; use the 2021 LSOA editions.")
