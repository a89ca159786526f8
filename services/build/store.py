"""Build the geography store, every generation of it, from the official sources.

Every population figure in Placemap is a sum over one LSOA spine, so the build starts there
(:mod:`services.build.spine`): each England LSOA 2021 gets its Census 2021 population, its
population-weighted centroid and its code in every layer vintage. Each generation's layers are then
dissolved from the same LSOA polygons (:mod:`services.build.layers`), so they nest exactly; the
2022 wards keep their official polygons (:mod:`services.build.wards`) and PCN footprints are
modelled (:mod:`services.build.pcn`). The store holds one file per layer vintage, listed in
:func:`layers.stored_keys`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd

from layers import GENERATIONS, layer_vintage, stored_keys
from services.build.adjacency import lsoa_adjacency
from services.build.checks import add_piece_counts, build_pcns, quality_checks
from services.build.layers import MAP_TOLERANCE_M, dissolve, lsoa_layer, map_copy, parent_keys
from services.build.place_shapes import default_place_shapes
from services.build.sources import BuildSources
from services.build.spine import build_spine, require_same_lsoas
from services.build.wards import build_wards_2022
from services.io.sources import load_manifest
from services.io.store import Store, store_path, write_store


def build_store(path: Path | None = None, log: Callable[[str], None] = print) -> dict:
    """Build the whole store into ``path`` (default: :func:`store_path`) and return its meta."""
    started = time.perf_counter()
    sources = BuildSources(load_manifest(), log)
    spine, names = build_spine(sources)
    polygons, lsoa_repaired = sources.geo("lsoa21_boundaries")
    polygons = polygons[polygons["LSOA21CD"].str.startswith("E")]
    require_same_lsoas(spine["lsoa21_code"], polygons["LSOA21CD"],
                       "LSOA_2021_EW_BSC_V4.geojson")
    lsoa = lsoa_layer(spine, polygons)
    pcn_meta = build_pcns(sources, spine, names)

    layers: dict[str, gpd.GeoDataFrame] = {"lsoa": lsoa}
    for generation in GENERATIONS.values():
        for layer in generation.stored_layers():
            if layer.key in layers or layer.key not in names:
                continue
            layers[layer.key] = dissolve(lsoa, spine, layer.key, names[layer.key],
                                         parent_keys(generation, layer.id), layer.vintage.id)
    wards, ward_meta = build_wards_2022(sources, spine, layers["lad_2024"])
    layers["ward_2022"] = wards
    layers = {key: layers[key] for key in stored_keys() if key in layers}
    spine = spine.drop(columns=["ward24_code"])
    add_piece_counts(pcn_meta, layers)
    repairs = {"lsoa": lsoa_repaired, "ward_2022": ward_meta.pop("repaired")}

    map_layers = {key: map_copy(gdf, MAP_TOLERANCE_M[layer_vintage(key).id])
                  for key, gdf in layers.items()}
    shaped = time.perf_counter()
    place_shapes = default_place_shapes(Store(path or store_path(), {}, spine, layers,
                                              map_layers))
    log(f"default places' map shapes: {len(place_shapes)} in "
        f"{time.perf_counter() - shaped:.1f} s")
    meta = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 1),
        "sources": sources.used,
        "warnings": sources.warnings,
        "population_total": int(spine["population"].sum()),
        "generations": _generations_meta(layers),
        "layer_info": {key: _layer_info(key, gdf, repairs.get(key, 0))
                       for key, gdf in layers.items()},
        "quirks": ward_meta,
        "pcn": pcn_meta,
        "quality": quality_checks(sources, spine, layers),
    }
    write_store(path or store_path(), meta, spine, layers, map_layers, lsoa_adjacency(lsoa),
                place_shapes)
    log(f"store written to {path or store_path()} in {time.perf_counter() - started:.1f} s")
    return meta


def _layer_info(key: str, layer: gpd.GeoDataFrame, repaired: int) -> dict:
    vintage = layer_vintage(key)
    return {"layer": vintage.id, "title": vintage.title, "vintage": vintage.vintage.id,
            "label": vintage.vintage.label, "rows": len(layer),
            "population": int(layer["population"].sum()),
            "population_method": vintage.population_method, "repaired_geometries": repaired}


def _generations_meta(layers: dict[str, gpd.GeoDataFrame]) -> dict:
    """Which layer vintages each generation pairs (only those the store holds)."""
    return {generation.id: {"label": generation.label,
                            "effective": generation.effective.isoformat(),
                            "layers": {layer.id: layer.key for layer in generation.stored_layers()
                                       if layer.key in layers}}
            for generation in GENERATIONS.values()}
