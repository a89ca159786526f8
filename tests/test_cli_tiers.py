"""``placemap report --neighbourhoods`` and ``draft:ID`` wherever a configuration is taken, on
the four squares of tests/squares.py written as a store folder (answers as in
tests/test_tiers.py: N2 = PCN Q crosses from place B into A, X2 is in no neighbourhood)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers import LATEST, get_generation
from placemap_cli import main
from services.io.drafts_db import DATABASE_URL_ENV, sqlite_url
from services.io.store import write_store
from tests.squares import squares_store

PEOPLE = {"X1": 450, "X3": 450, "X2": 100, "X4": 900}
PCNS = {"X1": "P", "X2": "P", "X3": "Q", "X4": "Q"}
PLACES = "place,block_type,code\nA,lad,L\nB,lad,R\n"
HOODS = "neighbourhood,block_type,code\nN1,ward,W1\nN1,ward,W3\nN2,pcn,Q\n"


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The squares as a store of the latest generation, and a drafts database beside it."""
    monkeypatch.setenv(DATABASE_URL_ENV, sqlite_url(tmp_path / "drafts.sqlite3"))
    view = squares_store(PEOPLE, pcn_of=PCNS)
    keys = {layer.id: layer.key for layer in get_generation(LATEST).stored_layers()
            if layer.id in view.layers}
    spine = view.spine.rename(columns={f"{layer_id}_code": f"{key}_code"
                                       for layer_id, key in keys.items() if layer_id != "lsoa"})
    layers = {keys[layer_id]: frame for layer_id, frame in view.layers.items()}
    meta = {"built_at": "2026-12-01T00:00:00Z", "build_seconds": 0.1, "sources": {},
            "generations": {LATEST: {}},
            "layer_info": {key: {"vintage": key.rsplit("_", 1)[-1], "repaired_geometries": 0}
                           for key in layers}}
    write_store(tmp_path / "store", meta, spine, layers,
                {key: frame[["code", "geometry"]].to_crs(4326) for key, frame in layers.items()},
                view.adjacency)
    for name, text in (("places.csv", PLACES), ("hoods.csv", HOODS)):
        (tmp_path / name).write_text(text)
    return tmp_path


def _report(capsys, folder: Path, *options: str) -> tuple[int, str, str]:
    status = main(["report", "--icb", "I", "--store", str(folder / "store"), *options])
    out, err = capsys.readouterr()
    return status, out, err


def _save(capsys, folder: Path, text: str, vintage: str = LATEST) -> str:
    (folder / "draft.csv").write_text(text)
    assert main(["drafts", "save", str(folder / "draft.csv"), "--name", "d",
                 "--vintage", vintage]) == 0
    return capsys.readouterr().out.splitlines()[-1]


def test_report_with_neighbourhoods_json(store: Path, capsys) -> None:
    status, out, _ = _report(capsys, store, "--places", str(store / "places.csv"),
                             "--neighbourhoods", str(store / "hoods.csv"), "--band", "500",
                             "1000", "--format", "json")
    assert status == 0
    report = json.loads(out)
    hoods = report["neighbourhoods"]
    assert hoods["band"] == [500, 1000]
    assert [(a["code"], a["population"], a["place"]) for a in hoods["areas"]] == [
        ("N1", 900, "A"), ("N2", 1350, "B")]
    assert [(c["place"], c["uncovered"], c["double_counted"])
            for c in hoods["coverage_by_place"]] == [("A", 0, 450), ("B", 100, 0)]
    rules = {(f["rule"], f["code"]) for f in report["flags"]}
    assert {("neighbourhood_crosses_place", "N2"), ("neighbourhood_crosses_lad", "N2"),
            ("neighbourhoods_overlap", "A"), ("neighbourhoods_leave_gap", "B"),
            ("neighbourhood_outside_band", "N2")} <= rules
    assert ("neighbourhood_outside_band", "N1") not in rules


def test_drafts_are_taken_wherever_a_file_is(store: Path, capsys) -> None:
    places, hoods = _save(capsys, store, PLACES), _save(capsys, store, HOODS)
    by_file = _report(capsys, store, "--places", str(store / "places.csv"), "--neighbourhoods",
                      str(store / "hoods.csv"), "--format", "json")[1]
    status, by_draft, _ = _report(capsys, store, "--places", f"draft:{places}",
                                  "--neighbourhoods", f"draft:{hoods}", "--format", "json")
    assert status == 0
    strip = ("generation", "places")  # the source and name say where it came from
    assert ({k: v for k, v in json.loads(by_draft).items() if k not in strip}
            | {"neighbourhoods": None}) == ({k: v for k, v in json.loads(by_file).items()
                                             if k not in strip} | {"neighbourhoods": None})
    status, table, _ = _report(capsys, store, "--places", f"draft:{places}",
                               "--neighbourhoods", f"draft:{hoods}")
    assert status == 0 and "Neighbourhoods: d" in table and "B: 1,000 people; 100 in no" in table


@pytest.mark.parametrize(("which", "expected"), [
    ("other vintage", "open it with vintage 2024"),
    ("other tier", "is a place draft, not a neighbourhood draft"),
    ("malformed", "is not a draft id"),
    ("unknown", "0123456789abcdef"),
])
def test_bad_drafts_get_a_clear_message(store: Path, capsys, which: str, expected: str) -> None:
    ref = {"other vintage": lambda: "draft:" + _save(capsys, store, HOODS, "2024"),
           "other tier": lambda: "draft:" + _save(capsys, store, PLACES),
           "malformed": lambda: "draft:xyz", "unknown": lambda: "draft:0123456789abcdef"}[which]()
    status, _, err = _report(capsys, store, "--places", str(store / "places.csv"),
                             "--neighbourhoods", ref)
    assert status == 2 and expected in err
