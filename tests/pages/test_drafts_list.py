"""The Drafts page on the mirror store with a temp SQLite drafts file: the list, open, download,
compare, draft files (mixed tiers, unknown codes, good) and the database unreachable."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.drafts import make_draft
from services.io.drafts_db import DraftsDB, sqlite_url
from tests.pages.test_drafts_page import GM, TWO_COUNCILS, _button, _open, _run, clicks, database
from ui.keys import Key

pytestmark = pytest.mark.mirror
__all__ = ["clicks", "database"]  # fixtures, used by name
DRAFTS = "pages/drafts.py"


def _two_drafts(path: Path) -> tuple[str, str]:
    """GM's two councils as places, then with one Bolton ward moved to Wigan (child of the
    first)."""
    db = DraftsDB(sqlite_url(path))
    first = db.save(make_draft("place", "2026", TWO_COUNCILS, "Two councils", icb=GM)).saved
    moved = [*TWO_COUNCILS, ("Wigan", "lsoa", "E01004776")]  # an LSOA of Bolton
    second = db.save(make_draft("place", "2026", moved, "One LSOA to Wigan", icb=GM,
                                parent_id=first.id)).saved
    return first.id, second.id


def _upload(app, name: str, data: bytes):
    app.file_uploader[0].set_value((name, data, "text/csv"))
    return _run(app)


def test_the_list_names_each_draft_and_its_parent(database: Path) -> None:
    first, second = _two_drafts(database)
    app = _open({"icb": GM}, DRAFTS)
    table = app.dataframe[0].value
    assert set(table["Id"]) == {first, second}
    row = table.set_index("Id").loc[second]
    assert row["Parent"] == f"Two councils ({first})"
    assert (row["Tier"], row["Vintage"]) == ("place", "April 2026")
    assert row["ICB"].endswith(f"({GM})")


def test_open_sets_the_view_to_the_draft(clicks: Path) -> None:
    first, _ = _two_drafts(clicks)
    app = _open({"icb": "E54000008"}, DRAFTS)  # another ICB
    next(b for b in app.selectbox if b.label == "Draft").set_value(first)
    _run(app)
    _button(app, "Open on the Places page").click()
    app = _run(app)
    view = app.session_state[Key.VIEW]
    assert (view.places, view.icb) == (f"draft:{first}", GM)
    assert "Places here: Bolton, Wigan" in [t.value for t in app.text]


def test_compare_counts_the_people_moved(database: Path) -> None:
    _two_drafts(database)
    app = _open({"icb": GM}, DRAFTS)
    moves = next(frame.value for frame in app.dataframe if "From" in frame.value.columns)
    # Newest second: Bolton's LSOA listed for Wigan too. Until the most-specific rule (branch
    # tiers) makes that a move to Wigan, it is an overlap: in both places.
    assert moves[["From", "Lsoas"]].values.tolist() == [["Bolton", 1]]
    assert moves["To"].iloc[0] in ("Wigan", "Bolton + Wigan")
    people = int(moves["Population"].iloc[0])
    assert any(f"{people:,} people are in another place" in c.value for c in app.caption)


def test_a_file_mixing_tiers_is_refused_row_by_row(database: Path) -> None:
    app = _open({"icb": GM}, DRAFTS)
    app = _upload(app, "mixed.csv", b"# name: mixed\nplace,block_type,code\n"
                  b"Bolton,lad,E08000001\nWest,pcn,U12345\n")
    assert "1 problem(s), nothing saved" in app.error[0].value
    assert "what a place is built from" in app.dataframe[-1].value["problem"].iloc[0]
    assert DraftsDB(sqlite_url(database)).list() == []


def test_unknown_codes_are_named_and_nothing_saved(database: Path) -> None:
    app = _open({"icb": GM}, DRAFTS)
    app = _upload(app, "old.csv", b"# name: old codes\nplace,block_type,code\n"
                  b"Barnsley,lad,E08000016\nNowhere,lad,E09999999\n")
    problems = app.dataframe[-1].value["problem"].tolist()
    assert len(problems) == 2
    assert any("E08000038" in p for p in problems)  # Barnsley's 2026 code is named
    assert DraftsDB(sqlite_url(database)).list() == []


def test_a_good_file_is_saved(clicks: Path) -> None:
    app = _open({"icb": GM}, DRAFTS)
    app = _upload(app, "ok.csv", b"# name: ok\nneighbourhood,block_type,code\n"
                  b"North,lsoa,E01004776\n")
    _button(app, "Save neighbourhood draft 'ok' (1 blocks)").click()
    app = _run(app)
    assert "Saved draft" in app.success[0].value
    assert [d.tier for d in DraftsDB(sqlite_url(clicks)).list()] == ["neighbourhood"]


def test_an_unreachable_database_is_said_with_what_to_do(database: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setenv("PLACEMAP_DATABASE_URL", sqlite_url(tmp_path / "gone" / "x.sqlite3"))
    app = _open({"icb": GM}, DRAFTS)
    message = app.error[0].value
    assert "cannot be reached" in message and "check the folder exists" in message
