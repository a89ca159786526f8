"""Build the geography store from the official sources.

Every population figure in Placemap is a sum over one LSOA spine, so the build starts there: each
England LSOA 2021 gets its Census 2021 population, its population-weighted centroid and its code in
every layer. Layers that are unions of whole LSOAs (sub-ICB, ICB, LAD, HWB area, region) are then
dissolved from the *same* LSOA polygons, so where their borders coincide they are the same line and
nesting is exact. Wards are not made of LSOAs: they keep their official polygons and get an ONS
best-fit population: each LSOA goes wholly to one ward of its own council (the ONS 2024 best fit
where the ward is unchanged since 2022, else the ward holding its population-weighted centroid).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers import LAYERS
from services.io.sources import Manifest, SourceError, hash_warning, load_manifest, locate
from services.io.sources import read_geo as read_geo_source
from services.io.sources import read_table as read_table_source
from services.io.store import store_path, write_store
from services.build.pcn import pcn_footprints

#: Simplification tolerance (metres, EPSG:27700) of each layer's map copy.
MAP_TOLERANCE_M = {"region": 500.0, "icb": 150.0, "sub_icb": 100.0, "hwb": 100.0, "lad": 60.0,
                   "pcn": 40.0, "ward": 25.0, "lsoa": 15.0}
#: Map copies are rounded to about 1 m: enough for a screen, and it keeps GeoJSON small.
MAP_GRID_DEGREES = 1e-5


class _Sources:
    """Reads each manifest entry once, validated, and remembers what it found for ``meta.json``."""

    def __init__(self, manifest: Manifest, log: Callable[[str], None]) -> None:
        self.manifest = manifest
        self.log = log
        self.used: dict[str, dict] = {}
        self.warnings: list[str] = []

    def _path(self, dataset_id: str) -> Path:
        dataset = self.manifest[dataset_id]
        path = locate(dataset)
        warning = hash_warning(dataset, path)
        if warning:
            self.warnings.append(warning)
            self.log(f"warning: {warning}")
        self.used[dataset_id] = {"file": path.name, "vintage": dataset.vintage,
                                 "publisher": dataset.publisher, "url": dataset.url}
        return path

    def table(self, dataset_id: str) -> pd.DataFrame:
        table = read_table_source(self.manifest[dataset_id], self._path(dataset_id))
        self.log(f"read {dataset_id}: {len(table):,} rows")
        return table

    def optional_table(self, dataset_id: str) -> pd.DataFrame | None:
        """An optional source, or None (logged) when it is not available."""
        if locate(self.manifest[dataset_id]) is None:
            self.log(f"optional {dataset_id} not available: going on without it")
            return None
        return self.table(dataset_id)

    def geo(self, dataset_id: str) -> tuple[gpd.GeoDataFrame, int]:
        frame, repaired = read_geo_source(self.manifest[dataset_id], self._path(dataset_id))
        self.used[dataset_id]["repaired_geometries"] = repaired
        self.log(f"read {dataset_id}: {len(frame):,} features, {repaired} repaired")
        return frame, repaired


def build_store(path: Path | None = None, log: Callable[[str], None] = print) -> dict:
    """Build the whole store into ``path`` (default: :func:`store_path`) and return its meta."""
    started = time.perf_counter()
    sources = _Sources(load_manifest(), log)
    spine, names, lsoa_polygons, repairs = _build_spine(sources)
    pcn_names, pcn_meta = _build_pcn(sources, spine)
    names["pcn"] = pcn_names

    layers: dict[str, gpd.GeoDataFrame] = {"lsoa": _lsoa_layer(spine, lsoa_polygons)}
    for layer_id in ("sub_icb", "icb", "lad", "hwb", "region", "pcn"):
        layers[layer_id] = _dissolve(layers["lsoa"], spine, layer_id, names[layer_id])
        repairs.setdefault(layer_id, 0)
    wards, ward_meta = _build_wards(sources, spine, layers["lad"])
    spine["ward_code"] = ward_meta.pop("assignment")
    repairs["ward"] = ward_meta.pop("repaired")
    layers["ward"] = _finish_wards(wards, spine)
    layers = {layer_id: layers[layer_id] for layer_id in LAYERS if layer_id in layers}

    map_layers = {layer_id: map_copy(gdf, MAP_TOLERANCE_M[layer_id])
                  for layer_id, gdf in layers.items()}
    meta = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 1),
        "sources": sources.used,
        "warnings": sources.warnings,
        "population_total": int(spine["population"].sum()),
        "layer_info": {
            layer_id: {
                "rows": len(gdf),
                "vintage": LAYERS[layer_id].vintage,
                "population": int(gdf["population"].sum()),
                "repaired_geometries": repairs.get(layer_id, 0),
            }
            for layer_id, gdf in layers.items()
        },
        "quirks": ward_meta,
        "pcn": pcn_meta,
    }
    write_store(path or store_path(), meta, spine, layers, map_layers)
    log(f"store written to {path or store_path()} in {time.perf_counter() - started:.1f} s")
    return meta


def _build_spine(sources: _Sources):
    health = sources.table("lsoa21_sicbl24_icb24")
    health = health[health["LSOA21CD"].str.startswith("E")]
    councils = sources.table("lsoa21_wd24_lad24")
    councils = councils[councils["LSOA21CD"].str.startswith("E")]
    tiers = sources.table("ltla23_utla23")
    regions = sources.table("lad24_rgn24")
    census = sources.table("census21_population")
    centroids, _ = sources.geo("lsoa21_centroids")
    polygons, lsoa_repaired = sources.geo("lsoa21_boundaries")
    polygons = polygons[polygons["LSOA21CD"].str.startswith("E")]

    spine = health.rename(columns={"LSOA21CD": "lsoa21_code", "LSOA21NM": "lsoa21_name",
                                   _code("sub_icb"): "sub_icb_code", _code("icb"): "icb_code"})
    spine = spine[["lsoa21_code", "lsoa21_name", "sub_icb_code", "icb_code"]]
    _require_same_lsoas(spine, councils["LSOA21CD"], "LSOA21_WD24_LAD24_EW_LU.csv")
    _require_same_lsoas(spine, polygons["LSOA21CD"], "LSOA_2021_EW_BSC_V4.geojson")
    _require_same_lsoas(spine, centroids["LSOA21CD"], "LSOA_PopCentroids_EN_2021_V3.geojson")

    councils = councils.set_index("LSOA21CD")
    spine["lad_code"] = spine["lsoa21_code"].map(councils[_code("lad")])
    spine["ward24_code"] = spine["lsoa21_code"].map(councils["WD24CD"])
    upper = tiers.set_index("LTLA23CD")[_code("hwb")]
    unknown_lads = sorted(set(spine["lad_code"]) - set(upper.index))
    if unknown_lads:
        raise SourceError(
            f"LTLA23_UTLA23_EW_LU.csv: no upper tier for LAD24 code(s) {', '.join(unknown_lads)}: "
            "LAD 2023 and 2024 codes no longer agree: use an upper-tier lookup of the LAD vintage."
        )
    spine["hwb_code"] = spine["lad_code"].map(upper)
    spine["region_code"] = spine["lad_code"].map(regions.set_index("LAD24CD")[_code("region")])
    if spine["region_code"].isna().any():
        missing = sorted(set(spine.loc[spine["region_code"].isna(), "lad_code"]))
        raise SourceError(f"LAD24_RGN24_EN_LU.csv: no region for {', '.join(missing)}.")

    population = pd.to_numeric(
        census.set_index("geography code")["Total: All usual residents"], errors="coerce"
    )
    spine["population"] = spine["lsoa21_code"].map(population)
    if spine["population"].isna().any() or (spine["population"] < 0).any():
        bad = spine.loc[spine["population"].isna() | (spine["population"] < 0), "lsoa21_code"]
        raise SourceError(
            f"census2021-ts021-lsoa-usual-residents.csv: no valid population for {len(bad)} "
            f"LSOA(s), e.g. {bad.iloc[0]}. Replace the file with the official TS021 LSOA table."
        )
    spine["population"] = spine["population"].astype("int64")
    centroid_xy = centroids.set_index("LSOA21CD")
    spine["centroid_easting_m"] = spine["lsoa21_code"].map(centroid_xy["BNG_E"].astype(float))
    spine["centroid_northing_m"] = spine["lsoa21_code"].map(centroid_xy["BNG_N"].astype(float))
    spine = spine.sort_values("lsoa21_code").reset_index(drop=True)

    names = {
        "sub_icb": _names(health, "sub_icb", extra={"SICBL24CDH": "ods_code"}),
        "icb": _names(health, "icb", extra={"ICB24CDH": "ods_code"}),
        "lad": _names(councils.reset_index(), "lad"),
        "hwb": _names(tiers, "hwb"),
        "region": _names(regions, "region"),
    }
    return spine, names, polygons, {"lsoa": lsoa_repaired}


def _require_same_lsoas(spine: pd.DataFrame, codes: pd.Series, file_name: str) -> None:
    expected, found = set(spine["lsoa21_code"]), set(codes)
    if expected != found:
        missing, extra = sorted(expected - found), sorted(found - expected)
        raise SourceError(
            f"{file_name}: LSOA 2021 codes do not match the LSOA→sub-ICB lookup "
            f"({len(missing)} missing, e.g. {missing[:3]}; {len(extra)} unexpected, e.g. "
            f"{extra[:3]}). The files are of different vintages; use the 2021 LSOA editions."
        )


def _code(layer_id: str) -> str:
    """The source field holding the layer's codes, as declared in ``layers``."""
    return LAYERS[layer_id].source_code_field


