"""What changed from April 2024 to April 2026 on the store built from the mirror: facts from
the published descriptions (ONS lookup notes, NHS England) and the mirror README."""

from __future__ import annotations

import pytest

from services.changes import changes
from services.io.store import Store
from services.workspace import Workspace

pytestmark = pytest.mark.mirror
FRIMLEY, ESSEX_HWB = "E54000034", "E10000012"
THAMES_VALLEY, HAMPSHIRE_IOW, SURREY_SUSSEX = "E54000070", "E54000067", "E54000069"


@pytest.fixture(scope="module")
def result(store: Store):
    return changes(Workspace(store, "2024"), Workspace(store, "2026"))


def test_icb_counts_mergers_and_the_lsoas_that_changed_icb(result) -> None:
    summary = result.summary()
    assert (summary["icbs_2024"], summary["icbs_2026"]) == (42, 36)
    assert (summary["icbs_created"], summary["icbs_abolished"]) == (7, 13)
    assert summary["icbs_continuing_changed_area"] == 0  # every kept code kept its LSOAs
    assert result.lsoas_changed == 10_207  # the count published for the official lookup
    assert result.people_changed == 17_254_188
    mergers = result.icbs.loc[result.icbs["change"] == "merger", "icb_2026_name"]
    assert sorted(mergers) == ["NHS Central East Integrated Care Board",
                               "NHS Surrey and Sussex Integrated Care Board",
                               "NHS West and North London Integrated Care Board"]
    assert len(result.merged()) == 6  # two whole ICBs in each


def test_frimley_abolished_its_people_divided_between_three_icbs(result) -> None:
    frimley = result.icbs.set_index("icb_code").loc[FRIMLEY]
    assert (frimley["status"], frimley["change"]) == ("abolished", "divided")
    assert (frimley["people_2024"], frimley["people_out"]) == (764_343, 764_343)
    went = result.abolished_destinations()
    went = went[went["icb_2024_code"] == FRIMLEY].set_index("icb_2026_code")["people"]
    assert went.to_dict() == {THAMES_VALLEY: 436_606, HAMPSHIRE_IOW: 174_249,
                              SURREY_SUSSEX: 153_488}


def test_sub_icb_locations(result) -> None:
    counts = result.sub_icbs["change"].value_counts().to_dict()
    assert counts == {"re-parented": 23, "recoded": 2, "divided": 1, "created": 1}
    recoded = result.sub_icbs[result.sub_icbs["change"] == "recoded"]
    assert dict(zip(recoded["sub_icb_2024_code"], recoded["sub_icb_2026_code"], strict=True)) \
        == {"E38000253": "E38000266", "E38000264": "E38000267"}


def test_essex_hwb_split_across_three_icbs_disappeared(result) -> None:
    essex = result.hwbs.set_index("hwb_2024_code").loc[ESSEX_HWB]
    assert essex["change"] == "split disappeared"
    assert (essex["icb_count_2024"], essex["icb_count_2026"]) == (3, 1)
    assert essex["hwb_2025_code"] == ESSEX_HWB  # matched through its LSOAs
    assert not (result.hwbs["change"] == "split appeared").any()
    hart = result.lads.set_index("lad_2024_name").loc["Hart"]
    assert hart["change"] == "split disappeared"  # Rushmoor and Hart went wholly to HIoW


def test_places_of_the_default_scheme(result) -> None:
    places = result.places.set_index("place")
    assert places.loc["Essex", "change"] == "added"
    assert places.loc["Essex", "people_2026"] == 1_503_525
    assert {"Essex (QH8)", "Essex (QJG)", "Essex (QM7)"} <= set(
        places.index[places["change"] == "removed"])
    assert places.loc["Slough", "change"] == "ICB changed"


def test_only_what_touches_frimleys_people(store: Store) -> None:
    scoped = changes(Workspace(store, "2024"), Workspace(store, "2026"), FRIMLEY)
    assert (scoped.lsoas_changed, scoped.people_changed) == (455, 764_343)
    assert sorted(scoped.icbs["icb_code"]) == [FRIMLEY, HAMPSHIRE_IOW, SURREY_SUSSEX,
                                               THAMES_VALLEY]
    assert set(scoped.hwbs["hwb_2024_name"]) == {"Hampshire", "Surrey"}
