"""ICB drafts on the dashboard (issue 11, point 3), on the mirror store with a SQLite drafts file
in a temp dir: a link ``icbs=draft:<id>`` runs every page over the drafted ICBs (the sidebar says
so, the flags add the ICB tier's rules), the Drafts page opens one, and the April 2026 ICBs open
in one click as a draft over April 2024; bad input (another vintage, another tier, unknown ids
and codes) is said and the published ICBs shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services.drafts import make_draft
from services.flags import RULE_BY_ID, RULES
from services.icb_drafts import generation_icb_rows
from services.io.drafts_db import DraftsDB, sqlite_url
from services.io.store import Store
from tests.pages import test_drafts_page as drafts_page
from tests.pages.test_drafts_page import TWO_COUNCILS, _button, _link_problems, _open, _run
from ui.keys import Key

pytestmark = pytest.mark.mirror
NOTICE = "ICBs: draft"
database, clicks = drafts_page.database, drafts_page.clicks  # the drafts pages' fixtures


@pytest.fixture
def april_2026(database: Path, loaded_store: Store) -> str:
    """The April 2026 ICBs saved as a draft over April 2024; its id."""
    rows = generation_icb_rows(loaded_store, "2026", "2024")
    draft = make_draft("icb", "2024", rows, "April 2026 over 2024")
    return DraftsDB(sqlite_url(database)).save(draft).saved.id


def _notice(app: AppTest) -> str:
    return "\n".join(i.value for i in app.sidebar.info if NOTICE in i.value)


def _icb_options(app: AppTest) -> list[str]:
    return list(next(s for s in app.sidebar.selectbox if s.label == "ICB").options)


def test_a_link_to_an_icb_draft_runs_the_pages_over_the_drafted_icbs(
        april_2026: str, loaded_store: Store) -> None:
    app = _open({"vintage": "2024", "icbs": f"draft:{april_2026}"}, "pages/map.py")
    assert not _link_problems(app)
    assert (app.session_state[Key.VIEW].icbs, app.session_state[Key.VIEW].vintage) == (
        f"draft:{april_2026}", "2024")
    assert "April 2026 over 2024" in _notice(app) and april_2026 in _notice(app)
    names = set(loaded_store.generation("2026").layer("icb")["name"])
    assert len(_icb_options(app)) == 36 and set(_icb_options(app)) <= names | set(
        loaded_store.generation("2026").layer("icb")["code"])
    assert app.session_state[Key.VIEW].to_query()["icbs"] == f"draft:{april_2026}"


def test_the_flags_over_an_icb_draft_add_the_icb_tier_rules(
        april_2026: str, loaded_store: Store) -> None:
    icbs = loaded_store.generation("2026").layer("icb")
    thames_valley = str(icbs[icbs["name"].str.contains("Thames Valley")]["code"].iloc[0])
    app = _open({"vintage": "2024", "icbs": f"draft:{april_2026}", "icb": thames_valley},
                "pages/flags.py")
    shown = app.dataframe[0].value
    frimley = shown[shown["title"] == RULE_BY_ID["sub_icb_split_across_icbs"].title]
    assert len(frimley) == 1 and "Frimley" in frimley["name"].iloc[0]


def test_the_way_back_is_offered_and_another_generation_drops_the_draft(
        database: Path, april_2026: str) -> None:
    app = _open({"vintage": "2024", "icbs": f"draft:{april_2026}"}, "pages/map.py")
    assert "Back to the published ICBs" in [b.label for b in app.sidebar.button]
    next(b for b in app.sidebar.selectbox if b.label == "Boundaries as at").set_value("2026")
    app = _run(app)
    assert app.session_state[Key.VIEW].icbs == "" and not _notice(app)
    assert len(_icb_options(app)) == 36


def test_an_icb_draft_of_another_vintage_switches_the_boundaries(april_2026: str) -> None:
    app = _open({"vintage": "2026", "icbs": f"draft:{april_2026}"}, "pages/map.py")
    assert "switched to them" in _link_problems(app)
    assert app.session_state[Key.VIEW].vintage == "2024" and _notice(app)


def test_a_place_draft_as_icbs_is_refused_saying_where_it_opens(database: Path) -> None:
    saved = DraftsDB(sqlite_url(database)).save(
        make_draft("place", "2026", TWO_COUNCILS, "Two councils")).saved
    app = _open({"icbs": f"draft:{saved.id}"}, "pages/map.py")
    problems = _link_problems(app)
    assert "is a place draft, not an ICB draft" in problems and "published ICBs" in problems
    assert app.session_state[Key.VIEW].icbs == "" and not _notice(app)


def test_an_unknown_icb_draft_or_unknown_codes_are_named(database: Path) -> None:
    app = _open({"icbs": "draft:0123456789abcdef"}, "pages/map.py")
    assert "has no draft 0123456789abcdef" in _link_problems(app)
    bad = DraftsDB(sqlite_url(database)).save(make_draft(
        "icb", "2026", [("New ICB", "lad", "E09999999")], "Bad codes")).saved
    app = _open({"icbs": f"draft:{bad.id}"}, "pages/map.py")
    assert "E09999999" in _link_problems(app) and app.session_state[Key.VIEW].icbs == ""


def test_the_drafts_page_opens_april_2026_over_2024_in_one_click(clicks: Path) -> None:
    database = clicks
    app = _open({}, "pages/drafts.py")
    _button(app, "Open April 2026 as a draft over April 2024").click()
    app.run()
    view = app.session_state[Key.VIEW]
    assert view.vintage == "2024" and view.icbs.startswith("draft:")
    assert [s.tier for s in DraftsDB(sqlite_url(database)).list()] == ["icb"]


@pytest.fixture
def bolton_hoods(database: Path, loaded_store: Store) -> str:
    """Two neighbourhoods of Bolton's wards (2026): one ward (below the band) and five (above);
    the rest of Greater Manchester's people are in no neighbourhood. Its id."""
    spine = loaded_store.generation("2026").spine
    wards = sorted(spine.loc[spine["lad_code"] == "E08000001", "ward_code"].unique())
    rows = [("Bolton A" if i < 1 else "Bolton B", "ward", code)
            for i, code in enumerate(wards[:6])]
    return DraftsDB(sqlite_url(database)).save(
        make_draft("neighbourhood", "2026", rows, "Bolton neighbourhoods")).saved.id


