"""A saved draft in a link: written ``draft=<id>``, read from ``draft=`` or ``places=draft:``; a
malformed id is named with what a draft id looks like, and the default configuration is used."""

from __future__ import annotations

from services.view_state import ViewState, read_link

DRAFT = "0123456789abcdef"


def test_a_draft_view_is_written_as_draft_and_read_back() -> None:
    view = ViewState(icb="E54000057", places=f"draft:{DRAFT}")
    assert view.to_query() == {"icb": "E54000057", "draft": DRAFT}
    assert read_link(f"icb=E54000057&draft={DRAFT}") == (view, [])


def test_places_draft_is_the_same_link() -> None:
    assert read_link(f"places=draft:{DRAFT.upper()}")[0].places == f"draft:{DRAFT}"


def test_a_malformed_draft_id_says_what_an_id_looks_like() -> None:
    for query in ("draft=12345", "places=draft:not-an-id"):
        view, problems = read_link(query)
        assert view.places == ViewState().places
        assert len(problems) == 1 and "16 hex digits" in problems[0], problems


def test_a_draft_and_places_together_use_the_draft_and_say_so() -> None:
    view, problems = read_link(f"places=greater_manchester&draft={DRAFT}")
    assert view.places == f"draft:{DRAFT}"
    assert len(problems) == 1 and "the draft was used" in problems[0]