def _names(table: pd.DataFrame, layer_id: str, extra: dict | None = None) -> pd.DataFrame:
    layer = LAYERS[layer_id]
    columns = {layer.source_code_field: "code", layer.source_name_field: "name", **(extra or {})}
    return table[list(columns)].rename(columns=columns).drop_duplicates("code").set_index("code")


def _lsoa_layer(spine: pd.DataFrame, polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geometry = polygons.set_index("LSOA21CD").geometry.reindex(spine["lsoa21_code"]).values
    layer = gpd.GeoDataFrame(
        {
            "code": spine["lsoa21_code"].values,
            "name": spine["lsoa21_name"].values,
            "vintage": LAYERS["lsoa"].vintage,
            **{column: spine[column].values for column in
               ("sub_icb_code", "icb_code", "lad_code", "hwb_code", "region_code", "pcn_code")},
            "population": spine["population"].values,
        },
        geometry=geometry,
        crs=27700,
    )
    layer["area_m2"] = layer.geometry.area
    return layer


#: Parent codes carried by each dissolved layer: only where the layer nests wholly in the parent.
def _nesting_columns(layer_id: str) -> list[str]:
    """Spine columns of the layer's ancestors (the ``parent`` chain in ``layers``), in which a
    layer built from whole LSOAs must nest. PCNs are exempt: a footprint drawn from registrations
    may cross sub-ICB locations."""
    columns, parent = [], LAYERS[layer_id].parent
    while parent is not None and layer_id != "pcn":
        columns.append(LAYERS[parent].spine_column)
        parent = LAYERS[parent].parent
    return columns


def _dissolve(lsoa: gpd.GeoDataFrame, spine: pd.DataFrame, layer_id: str,
              names: pd.DataFrame) -> gpd.GeoDataFrame:
    """Union whole LSOAs per code; the parent codes must be single-valued (that is the nesting)."""
    column = f"{layer_id}_code"
    parents = _nesting_columns(layer_id)
    groups = lsoa.groupby(column, sort=True)
    for parent in parents:
        straddling = groups[parent].nunique()
        if (straddling > 1).any():
            raise SourceError(
                f"{layer_id} areas {list(straddling[straddling > 1].index[:3])} span several "
                f"{parent[:-5]} areas: the lookups do not nest as expected."
            )
    geometry = groups.geometry.apply(lambda series: shapely.union_all(series.values))
    layer = gpd.GeoDataFrame(
        {
            "code": geometry.index,
            "name": names["name"].reindex(geometry.index).values,
            "vintage": LAYERS[layer_id].vintage,
        },
        geometry=geometry.values,
        crs=27700,
    )
    for extra in names.columns.drop("name"):
        layer[extra] = names[extra].reindex(geometry.index).values
    for parent in parents:
        layer[parent] = groups[parent].first().values
    layer["population"] = spine.groupby(column)["population"].sum().reindex(layer["code"]).values
    layer["lsoa_count"] = groups.size().values
    layer["area_m2"] = layer.geometry.area
    if layer["name"].isna().any():
        raise SourceError(f"{layer_id}: codes without a name in the lookups: "
                          f"{list(layer.loc[layer['name'].isna(), 'code'][:5])}")
    return layer


def _build_pcn(sources: _Sources, spine: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Each LSOA's PCN (``spine["pcn_code"]``), the PCN table for :func:`_dissolve` (name, method,
    sub_icb_code, icb_code, list_size: a PCN's registration footprint need not nest in one
    sub-ICB, so its parents are its own, not checked) and the meta: method, quality, bad input."""
    registrations = sources.optional_table("gp_registrations_lsoa")
    footprints = pcn_footprints(
        spine, sources.table("lsoa11_lsoa21"), sources.table("epcn_members"),
        sources.table("epcn_details"), sources.table("practice_locations"), registrations,
        sources.table("gp_practice_mapping") if registrations is not None else None,
    )
    spine["pcn_code"] = footprints.assignment.reindex(spine["lsoa21_code"]).to_numpy()
    pcns = footprints.pcns.assign(list_size=footprints.pcns["list_size"].round().astype("int64"))
    return pcns, {"method": footprints.method, "quality": footprints.quality,
                  "bad_input": footprints.bad_input}


def _build_wards(sources: _Sources, spine: pd.DataFrame,
                 lads: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict]:
    """Official 2022 ward polygons (England), the two-part ward merged, each ward's 2024 council
    and each LSOA's best-fit ward, which always lies in the LSOA's own council (wards nest in
    councils, so ONS best fit never crosses one):

    1. the ONS 2024 best-fit ward from the lookup, where that ward still has its 2022 code (a
       ward's code changes when its boundary does): ONS fitted the centroids to full-resolution
       boundaries, which the generalised polygons here cannot match near ward edges;
    2. otherwise the 2022 ward of the LSOA's council that holds its population-weighted
       centroid;
    3. otherwise (the centroid lies in another council's generalised ward, or in none) the
       nearest ward of its council.
    Each route is counted in the store's meta.
    """
    wards, repaired = sources.geo("wd22_boundaries")
    code, name = _code("ward"), LAYERS["ward"].source_name_field
    wards = wards[wards[code].str.startswith("E")]
    parts = wards[code].duplicated(keep=False)
    merged_codes = sorted(set(wards.loc[parts, code]))
    wards = wards.dissolve(code, as_index=False, sort=True, aggfunc="first")
    wards = wards.rename(columns={code: "code", name: "name"})[["code", "name", "geometry"]]
    wards["lad_code"] = _council_of(wards, lads)

    ward_code = spine["ward24_code"].where(spine["ward24_code"].isin(wards["code"]))
    by_lookup = ward_code.notna()
    points = gpd.GeoDataFrame(
        spine.loc[~by_lookup, ["lad_code"]],
        geometry=gpd.points_from_xy(spine.loc[~by_lookup, "centroid_easting_m"],
                                    spine.loc[~by_lookup, "centroid_northing_m"]),
        crs=27700,
    )
    hits = gpd.sjoin(points, wards, how="inner", predicate="within")
    hits = hits[hits["lad_code_left"] == hits["lad_code_right"]]
    hits = hits[~hits.index.duplicated(keep="first")]
    ward_code[hits.index] = hits["code"]
    nearest = points.index.difference(hits.index)
    for lad_code, group in points.loc[nearest].groupby("lad_code"):
        candidates = wards[wards["lad_code"] == lad_code]
        if candidates.empty:
            raise SourceError(f"WD_DEC_2022_UK_BSC.geojson: no ward lies in council {lad_code}; "
                              "check that the ward file covers England.")
        near = gpd.sjoin_nearest(group, candidates[["code", "geometry"]], how="left")
        ward_code[group.index] = near[~near.index.duplicated(keep="first")]["code"]
    return wards, {
        "assignment": ward_code.values,
        "repaired": repaired,
        "ward_parts_merged": merged_codes,
        "lsoas_by_ons_2024_best_fit_ward_unchanged_since_2022": int(by_lookup.sum()),
        "lsoas_by_centroid_in_a_2022_ward_of_their_council": len(hits),
        "lsoas_by_nearest_2022_ward_of_their_council": len(nearest),
    }


def _council_of(wards: gpd.GeoDataFrame, lads: gpd.GeoDataFrame) -> np.ndarray:
    """The 2024 council holding most of each ward's area. 2022 wards of the councils reorganised
    in 2023 (Cumbria, North Yorkshire, Somerset) fall in the new unitary councils."""
    ward_positions, lad_positions = lads.sindex.query(wards.geometry.values,
                                                      predicate="intersects")
    shared = pd.DataFrame({
        "ward": ward_positions,
        "lad_code": lads["code"].to_numpy()[lad_positions],
        "area_m2": shapely.area(shapely.intersection(wards.geometry.values[ward_positions],
                                                     lads.geometry.values[lad_positions])),
    })
    largest = shared.sort_values(["ward", "area_m2"]).drop_duplicates("ward", keep="last")
    council = largest.set_index("ward")["lad_code"].reindex(np.arange(len(wards)))
    if council.isna().any():
        raise SourceError(f"WD_DEC_2022_UK_BSC.geojson: {int(council.isna().sum())} ward(s) "
                          "overlap no council built from the LSOAs; check both files' CRS.")
    return council.to_numpy()


def _finish_wards(wards: gpd.GeoDataFrame, spine: pd.DataFrame) -> gpd.GeoDataFrame:
    """Ward population (best fit) and LSOA count; wards no LSOA fits to keep 0, said plainly."""
    grouped = spine.groupby("ward_code")
    wards = wards.copy()
    wards["vintage"] = LAYERS["ward"].vintage
    population = grouped["population"].sum().reindex(wards["code"]).fillna(0)
    wards["population"] = population.astype("int64").values
    wards["lsoa_count"] = grouped.size().reindex(wards["code"]).fillna(0).astype("int64").values
    wards["area_m2"] = wards.geometry.area
    return wards[["code", "name", "vintage", "lad_code", "population", "lsoa_count", "area_m2",
                  "geometry"]]


def map_copy(layer: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify the layer as one coverage (neighbours keep a shared border), then to WGS84."""
    simplified = shapely.coverage_simplify(layer.geometry.values, tolerance_m)
    frame = gpd.GeoDataFrame({"code": layer["code"].values}, geometry=simplified, crs=27700)
    frame = frame.to_crs(4326)
    frame.geometry = shapely.make_valid(shapely.set_precision(frame.geometry.values,
                                                              MAP_GRID_DEGREES))
    lost = frame.geometry.is_empty
    if lost.any():
        frame.loc[lost, "geometry"] = layer.geometry[lost.values].to_crs(4326).values
    return frame
