"""The one sliver rule on real data (April 2024 boundaries): LSOA E01027305, 1,914 people of
Oxfordshire (Cherwell, by the 2024 lookup) in Northamptonshire ICB, is a sliver in every
comparison that holds only them, and every ICB report it touches lists it and flags nothing of
it (before: a sliver against the ICB, a 3-ICB high flag against the places, and absent from the
Northamptonshire report)."""

from __future__ import annotations

import itertools

import pytest

from services.places import DEFAULT_SCHEME
from services.report import icb_report
from services.workspace import Workspace

pytestmark = pytest.mark.mirror
LSOA = "E01027305"
PEOPLE = 1914
NORTHAMPTONSHIRE, BOB = "E54000059", "E54000044"  # BOB: Buckinghamshire, Oxfordshire, Berks W
OXFORDSHIRE = "E10000025"


@pytest.fixture(scope="module")
def ws(store_2024) -> Workspace:
    return Workspace(store_2024)


def test_every_comparison_holding_only_those_people_calls_them_a_sliver(ws) -> None:
    places = ws.places(DEFAULT_SCHEME)
    layers = {"place": places, **{i: ws.geography(i) for i in ("hwb", "lad", "icb", "pcn",
                                                               "ward")}}
    row = int(ws.store.spine.index[ws.store.spine["lsoa21_code"] == LSOA][0])
    checked = 0
    for (a_id, a), (b_id, b) in itertools.permutations(layers.items(), 2):
        codes_a = set(a.membership["code"][a.membership["lsoa"] == row])
        codes_b = set(b.membership["code"][b.membership["lsoa"] == row])
        pairs = ws.pairs(a, b, area=False)
        pairs = pairs[pairs["a_code"].isin(codes_a) & pairs["b_code"].isin(codes_b)
                      & (pairs["population"] == PEOPLE)]
        for pair in pairs.itertuples():
            own_icb = b_id == "icb" and a.areas.get("icb_code", {}).get(pair.a_code) == pair.b_code
            own_icb |= a_id == "icb" and b.areas.get("icb_code", {}).get(pair.b_code) == pair.a_code
            # a place lies in its own ICB, whatever its people: that pair is never a sliver
            assert (pair.population_class == "sliver") != own_icb, (a_id, b_id, pair)
            checked += 1
    assert checked >= 16  # HWB, council, place, PCN and ward pieces, both ways


@pytest.mark.parametrize("icb", [NORTHAMPTONSHIRE, BOB])
def test_both_icb_reports_list_the_sliver_and_flag_none_of_it(ws, icb) -> None:
    report = icb_report(ws, icb)
    slivers = {(s["comparison"], s["a_code"], s["b_code"]): s["population"]
               for s in report["slivers"]}
    assert slivers[("HWB area vs ICB", OXFORDSHIRE, NORTHAMPTONSHIRE)] == PEOPLE
    assert slivers[("HWB area vs place", OXFORDSHIRE, "Oxfordshire (QPM)")] == PEOPLE
    assert slivers[("place vs HWB area", "Oxfordshire (QPM)", OXFORDSHIRE)] == PEOPLE
    for flag in report["flags"]:
        assert "Oxfordshire (QPM)" not in flag["sentence"], flag
        assert PEOPLE not in flag["numbers"].get("population_by_area", {}).values(), flag
    split = [f for f in report["flags"] if f["rule"] == "hwb_split_across_places_of_different_icbs"
             and f["code"] == OXFORDSHIRE]
    assert [f["numbers"]["icbs"] for f in split] in ([], [["E54000040", BOB]])
