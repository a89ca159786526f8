"""ICB drafts on hand-made squares (tests/squares_generations.py: six squares whose ICBs change
from April 2024 to April 2026; tests/squares.py: four squares), answers worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from services.drafts import Block, DraftConfig, draft_id
from services.flags import misalignment_flags
from services.icb_drafts import DraftedIcbs, apply_icb_draft, generation_icb_rows
from services.icb_flags import icb_tier_flags
from services.io.place_files import PlaceFileError
from services.io.store import Store
from services.workspace import Workspace
from tests.squares import squares_store
from tests.squares_generations import LSOAS, generations_store

N, W, S, F, M = "E54000001", "E54000002", "E54000003", "E54000004", "E54000009"
BRENT, DOVER_2024, DOVER_2025 = "E06000002", "E08000016", "E08000038"


def with_wards(store: Store) -> Store:
    """The six squares with a ward per square in both generations (the flags read wards)."""
    for key, lad in (("ward_2022", "lad_2024_code"), ("ward_2025", "lad_2025_code")):
        store.spine[f"{key}_code"] = [f"W{c}" for c in LSOAS]
        wards = store.layers["lsoa"].assign(code=[f"W{c}" for c in LSOAS],
                                            name=[f"ward {c}" for c in LSOAS],
                                            lad_code=store.spine[lad].to_numpy())
        store.layers[key], store.map_layers[key] = wards, wards[["code", "geometry"]].to_crs(4326)
    return store


def config(rows: list[tuple[str, str, str]], vintage: str = "2024") -> DraftConfig:
    blocks = pd.DataFrame(rows, columns=["icb", "block_type", "code"])
    key = draft_id("icb", vintage, tuple(Block(*row) for row in sorted(rows)))
    return DraftConfig("test draft", "hand-made", blocks, vintage, "icb", key)


def drafted(rows: list[tuple[str, str, str]], store: Store | None = None,
            generation: str = "2024") -> DraftedIcbs:
    store = store or with_wards(generations_store())
    return apply_icb_draft(store.generation(generation), config(rows, generation))


def split_flags(ws: Workspace, rule: str = "hwb_split_across_icbs") -> dict[str, dict]:
    flags, _ = misalignment_flags(ws, ws.places("hwb_within_icb"))
    if rule not in set(flags["rule"]):
        flags, _ = icb_tier_flags(ws)
    chosen = flags[flags["rule"] == rule]
    return {row.code: row.numbers["population_by_area"] for row in chosen.itertuples()}


def test_april_2026_written_as_a_draft_over_2024_reproduces_its_icbs_and_flags() -> None:
    store = with_wards(generations_store())
    rows = generation_icb_rows(store, "2026", "2024")
    # E38000002 and E38000003 move whole to Merged; E38000004 (Frim) is divided LSOA by LSOA.
    assert rows == [(N, "lsoa", "X5"), (M, "lsoa", "X6"), (M, "sub_icb", "E38000002"),
                    (M, "sub_icb", "E38000003")]
    result = drafted(rows, store)
    assert result.store.spine["icb_code"].tolist() == store.spine["icb_2026_code"].tolist()
    summary = result.icbs.set_index("icb_code")
    assert summary["status"].to_dict() == {N: "redrawn", W: "abolished", S: "abolished",
                                           F: "abolished", M: "new"}
    assert summary.loc[M, ["population_before", "population", "people_in"]].tolist() == [
        0, 1500, 1500]
    assert summary.loc[F, "to"] == f"{M} ({M}): 600; North ({N}): 500"
    icbs = result.store.layer("icb").set_index("code")
    assert icbs["population"].to_dict() == {N: 600, M: 1500}
    assert icbs.loc[M, "name"] == M and icbs.loc[M, "ods_code"] == M  # a new ICB: its name
    assert icbs.loc[N, "name"] == "North" and icbs.loc[N, "area_m2"] == pytest.approx(2e6)
    drafted_ws, ws_2026 = Workspace(result.store), Workspace(store, "2026")
    # Dover (recoded E08000016 -> E08000038, like Barnsley) becomes split: 500 North, 600 Merged;
    # Brent stops being split (it was West 200, South 300).
    assert split_flags(Workspace(store, "2024")) == {BRENT: {W: 200, S: 300}}
    assert split_flags(drafted_ws) == {DOVER_2024: {N: 500, M: 600}}
    assert split_flags(ws_2026) == {DOVER_2025: {N: 500, M: 600}}
    assert split_flags(drafted_ws, "lad_split_across_icbs") == {DOVER_2024: {M: 600, N: 500}}
    assert split_flags(ws_2026, "lad_split_across_icbs") == {DOVER_2025: {M: 600, N: 500}}
    # The one difference: Frim's sub-ICB location E38000004 is kept and now split (2026 redrew it).
    assert split_flags(drafted_ws, "sub_icb_split_across_icbs") == {
        "E38000004": {M: 600, N: 500}}
    assert result.store.layer("sub_icb").set_index("code")["icb_code"]["E38000004"] == M


def test_merging_two_icbs_into_a_new_one() -> None:
    # I = X1 + X3 (council L, 900 people), J = X2 + X4 (council R, 1,000): both into "Merged".
    store = squares_store({"X1": 450, "X3": 450, "X2": 100, "X4": 900},
                          icb_of={"X2": "J", "X4": "J"})
    result = apply_icb_draft(store, config([("Merged", "hwb", "HL"), ("Merged", "hwb", "HR")],
                                           store.generation_id))
    icbs = result.store.layer("icb")
    assert icbs["code"].tolist() == ["Merged"] and icbs["population"].tolist() == [1900]
    assert icbs["area_m2"].iloc[0] == pytest.approx(4e6)  # the union of the two squares pairs
    assert result.icbs["status"].tolist() == ["abolished", "abolished", "new"]
    ws = Workspace(result.store)
    assert ws.find_icb("merged") == "Merged"
    assert ws.places("hwb_within_icb").areas["icb_code"].tolist() == ["Merged", "Merged"]


def test_moving_a_council_leaves_untouched_icbs_as_published() -> None:
    # Brent (X2 West 200 + X3 South 300) moves to South: West is abolished, South holds X2-X4.
    store = with_wards(generations_store())
    result = drafted([("south", "lad", BRENT)], store)  # its name, any case
    official = store.generation("2024").layer("icb")
    icbs = result.store.layer("icb")
    assert icbs["code"].tolist() == [N, S, F]
    assert icbs.set_index("code").loc[S, "population"] == 900
    untouched = icbs[icbs["code"].isin([N, F])].reset_index(drop=True)
    assert_geodataframe_equal(untouched, official[official["code"].isin([N, F])]
                              .reset_index(drop=True))
    assert result.icbs["icb_code"].tolist() == [W, S]
    assert split_flags(Workspace(result.store)) == {}  # Brent's split across ICBs is gone


def test_most_specific_block_wins_and_a_split_appears() -> None:
    # Dover (X5, X6) listed for North, but its LSOA X6 listed for Frim: only X5 moves.
    result = drafted([(N, "lad", DOVER_2024), ("Frim", "lsoa", "X6")])
    assert result.store.spine["icb_code"].tolist() == [N, W, S, S, N, F]
    same = drafted([("Q1", "lsoa", "X5")])  # North by its ODS code
    assert same.store.spine["icb_code"].tolist() == result.store.spine["icb_code"].tolist()
    ws = Workspace(result.store)
    assert split_flags(ws) == {BRENT: {W: 200, S: 300}, DOVER_2024: {N: 500, F: 600}}
    assert split_flags(ws, "sub_icb_split_across_icbs") == {"E38000004": {F: 600, N: 500}}
    places = ws.places("hwb_within_icb").areas
    assert places.loc["Dover (Q1)", "population"] == 500  # HWB area within the drafted ICB


def test_bad_blocks_are_listed_row_by_row() -> None:
    with pytest.raises(PlaceFileError) as caught:
        drafted([(N, "lad", "E06000099"), (N, "lad", DOVER_2025), (N, "lad", "W06000001"),
                 (S, "lsoa", "X2"), (W, "lsoa", "X2"), ("north", "lsoa", "X3"),
                 (N, "ward", "WX1")])
    problems = caught.value.problems.set_index("line")["problem"].to_dict()
    assert problems[2].startswith("unknown lad code E06000099 (")
    assert f"{DOVER_2025} (Dover) is a 2025 code of the April 2026 boundaries; as at April " \
           f"2024 its area is {DOVER_2024} (Dover)" in problems[3]
    assert "a code of Wales: ICBs cover England only" in problems[4]
    assert problems[6].startswith("lsoa X2 is already used on line 5 (E54000003)")
    assert problems[7] == f"ICB 'north' is {N}, which other rows call '{N}': use one name " \
                          "for one ICB"
    assert "block_type 'ward' is not one of sub_icb, hwb, lad, lsoa" in problems[8]
    with pytest.raises(ValueError, match="apply it with vintage 2026"):
        apply_icb_draft(generations_store().generation("2024"), config([(N, "lsoa", "X5")],
                                                                        "2026"))
    with pytest.raises(ValueError, match="one generation's official view"):
        apply_icb_draft(drafted([(N, "lsoa", "X5")]).store, config([(N, "lsoa", "X6")]))


def test_a_drafted_view_shares_no_cache_key_with_the_official_one() -> None:
    store = with_wards(generations_store())
    first, again = drafted([(N, "lsoa", "X5")], store), drafted([(N, "lsoa", "X5")], store)
    official = Workspace(store, "2024")
    for layer_id in ("lad", "icb", "ward"):
        assert Workspace(first.store).geography(layer_id).key != official.geography(
            layer_id).key
        assert Workspace(first.store).geography(layer_id).key == Workspace(
            again.store).geography(layer_id).key
    assert first.store.view_id == f"2024+icbs:{first.draft_id}"
    assert official.places("hwb_within_icb").key != Workspace(first.store).places(
        "hwb_within_icb").key
