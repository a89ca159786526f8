"""``placemap drafts save|list|show`` against a SQLite file in a temp dir (the database code is
the same on PostgreSQL: tests/test_drafts_db.py runs it on both)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placemap_cli import main
from services.io.drafts_db import DATABASE_URL_ENV, sqlite_url

GM = ("# name: GM\n# vintage: 2024\nplace,block_type,code\n"
      "Wigan,lad,E08000010\nBolton,lad,E08000001\n")


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "drafts.sqlite3"
    monkeypatch.setenv(DATABASE_URL_ENV, sqlite_url(path))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_save_prints_the_id_last_and_show_csv_saves_back_to_it(tmp_path: Path, capsys) -> None:
    file = tmp_path / "gm.csv"
    file.write_text(GM)
    status, out, _ = run(capsys, "drafts", "save", str(file), "--author", "JS")
    draft_id = out.splitlines()[-1]
    assert status == 0 and len(draft_id) == 16
    assert "saved place draft 'GM' (2 blocks, vintage 2024)" in out
    status, shown, _ = run(capsys, "drafts", "show", draft_id, "--format", "csv")
    assert shown.splitlines()[-3:] == ["place,block_type,code", "Bolton,lad,E08000001",
                                       "Wigan,lad,E08000010"]
    again = tmp_path / "shown.csv"
    again.write_text(shown)
    status, out, _ = run(capsys, "drafts", "save", str(again))
    assert out.splitlines()[-1] == draft_id and "already saved" in out


def test_list_and_show_json(tmp_path: Path, capsys) -> None:
    file = tmp_path / "icb.csv"
    file.write_text("icb,block_type,code\nNew ICB,sub_icb,E38000016\n")
    status, out, err = run(capsys, "drafts", "save", str(file), "--name", "Merger",
                           "--vintage", "2024", "--icb", "E54000057")
    draft_id = out.splitlines()[-1]
    assert (status, err) == (0, "")
    listed = json.loads(run(capsys, "drafts", "list", "--format", "json")[1])
    assert [(d["id"], d["name"], d["tier"], d["icb"]) for d in listed] == [
        (draft_id, "Merger", "icb", "E54000057")]
    shown = json.loads(run(capsys, "drafts", "show", f"draft:{draft_id}", "--format", "json")[1])
    assert shown["blocks"] == [{"icb": "New ICB", "block_type": "sub_icb", "code": "E38000016"}]
    assert "Merger" in run(capsys, "drafts", "list")[1]


def test_unstated_vintage_is_said(tmp_path: Path, capsys) -> None:
    file = tmp_path / "p.csv"
    file.write_text("place,block_type,code\nBolton,lad,E08000001\n")
    status, _, err = run(capsys, "drafts", "save", str(file), "--name", "B")
    assert status == 0 and "states no '# vintage:'; saved as 2026" in err


def test_bad_ids_and_an_unreachable_database_fail_with_a_message(capsys) -> None:
    status, _, err = run(capsys, "drafts", "show", "xyz")
    assert status == 2 and "'xyz' is not a draft id" in err
    status, _, err = run(capsys, "drafts", "show", "0123456789abcdef")
    assert status == 2 and "SQLite drafts file" in err and "has no draft 0123456789abcdef" in err
    with pytest.raises(SystemExit) as exit_:
        main(["drafts", "list", "--database", "postgresql://u:pw@127.0.0.1:1/x"])
    assert exit_.value.code == 3
    assert "is unreachable" in capsys.readouterr().err
