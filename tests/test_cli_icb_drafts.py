"""``placemap flags --england --icbs`` / ``report --icbs`` / ``drafts from-generation`` on the
six hand-made squares written as a store (tests/squares_generations.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placemap_cli import main
from services.io.drafts_db import DATABASE_URL_ENV, sqlite_url
from services.io.store import write_store
from tests.squares_generations import generations_meta, generations_store
from tests.test_icb_drafts import M, N, with_wards


@pytest.fixture()
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(DATABASE_URL_ENV, sqlite_url(tmp_path / "drafts.sqlite3"))
    store = with_wards(generations_store())
    write_store(tmp_path / "store", generations_meta(store), store.spine, store.layers,
                store.map_layers, store.adjacency)
    return tmp_path / "store"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_the_2026_icbs_as_a_draft_over_2024_from_a_file_and_saved(store_dir, tmp_path,
                                                                  capsys) -> None:
    status, text, _ = run(capsys, "drafts", "from-generation", "2026", "--vintage", "2024",
                          "--store", str(store_dir))
    assert status == 0
    assert text.splitlines() == ["# name: ICBs of April 2026 over April 2024", "# vintage: 2024",
                                 "icb,block_type,code", f"{N},lsoa,X5", f"{M},lsoa,X6",
                                 f"{M},sub_icb,E38000002", f"{M},sub_icb,E38000003"]
    file = tmp_path / "april2026.csv"
    file.write_text(text)
    status, out, _ = run(capsys, "flags", "--england", "--vintage", "2024", "--icbs", str(file),
                         "--store", str(store_dir), "--format", "json")
    report = json.loads(out)
    splits = [f["code"] for f in report["flags"] if f["rule"] == "hwb_split_across_icbs"]
    assert (status, splits) == (0, ["E08000016"])
    draft = report["icb_draft"]
    assert [(r["icb_code"], r["status"]) for r in draft["icbs"]] == [
        (N, "redrawn"), ("E54000002", "abolished"), ("E54000003", "abolished"),
        ("E54000004", "abolished"), (M, "new")]
    assert [f["rule"] for f in draft["flags"]] == ["lad_split_across_icbs",
                                                   "sub_icb_split_across_icbs"]
    saved_id = run(capsys, "drafts", "save", str(file))[1].splitlines()[-1]
    assert saved_id == draft["id"]  # the file and its saved copy are one draft
    status, out, _ = run(capsys, "report", "--icb", M, "--vintage", "2024", "--icbs",
                         f"draft:{saved_id}", "--store", str(store_dir), "--format", "csv")
    assert status == 0 and "icb_draft:new,E54000009,E54000009,,,1500," in out
    status, out, _ = run(capsys, "flags", "--england", "--vintage", "2024", "--icbs",
                         f"draft:{saved_id}", "--store", str(store_dir))
    assert status == 0 and "ICB tier flags (2)" in out


def test_a_place_file_a_draft_of_another_vintage_and_bad_codes_are_refused(
        store_dir, tmp_path, capsys) -> None:
    place = tmp_path / "place.csv"
    place.write_text("place,block_type,code\nDover,lad,E08000016\n")
    other = tmp_path / "other.csv"
    other.write_text("# vintage: 2026\nicb,block_type,code\nNorth,lad,E08000038\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("icb,block_type,code\nNorth,lad,E08000038\n")
    for file, message in ((place, "is a place draft"), (other, "give --vintage 2026"),
                          (bad, "E08000038 (Dover) is a 2025 code")):
        status, _, err = run(capsys, "flags", "--england", "--vintage", "2024", "--icbs",
                             str(file), "--store", str(store_dir))
        assert status == 2 and message in err, err
