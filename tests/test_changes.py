"""What changed between two generations, on six hand-made squares (tests/squares_generations.py)
with every table worked out by hand."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from layers import GENERATIONS
from placemap_cli import main
from services.changes import changes, vintage_column
from services.io.store import write_store
from services.workspace import Workspace
from tests.squares_generations import generations_meta, generations_store

N, W, S, F, M = "E54000001", "E54000002", "E54000003", "E54000004", "E54000009"


def _changes(icb: str | None = None):
    store = generations_store()
    return changes(Workspace(store, "2024"), Workspace(store, "2026"), icb)


def _rows(frame: pd.DataFrame) -> list[tuple]:
    """The table as plain tuples, blanks as None, to compare whole with a hand-made answer."""
    plain = frame.astype(object).where(frame.notna(), None)
    return [tuple(row) for row in plain.itertuples(index=False)]


def test_icbs_merged_created_abolished_and_continuing() -> None:
    result = _changes()
    assert list(result.icbs.columns) == [
        "icb_code", "status", "change", "icb_2024_name", "icb_2026_name", "people_2024",
        "people_2026", "lsoas_in", "people_in", "lsoas_out", "people_out", "detail"]
    assert _rows(result.icbs) == [
        (N, "continuing", "grew", "North", "North", 100, 600, 1, 500, 0, 0,
         f"from Frim ({F}): 500"),
        (W, "abolished", "merged", "West", None, 200, 0, 0, 0, 1, 200, f"to Merged ({M}): 200"),
        (S, "abolished", "merged", "South", None, 700, 0, 0, 0, 2, 700, f"to Merged ({M}): 700"),
        (F, "abolished", "divided", "Frim", None, 1100, 0, 0, 0, 2, 1100,
         f"to Merged ({M}): 600; North ({N}): 500"),
        (M, "created", "merger", None, "Merged", 0, 1500, 4, 1500, 0, 0,
         f"from South ({S}) whole: 700; Frim ({F}): 600; West ({W}) whole: 200"),
    ]


def test_flows_per_pair_and_where_the_abolished_icbs_people_went() -> None:
    result = _changes()
    # X2..X6 changed ICB: 200 + 300 + 400 + 500 + 600 people.
    assert (result.lsoas_changed, result.people_changed) == (5, 2000)
    assert _rows(result.flows) == [
        (W, "West", M, "Merged", 1, 200, 1.0, 0.1333),
        (S, "South", M, "Merged", 2, 700, 1.0, 0.4667),
        (F, "Frim", M, "Merged", 1, 600, 0.5455, 0.4),
        (F, "Frim", N, "North", 1, 500, 0.4545, 0.8333),
    ]
    assert _rows(result.merged()[["icb_2024_code", "icb_2026_code", "people"]]) == [
        (W, M, 200), (S, M, 700)]
    gone = result.abolished_destinations()
    assert gone.groupby("icb_2024_code")["people"].sum().to_dict() == {W: 200, S: 700, F: 1100}


def test_sub_icb_locations_reparented_recoded_divided_created() -> None:
    result = _changes()
    assert _rows(result.sub_icbs) == [
        ("created", None, None, None, None, 0, "E38000009", "Sub-ICB E38000009", N, "North", 500,
         "from Sub-ICB E38000004 (E38000004): 500"),
        ("divided", "E38000004", "Sub-ICB E38000004", F, "Frim", 1100, None, None, None, None, 0,
         "to Sub-ICB E38000008 (E38000008): 600; Sub-ICB E38000009 (E38000009): 500"),
        ("re-parented", "E38000002", "Sub-ICB E38000002", W, "West", 200, "E38000002",
         "Sub-ICB E38000002", M, "Merged", 200, ""),
        ("recoded", "E38000003", "Sub-ICB E38000003", S, "South", 700, "E38000008",
         "Sub-ICB E38000008", M, "Merged", 1300,
         "from Sub-ICB E38000003 (E38000003) whole: 700; Sub-ICB E38000004 (E38000004): 600"),
    ]


def test_council_splits_appear_and_disappear_across_a_recoded_council() -> None:
    result = _changes()
    # E08000016 (LAD24) is E08000038 (LAD25), matched through its LSOAs: whole in Frim in 2024,
    # split between Merged and North in 2026. Brent: split in 2024, whole in Merged in 2026.
    expected = [
        ("split appeared", "E08000016", "Dover", "E08000038", "Dover", 1, 2,
         f"Frim ({F}): 1,100", f"Merged ({M}): 600; North ({N}): 500"),
        ("split disappeared", "E06000002", "Brent", "E06000002", "Brent", 2, 1,
         f"South ({S}): 300; West ({W}): 200", f"Merged ({M}): 500"),
    ]
    assert _rows(result.lads) == expected
    assert _rows(result.hwbs) == expected  # the councils are their own HWB areas
    assert list(result.lads.columns)[:5] == ["change", "lad_2024_code", "lad_2024_name",
                                             "lad_2025_code", "lad_2025_name"]


def test_places_of_the_default_scheme_added_removed_and_moved() -> None:
    result = _changes()
    assert _rows(result.places) == [
        ("ICB changed", "Crewe", S, M, 400, 400, 0, 0, ""),
        ("added", "Brent", None, M, 0, 500, 500, 0, "mostly from Brent (Q3): 300"),
        ("added", "Dover (Q1)", None, N, 0, 500, 500, 0, "mostly from Dover: 500"),
        ("added", "Dover (Q9)", None, M, 0, 600, 600, 0, "mostly from Dover: 600"),
        ("removed", "Brent (Q2)", W, None, 200, 0, 0, 200, "mostly now in Brent: 200"),
        ("removed", "Brent (Q3)", S, None, 300, 0, 0, 300, "mostly now in Brent: 300"),
        ("removed", "Dover", F, None, 1100, 0, 0, 1100, "mostly now in Dover (Q9): 600"),
    ]


def test_only_what_touches_one_icbs_people() -> None:
    result = _changes("West")  # by name; West's people are X2 only
    assert result.icb_code == W
    assert (result.lsoas_changed, result.people_changed) == (1, 200)
    assert result.icbs["icb_code"].tolist() == [W, M]
    assert _rows(result.flows[["icb_2024_code", "icb_2026_code", "people"]]) == [(W, M, 200)]
    assert result.sub_icbs["change"].tolist() == ["re-parented"]
    assert result.lads["lad_2024_code"].tolist() == ["E06000002"]
    assert result.places["place"].tolist() == ["Brent", "Brent (Q2)"]
    with pytest.raises(KeyError, match="either generation"):
        _changes("Atlantis")


def test_summary_counts() -> None:
    summary = _changes().summary()
    assert {key: summary[key] for key in ("icbs_2024", "icbs_2026", "icbs_merged", "icbs_created",
                                          "icbs_abolished", "lads_split_appeared",
                                          "places_removed")} == {
        "icbs_2024": 4, "icbs_2026": 2, "icbs_merged": 1, "icbs_created": 1, "icbs_abolished": 3,
        "lads_split_appeared": 1, "places_removed": 3}


def test_columns_name_their_vintage() -> None:
    old, new = GENERATIONS["2024"], GENERATIONS["2026"]
    assert vintage_column("lad_new_code", old, new) == "lad_2025_code"
    assert vintage_column("ward_old_name", old, new) == "ward_2022_name"
    assert vintage_column("people_new", old, new) == "people_2026"
    assert vintage_column("detail", old, new) == "detail"


def test_cli_json_and_csv_with_formula_cells_neutralised(tmp_path, capsys) -> None:
    store = generations_store()
    store.layers["icb_2026"].loc[store.layers["icb_2026"]["code"] == M, "name"] = "=HYPERLINK(1)"
    write_store(tmp_path / "store", generations_meta(store), store.spine, store.layers,
                store.map_layers, store.adjacency)
    assert main(["changes", "--store", str(tmp_path / "store"), "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["from"]["label"] == "April 2024" and answer["to"]["id"] == "2026"
    assert answer["summary"]["people_changed_icb"] == 2000
    assert [r["people"] for r in answer["tables"]["flows"]] == [200, 700, 600, 500]
    assert main(["changes", "--store", str(tmp_path / "store"), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    merged = [r for r in rows if r["section"] == "icbs" and r["icb_code"] == M]
    assert merged[0]["icb_2026_name"] == "'=HYPERLINK(1)"
    assert {r["section"] for r in rows} == {"icbs", "flows", "sub_icbs", "lads", "hwbs",
                                            "places"}
    assert main(["changes", "--store", str(tmp_path / "store"), "--from", "2026"]) == 2
    assert "choose two different generations" in capsys.readouterr().err
