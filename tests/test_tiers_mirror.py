"""Issue 11 on the store built from the official files: the most specific block wins in Greater
Manchester, and islands are pieces."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services.flags import misalignment_flags
from services.io.store import Store
from services.places import PlaceConfig
from services.report import icb_report
from services.workspace import Workspace

pytestmark = pytest.mark.mirror

BOLTON, WIGAN = "E08000001", "E08000010"


def _bolton_ward_next_to_wigan(store: Store) -> tuple[str, int]:
    """(code, people) of the most populous Bolton ward with an LSOA sharing a border with Wigan."""
    spine = store.spine
    lad = spine["lad_code"].to_numpy()
    a, b = store.adjacency["a"].to_numpy(), store.adjacency["b"].to_numpy()
    border = np.concatenate([a[(lad[a] == BOLTON) & (lad[b] == WIGAN)],
                             b[(lad[b] == BOLTON) & (lad[a] == WIGAN)]])
    wards = store.layer("ward").set_index("code")
    touching = wards.loc[sorted(set(spine["ward_code"].to_numpy()[border]))]
    code = touching["population"].sort_values(ascending=False, kind="stable").index[0]
    return code, int(spine.loc[spine["ward_code"] == code, "population"].sum())


@pytest.mark.parametrize("generation", ["2026", "2024"])
def test_a_bolton_ward_listed_for_wigan_counts_only_in_wigan(loaded_store: Store,
                                                             generation: str) -> None:
    ws = Workspace(loaded_store, generation)
    icb = ws.find_icb("Greater Manchester")
    published = ws.config("greater_manchester")
    ward, people = _bolton_ward_next_to_wigan(ws.store)
    assert people == int(ws.store.layer("ward").set_index("code").loc[ward, "population"])
    assert people > 0
    blocks = pd.concat([published.blocks[["place", "block_type", "code"]],
                        pd.DataFrame([("Wigan", "ward", ward)], columns=["place", "block_type",
                                                                          "code"])],
                       ignore_index=True)
    edited = PlaceConfig("GM with a Bolton ward in Wigan", "test", blocks)
    before = ws.places(published, icb).areas["population"]
    after = ws.places(edited, icb).areas["population"]
    assert after["Wigan"] - before["Wigan"] == people
    assert before["Bolton"] - after["Bolton"] == people
    assert after.drop(["Wigan", "Bolton"]).equals(before.drop(["Wigan", "Bolton"]))
    cover = ws.coverage(icb, ws.geography("icb"), ws.places(edited, icb))
    assert (cover.double_counted, cover.uncovered) == (0, 0)
    flags, _ = misalignment_flags(ws, ws.places(edited, icb), icb)
    assert "places_overlap" not in set(flags["rule"])
    assert not flags["rule"].str.endswith("_in_pieces").any()  # the ward borders Wigan


def test_islands_are_pieces(store_2026: Store) -> None:
    ws = Workspace(store_2026)
    icb = ws.geography("icb")
    pieces = ws.pieces(icb)
    cornwall = icb.areas.index[icb.names().str.contains("Cornwall")][0]
    hampshire = icb.areas.index[icb.names().str.contains("Isle of Wight")][0]
    assert len(pieces[cornwall]) == 2  # the Isles of Scilly
    assert pieces[cornwall][1].population == 2055
    island = pieces[hampshire][1]  # the Isle of Wight, after the mainland
    assert 130_000 < island.population < 150_000


def test_neighbourhoods_of_greater_manchester_pcns(store_2026: Store) -> None:
    """Every GM PCN a neighbourhood: all of the ICB's people are in one, each place's people
    are accounted for, and the rules run at real scale."""
    ws = Workspace(store_2026)
    icb = ws.find_icb("Greater Manchester")
    pcns = ws.codes_in_icb(ws.geography("pcn"), icb)
    hoods = PlaceConfig("GM PCNs", "test", pd.DataFrame({
        "neighbourhood": [f"N {code}" for code in pcns], "block_type": "pcn", "code": pcns}),
        tier="neighbourhood")
    report = icb_report(ws, icb, "greater_manchester", neighbourhoods=hoods)
    section = report["neighbourhoods"]
    assert len(section["areas"]) == len(pcns)
    for place in section["coverage_by_place"]:
        assert sum(r["population"] for r in place["rows"]) - place["double_counted"] \
            + place["uncovered"] == place["population"]
    rules = {flag["rule"] for flag in report["flags"]}
    assert "neighbourhoods_overlap" not in rules  # PCN footprints do not overlap
    assert "neighbourhood_outside_band" in rules  # PCNs are not all 30,000-50,000 people
