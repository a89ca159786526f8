"""The engine's acceptance facts on the store built from the official files."""

from __future__ import annotations

import json

import pytest

from placemap_cli import main
from services.flags import misalignment_flags
from services.io.store import Store
from services.workspace import Workspace

pytestmark = pytest.mark.mirror


@pytest.fixture(scope="module")
def store(store_2024: Store) -> Store:
    """These are facts of the April 2024 generation (42 ICBs, LAD24, 2022 wards, PCNs of
    January 2023), Placemap v1's geography; ``--vintage 2024`` must keep them."""
    return store_2024


@pytest.fixture(scope="module")
def ws(store: Store) -> Workspace:
    return Workspace(store)


def _coterminosity(ws: Workspace, config: str, icb_name: str, layer: str):
    icb = ws.find_icb(icb_name)
    places = ws.places(config, icb)
    return places, ws.coterminosity(places, ws.geography(layer)).set_index("a_code")


@pytest.mark.parametrize("layer", ["lad", "hwb"])
def test_greater_manchester_places_are_coterminous_with_their_boroughs(ws, layer) -> None:
    _, table = _coterminosity(ws, "greater_manchester", "Greater Manchester", layer)
    assert len(table) == 10
    assert (table["population_class"] == "coterminous").all()
    assert (table[["population_share_of_a", "population_share_of_b"]] >= 0.99).all().all()
    assert (table.index == table["best_b_name"]).all()
    assert table["population"].sum() == 2_867_871


def test_dorset_places_are_coterminous_with_their_unitary_hwb_areas(ws) -> None:
    _, table = _coterminosity(ws, "dorset", "Dorset", "hwb")
    assert table["best_b_code"].to_dict() == {"Bournemouth, Christchurch & Poole": "E06000058",
                                              "Dorset": "E06000059"}
    assert (table["population_class"] == "coterminous").all()


def test_north_east_london_city_and_hackney_hold_both_boroughs(ws) -> None:
    places, table = _coterminosity(ws, "north_east_london", "North East London", "hwb")
    assert len(table) == 7
    assert (table["population_class"] == "coterminous").sum() == 6
    assert table.loc["City & Hackney", "population_class"] == "contains"
    pairs = ws.pairs(places, ws.geography("hwb")).set_index(["a_code", "b_code"])
    for borough in ("E09000001", "E09000012"):  # City of London, Hackney
        pair = pairs.loc[("City & Hackney", borough)]
        assert pair["population_class"] == "b within a"
        assert pair["population_share_of_b"] == 1.0


def test_bradford_district_and_craven_crosses_north_yorkshire(ws, store: Store) -> None:
    icb = ws.find_icb("West Yorkshire")
    places = ws.places("west_yorkshire", icb)
    flags, _ = misalignment_flags(ws, places, icb)
    hwb = flags[(flags["rule"] == "place_splits_hwb")
                & (flags["code"] == "Bradford District & Craven")]
    assert len(hwb) == 1
    numbers = hwb["numbers"].iloc[0]
    spine = store.spine
    in_north_yorkshire = spine[(spine["sub_icb_code"] == "E38000232")
                               & (spine["hwb_code"] == "E06000065")]["population"].sum()
    assert numbers["hwb_code"] == "E06000065"
    assert numbers["population_in_both"] == in_north_yorkshire == 50_864
    assert f"{in_north_yorkshire:,} people of the North Yorkshire HWB area" in \
        hwb["sentence"].iloc[0]


def test_essex_is_split_across_three_icbs(ws, store: Store) -> None:
    flags, _ = misalignment_flags(ws, ws.places("hwb_within_icb"))
    essex = flags[(flags["rule"] == "hwb_split_across_icbs") & (flags["code"] == "E10000012")]
    assert len(essex) == 1
    spine = store.spine[store.spine["hwb_code"] == "E10000012"]
    expected = (spine.groupby("icb_code")["population"].sum() / spine["population"].sum())
    shares = essex["numbers"].iloc[0]["population_share_by_area"]
    assert len(shares) == 3
    for icb_code, share in expected.items():
        assert shares[icb_code] == pytest.approx(share, abs=0.001)
    assert "56.1% in NHS Mid and South Essex" in essex["sentence"].iloc[0]


def test_default_places_tile_england_without_crossing_icbs(ws, store: Store) -> None:
    places = ws.places("hwb_within_icb")
    assert places.areas["population"].sum() == store.spine["population"].sum()
    assert not places.membership["lsoa"].duplicated().any()
    flags, _ = misalignment_flags(ws, places)
    assert not {"place_crosses_icb", "places_leave_gap", "places_overlap"} & set(flags["rule"])


def test_cli_report_json_and_flags(store_dir, capsys) -> None:
    assert main(["report", "--icb", "QOP", "--places", "greater_manchester", "--format", "json",
                 "--store", str(store_dir), "--vintage", "2024"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["icb"]["population"] == 2_867_871
    classes = [row["population_class"] for row in report["coterminosity"]["lad"]]
    assert classes == ["coterminous"] * 10
    assert report["icb_coverage_by_place"]["uncovered"] == 0
    assert main(["flags", "--england", "--format", "csv", "--store", str(store_dir),
                 "--vintage", "2024"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("section,subject_code")
    assert "flag,E10000012,Essex" in out
    assert main(["report", "--icb", "Atlantis", "--store", str(store_dir),
                 "--vintage", "2024"]) == 2
    assert "0 ICBs match 'Atlantis'" in capsys.readouterr().err


def test_cli_names_each_bad_row_of_a_configuration(store_dir, tmp_path, capsys) -> None:
    config = tmp_path / "places.csv"
    config.write_text("place,block_type,code\nBolton,lad,E08000001\nNowhere,lad,E08999999\n"
                      "Leeds,lad,E08000035\nBolton again,lad,E08000001\n")
    assert main(["report", "--icb", "QOP", "--places", str(config),
                 "--store", str(store_dir), "--vintage", "2024"]) == 2
    err = capsys.readouterr().err
    assert "line 3: unknown lad code E08999999" in err
    assert "line 5: lad E08000001 is already used on line 2 (Bolton)" in err


def test_cli_report_lists_pcns_straddling_councils_with_shares(store_dir, capsys) -> None:
    assert main(["report", "--icb", "Dorset", "--layer", "pcn", "--format", "json",
                 "--store", str(store_dir), "--vintage", "2024"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["coterminosity"]) == {"lad", "hwb", "place"}
    pcns = report["coterminosity"]["lad"]
    assert len(pcns) >= 15 and all(row["a_code"].startswith("U") for row in pcns)
    straddling = [f for f in report["flags"] if f["rule"] == "pcn_straddles_lad"]
    assert straddling, "approximate PCN footprints in Dorset cross the BCP/Dorset line"
    for flag in straddling:
        shares = flag["numbers"]["population_share_by_area"]
        assert len(shares) >= 2 and 0.97 < sum(shares.values()) <= 1.0001
    assert {f["rule"] for f in report["flags"]} <= {"pcn_straddles_place", "pcn_straddles_lad",
                                                    "pcn_straddles_hwb", "pcn_straddles_icb"}
