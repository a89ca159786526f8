"""Drafts on the dashboard (issue 11, point 4), on the mirror store with a SQLite drafts file in a
temp dir: Save draft on the Places page, links naming drafts (good, malformed, unknown, of
another vintage), the Drafts page (list, open, compare, download, draft files with mixed tiers
or unknown codes) and the database gone mid-session: said, kept, saved once it is back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services.drafts import make_draft
from services.io.drafts_db import DraftsDB, sqlite_url
from tests.pages.links import shown_link
from tests.postgres_server import start_cluster
from ui import context, map_widget
from ui.keys import Key

pytestmark = pytest.mark.mirror
ROOT = Path(__file__).resolve().parents[2]
GM = "E54000057"
GM_LINK = {"icb": GM, "places": "greater_manchester"}
TWO_COUNCILS = [("Bolton", "lad", "E08000001"), ("Wigan", "lad", "E08000010")]


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, store_dir: Path, tmp_path: Path) -> Path:
    """The mirror store, a drafts file of this test, map widgets stubbed."""
    monkeypatch.setenv("PLACEMAP_STORE", str(store_dir))
    path = tmp_path / "drafts" / "placemap.sqlite3"
    path.parent.mkdir()
    monkeypatch.setenv("PLACEMAP_DATABASE_URL", sqlite_url(path))
    monkeypatch.setattr(map_widget, "st_folium", lambda fmap, **kwargs: None)
    monkeypatch.setattr(map_widget, "send_map", lambda rendered, height, **position: None)
    return path


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch, database: Path) -> Path:
    """For tests that click: ``_inside_the_frame`` reruns every AppTest run (AppTest turns
    Streamlit's pages-folder mode on each time), which drops the click; without it AppTest
    also drops what the frame shows before the page (the link problems), so link tests keep
    it. The real frame is exercised by the browser tests."""
    monkeypatch.setattr(context, "_inside_the_frame", lambda: None)
    return database


def _open(link: dict[str, str], page: str = "pages/places.py") -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in link.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(page)
    return _run(app)


def _run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def _save(app: AppTest, name: str = "GM option B", author: str = "JS") -> AppTest:
    next(t for t in app.text_input if t.label == "Draft name").set_value(name)
    next(t for t in app.text_input if t.label == "Author label").set_value(author)
    _button(app, "Save draft").click()
    return _run(app)


def _link_problems(app: AppTest) -> str:
    return "\n".join(w.value for w in app.warning if "The link was not used" in w.value)


def test_save_shows_the_id_and_a_link_that_holds_it(clicks: Path) -> None:
    app = _save(_open(GM_LINK))
    saved = DraftsDB(sqlite_url(clicks)).list()
    assert len(saved) == 1
    draft = saved[0]
    assert (draft.tier, draft.vintage, draft.icb, draft.name, draft.author) == (
        "place", "2026", GM, "GM option B", "JS")
    assert f"Saved draft {draft.id}" in app.success[0].value
    assert f"draft={draft.id}" in shown_link(app, "Link to it")
    assert app.session_state[Key.VIEW].places == f"draft:{draft.id}"
    assert "Saved draft: GM option B" in app.caption[0].value
    # Saved again unchanged: the same id, one row; edited from it, the parent is the draft.
    app = _save(app, "GM option B again")
    assert f"saved before, as {draft.id}" in app.success[0].value
    assert len(DraftsDB(sqlite_url(clicks)).list()) == 1


def test_a_link_to_a_draft_opens_exactly_that_draft(database: Path) -> None:
    saved = DraftsDB(sqlite_url(database)).save(
        make_draft("place", "2026", TWO_COUNCILS, "Two councils", icb=GM)).saved
    app = _open({"draft": saved.id})
    assert not _link_problems(app)
    view = app.session_state[Key.VIEW]
    assert (view.places, view.icb, view.vintage) == (f"draft:{saved.id}", GM, "2026")
    assert "Places here: Bolton, Wigan" in [t.value for t in app.text]


def test_a_malformed_draft_id_says_what_an_id_looks_like(database: Path) -> None:
    app = _open({"icb": GM, "draft": "not-an-id"})
    assert "16 hex digits" in _link_problems(app)
    assert app.session_state[Key.VIEW].places == "hwb_within_icb"


def test_a_draft_this_database_lacks_is_named(database: Path) -> None:
    app = _open({"icb": GM, "draft": "0123456789abcdef"})
    problems = _link_problems(app)
    assert "has no draft 0123456789abcdef" in problems and "another drafts database" in problems
    assert app.session_state[Key.VIEW].places == "hwb_within_icb"


def test_a_draft_of_another_vintage_switches_the_boundaries_and_says_so(database: Path) -> None:
    saved = DraftsDB(sqlite_url(database)).save(
        make_draft("place", "2024", TWO_COUNCILS, "Old GM", icb="E54000057")).saved
    app = _open({"draft": saved.id, "vintage": "2026"})
    assert "switched to them" in _link_problems(app) and "April 2024" in _link_problems(app)
    view = app.session_state[Key.VIEW]
    assert (view.vintage, view.places) == ("2024", f"draft:{saved.id}")
    # Switching the boundaries back refuses the draft, naming the generation to choose.
    next(b for b in app.sidebar.selectbox if b.label == "Boundaries as at").set_value("2026")
    app = _run(app)
    assert any("choose April 2024 under Boundaries as at" in w.value for w in app.warning)


def test_database_gone_mid_session_keeps_the_draft_and_saves_it_when_back(
        clicks: Path) -> None:
    database = clicks
    app = _open(GM_LINK)
    shutil.rmtree(database.parent)  # the drafts folder goes away: SQLite cannot open the file
    app = _save(app)
    waiting = "\n".join(w.value for w in app.warning)
    assert "not saved yet" in waiting and "unreachable" in waiting and "Retry" in waiting
    draft_id = app.session_state[Key.VIEW].places.removeprefix("draft:")
    assert "Places here: Bolton" in app.text[0].value  # the session uses the waiting draft
    database.parent.mkdir()  # back
    _button(app, "Retry saving").click()
    app = _run(app)
    assert [d.id for d in DraftsDB(sqlite_url(database)).list()] == [draft_id]
    assert not any("not saved yet" in w.value for w in app.warning)



def test_postgresql_stopped_mid_session_and_started_again(clicks: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = start_cluster()
    try:
        monkeypatch.setenv("PLACEMAP_DATABASE_URL", cluster.url)
        app = _open(GM_LINK)
        cluster.stop()
        app = _save(app)
        assert any("not saved yet" in w.value and "PostgreSQL" in w.value for w in app.warning)
        draft_id = app.session_state[Key.VIEW].places.removeprefix("draft:")
        cluster.start()
        _button(app, "Retry saving").click()
        app = _run(app)
        assert [d.id for d in DraftsDB(cluster.url).list()] == [draft_id]
        assert not any("not saved yet" in w.value for w in app.warning)
    finally:
        cluster.remove()
