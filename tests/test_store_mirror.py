"""Acceptance of the geography store, built from the mirror by the code under test."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from services.io.sources import load_manifest, locate, read_table
from services.io.store import Store

pytestmark = pytest.mark.mirror


@pytest.fixture(scope="module")
def store(store_2024: Store) -> Store:
    """These are facts of the April 2024 generation (42 ICBs, LAD24, 2022 wards, PCNs of
    January 2023), Placemap v1's geography; ``--vintage 2024`` must keep them."""
    return store_2024

ENGLAND_POPULATION = 56_490_108


def test_layer_counts(store: Store) -> None:
    rows = {layer_id: len(layer) for layer_id, layer in store.layers.items()}
    assert rows["icb"] == 42
    assert rows["sub_icb"] == 106
    assert rows["lad"] == 296
    assert rows["hwb"] == 153
    assert rows["lsoa"] == 33_755
    assert rows["region"] == 9
    # 6,904 England rows in the source, one ward published in two parts.
    assert rows["ward"] == 6_903


def test_every_population_is_the_spine_total(store: Store) -> None:
    assert store.spine["population"].sum() == ENGLAND_POPULATION
    assert store.spine["lsoa21_code"].is_unique
    for layer_id, layer in store.layers.items():
        assert layer["population"].sum() == ENGLAND_POPULATION, layer_id
        assert layer["code"].is_unique, layer_id


def test_every_lsoa_has_one_code_in_every_layer(store: Store) -> None:
    columns = [f"{layer_id}_code" for layer_id in store.layers if layer_id != "lsoa"]
    assert store.spine[columns].notna().all().all()
    for layer_id in store.layers:
        if layer_id == "lsoa":
            continue
        codes = set(store.layers[layer_id]["code"])
        assert set(store.spine[f"{layer_id}_code"]) <= codes, layer_id


@pytest.mark.parametrize(("child", "parent"), [("sub_icb", "icb"), ("lad", "hwb"),
                                               ("hwb", "region"), ("lad", "region")])
def test_layers_nest_by_spine_codes(store: Store, child: str, parent: str) -> None:
    parents_per_child = store.spine.groupby(f"{child}_code")[f"{parent}_code"].nunique()
    assert (parents_per_child == 1).all()


@pytest.mark.parametrize(("name", "population", "lads"), [
    ("NHS Greater Manchester Integrated Care Board", 2_867_871, 10),
    ("NHS Dorset Integrated Care Board", 779_830, 2),
])
def test_icb_spot_facts(store: Store, name: str, population: int, lads: int) -> None:
    icb = store.layers["icb"].set_index("name").loc[name]
    assert icb["population"] == population
    assert store.spine.loc[store.spine["icb_code"] == icb["code"], "lad_code"].nunique() == lads


def test_two_part_ward_is_merged(store: Store, mirror_dir: Path) -> None:
    parts = gpd.read_file(mirror_dir / "WD_DEC_2022_UK_BSC.geojson",
                          where="WD22CD = 'E05014284'").to_crs(27700)
    assert len(parts) == 2
    ward = store.layers["ward"].set_index("code").loc["E05014284"]
    assert ward["area_m2"] == pytest.approx(parts.area.sum(), rel=1e-6)
    assert store.meta["quirks"]["ward_parts_merged"] == ["E05014284"]


def test_ward_best_fit_stays_in_the_lsoas_council_and_each_route_is_counted(
        store: Store) -> None:
    """Wards nest in councils, so a best-fit ward is always one of the LSOA's own council, even
    where a generalised 2022 ward polygon reaches over the council boundary."""
    ward_council = store.layers["ward"].set_index("code")["lad_code"]
    assert (store.spine["ward_code"].map(ward_council) == store.spine["lad_code"]).all()
    quirks = store.meta["quirks"]
    routes = {key: value for key, value in quirks.items() if key.startswith("lsoas_by_")}
    assert sum(routes.values()) == 33_755
    assert routes["lsoas_by_ons_2024_best_fit_ward_unchanged_since_2022"] == 26_633
    ward24 = store.spine["lsoa21_code"].map(_mirror_table("lsoa21_wd24_lad24").set_index(
        "LSOA21CD")["WD24CD"])
    unchanged = ward24.isin(ward_council.index)
    assert (store.spine.loc[unchanged, "ward_code"] == ward24[unchanged]).all()
    assert (store.layers["ward"]["lsoa_count"] == 0).sum() == 32  # smaller than an LSOA
    # Pudsey (Leeds): the ONS best fit, not the 2022 polygon that reaches into Bradford.
    pudsey = store.layers["ward"].set_index("name").loc["Pudsey"]
    assert (pudsey["lad_code"], pudsey["population"]) == ("E08000035", 26_137)


def test_dissolved_layers_share_lsoa_borders(store: Store) -> None:
    """An ICB is exactly the union of its sub-ICB locations: same LSOA lines, no slivers."""
    icb = store.layers["icb"].set_index("code")
    sub_icb = store.layers["sub_icb"]
    for code, group in sub_icb.groupby("icb_code"):
        union = shapely.union_all(group.geometry.values)
        assert abs(union.area - icb.loc[code, "area_m2"]) < 1.0


def test_map_copies_are_valid_wgs84(store: Store) -> None:
    for layer_id, frame in store.map_layers.items():
        assert frame.crs.to_epsg() == 4326, layer_id
        assert frame.geometry.is_valid.all(), layer_id
        assert not frame.geometry.is_empty.any(), layer_id
        assert list(frame["code"]) == list(store.layers[layer_id]["code"]), layer_id
        minx, miny, maxx, maxy = frame.total_bounds
        assert minx > -7 and maxx < 2 and miny > 49 and maxy < 56, layer_id


def _mirror_table(dataset_id: str):
    dataset = load_manifest()[dataset_id]
    return read_table(dataset, locate(dataset))


def test_stored_place_shapes_are_the_maps_unions(store: Store) -> None:
    """Every default-scheme place of both generations finds its stored shape, byte for byte the
    union the map would make of the loaded LSOA copies (so a fresh server draws the same map)."""
    from layers import GENERATIONS
    from services.place_shapes import place_rows, shape_key, union_shape
    from services.workspace import Workspace

    loaded = store.base or store
    lsoa = loaded.generation(None).map_layers["lsoa"].geometry.to_numpy()
    for generation in GENERATIONS:
        places = Workspace(loaded, generation).places("hwb_within_icb")
        for rows in place_rows(places.membership).values():
            stored = loaded.place_shapes[shape_key(rows)]
            assert shapely.to_wkb(stored) == shapely.to_wkb(union_shape(lsoa, rows))
