"""Facts of the published descriptions of April 2026, and of both generations side by side, on
the store built from the mirror."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from layers import GENERATIONS, get_generation
from placemap_cli import main
from services.flags import misalignment_flags
from services.io.place_files import PlaceFileError
from services.io.store import Store
from services.places import PlaceConfig
from services.workspace import Workspace

pytestmark = pytest.mark.mirror

ENGLAND_POPULATION = 56_490_108
ESSEX = "E10000012"
FRIMLEY = "E54000034"
HAMPSHIRE_AND_IOW_2026 = "E54000067"
RUSHMOOR, HART = "E07000092", "E07000089"


@pytest.fixture(scope="module")
def ws_2026(loaded_store: Store) -> Workspace:
    return Workspace(loaded_store, "2026")


@pytest.fixture(scope="module")
def ws_2024(loaded_store: Store) -> Workspace:
    return Workspace(loaded_store, "2024")


@pytest.mark.parametrize(("generation", "layer", "rows"), [
    ("2026", "icb", 36), ("2026", "sub_icb", 106), ("2026", "nhser", 7), ("2026", "lad", 296),
    ("2026", "hwb", 153), ("2026", "pcn", 1_298), ("2026", "ward", 6_793),
    ("2024", "icb", 42), ("2024", "sub_icb", 106), ("2024", "lad", 296), ("2024", "hwb", 153),
    ("2024", "pcn", 1_264), ("2024", "ward", 6_903), ("2024", "region", 9),
])
def test_layer_counts_per_generation(loaded_store: Store, generation, layer, rows) -> None:
    assert len(loaded_store.generation(generation).layer(layer)) == rows


def test_every_lsoa_built_layer_of_every_generation_holds_england(loaded_store: Store) -> None:
    for generation in GENERATIONS.values():
        view = loaded_store.generation(generation.id)
        for layer in generation.stored_layers():
            frame = view.layer(layer.id)
            assert frame["population"].sum() == ENGLAND_POPULATION, layer.key
            if layer.lsoa_built:
                assert view.spine[layer.spine_column].notna().all(), layer.key


def test_essex_is_in_one_icb_in_2026_and_split_across_three_in_2024(ws_2026, ws_2024) -> None:
    def essex_split(ws: Workspace):
        flags, _ = misalignment_flags(ws, ws.places("hwb_within_icb"))
        return flags[(flags["rule"] == "hwb_split_across_icbs") & (flags["code"] == ESSEX)]

    assert ws_2026.store.spine.loc[ws_2026.store.spine["hwb_code"] == ESSEX,
                                   "icb_code"].nunique() == 1
    assert essex_split(ws_2026).empty
    split_2024 = essex_split(ws_2024)
    assert len(split_2024) == 1
    assert len(split_2024["numbers"].iloc[0]["population_share_by_area"]) == 3


def test_no_lsoa_is_in_frimley_in_2026(ws_2026, ws_2024) -> None:
    assert FRIMLEY in set(ws_2024.store.spine["icb_code"])
    assert FRIMLEY not in set(ws_2026.store.spine["icb_code"])
    assert FRIMLEY not in set(ws_2026.store.layer("icb")["code"])


def test_rushmoor_and_hart_are_in_hampshire_and_the_isle_of_wight_in_2026(ws_2026) -> None:
    spine = ws_2026.store.spine
    for council in (RUSHMOOR, HART):
        assert set(spine.loc[spine["lad_code"] == council, "icb_code"]) == {
            HAMPSHIRE_AND_IOW_2026}


def test_a_2024_code_used_with_2026_names_its_successor(ws_2026) -> None:
    config = PlaceConfig("Barnsley test", "test", pd.DataFrame(
        {"place": ["Barnsley"], "block_type": ["lad"], "code": ["E08000016"]}))
    with pytest.raises(PlaceFileError) as raised:
        ws_2026.places(config)
    message = str(raised.value)
    assert "E08000016 (Barnsley) is a 2024 code of the April 2024 boundaries" in message
    assert "its area is E08000038 (Barnsley)" in message


def test_published_configurations_resolve_in_both_generations(ws_2026, ws_2024) -> None:
    for ws in (ws_2026, ws_2024):
        places = ws.places("greater_manchester")
        assert places.areas["population"].sum() == 2_867_871


def test_data_check_lists_every_layer_generation(store_dir, capsys) -> None:
    assert main(["data", "check", "--store", str(store_dir)]) == 0
    out = capsys.readouterr().out
    first_words = {line.split()[0] for line in out.splitlines() if line.strip()}
    for layer in ("icb_2024", "icb_2026", "sub_icb_2026", "nhser_2026", "lad_2024", "lad_2025",
                  "hwb_2024", "hwb_2025", "ward_2022", "ward_2025", "pcn_2023", "pcn_2026"):
        assert layer in first_words
    assert "generation April 2026: " in out and "generation April 2024: " in out
    assert "reconstruction" in out  # the mirror's 2026 LSOA lookup is said to be one
    assert "E01027305" in out and "ICB polygons: 36 built from LSOAs, 36 official" in out
    assert "approximate (modelled footprint)" in out
    pcn_rows = [line for line in out.splitlines() if line.lstrip().startswith("pcn_")]
    assert len(pcn_rows) == 2 and not any("exact" in line for line in pcn_rows)


def test_cli_takes_the_vintage_and_names_it(store_dir, capsys) -> None:
    assert main(["report", "--icb", "Essex", "--format", "json", "--store", str(store_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["generation"]["label"] == get_generation("2026").label
    assert main(["report", "--icb", "Essex", "--vintage", "2024",
                 "--store", str(store_dir)]) == 2  # no Essex ICB in 2024: three ICBs held it
    assert "ICBs match 'Essex'" in capsys.readouterr().err