def _flag_rules(app: AppTest) -> set[str]:
    """The rule ids of the Flags table (it shows each rule's title)."""
    ids = {rule.title: rule.id for rule in RULES}
    return {ids[title] for title in app.dataframe[0].value["title"]}


def test_a_neighbourhood_draft_adds_its_flags_with_the_band_adjustable(
        bolton_hoods: str) -> None:
    app = _open({"icb": "E54000057", "places": "greater_manchester",
                 "neighbourhoods": f"draft:{bolton_hoods}"}, "pages/flags.py")
    assert any("neighbourhood ⊂ place ⊂ ICB" in c.value for c in app.caption)
    assert {"neighbourhoods_leave_gap", "neighbourhood_outside_band"} <= _flag_rules(app)
    next(n for n in app.number_input if n.label == "Band: fewest people").set_value(0)
    app = _run(app)
    next(n for n in app.number_input if n.label == "Band: most people").set_value(1_000_000)
    app = _run(app)
    assert "neighbourhood_outside_band" not in _flag_rules(app)
    assert (app.session_state[Key.VIEW].band_low, app.session_state[Key.VIEW].band_high) == (
        0, 1_000_000)


def test_a_neighbourhood_draft_of_another_vintage_is_said(bolton_hoods: str) -> None:
    app = _open({"vintage": "2024", "neighbourhoods": f"draft:{bolton_hoods}"},
                "pages/flags.py")
    said = "\n".join(w.value for w in app.warning)
    assert "cannot be used" in said and "April 2026" in said
    assert not {"neighbourhoods_leave_gap", "neighbourhood_outside_band"} & _flag_rules(app)
