"""A shared link reopens exactly the view it was copied from; bad link values are named."""

from __future__ import annotations

from urllib.parse import urlencode

from services.limits import LINK_PARAMS_MAX, LINK_VALUE_MAX_CHARS
from services.text import inert
from services.view_state import ViewState, from_query, read_link
from tests.hostile import CORPUS


def test_view_round_trips_through_the_query_string() -> None:
    view = ViewState(icb="E54000057", subject="hwb", area="E08000001", layers=("place", "ward"),
                     threshold=0.95,
                     sliver=0.01, places="greater_manchester", lat=53.5, lon=-2.3, zoom=11,
                     basemap=False, present=True)
    query = view.to_query()
    assert all(isinstance(value, str) for value in query.values())
    assert from_query(query) == (view, [])


def test_defaults_make_an_empty_query() -> None:
    assert ViewState().to_query() == {}
    assert from_query({}) == (ViewState(), [])


def test_bad_values_fall_back_and_are_reported() -> None:
    view, problems = from_query({"threshold": "2", "zoom": "x", "layers": "lad,rivers",
                                 "colour": "red", "present": "yes", "subject": "river",
                                 "lat": "inf"})
    assert from_query({"zoom": "1e400"})[0] == ViewState()  # too big for an int: named too
    assert view == ViewState()
    assert len(problems) == 7
    assert any("rivers" in problem for problem in problems)
    assert any("colour" in problem for problem in problems)


GM = "icb=E54000057&places=greater_manchester"
GM_VIEW = ViewState(icb="E54000057", places="greater_manchester")
PAGES = ("", "map", "coverage")


def test_a_clean_link_has_no_problems() -> None:
    assert read_link(GM, "coverage", PAGES) == (GM_VIEW, [])
    assert read_link(GM + "&embed=true", "", PAGES) == (GM_VIEW, [])  # Streamlit's own key


def test_repeated_keys_say_which_value_was_used_and_which_ignored() -> None:
    view, problems = read_link("icb=E54000050&icb=E54000054&" + GM, "", PAGES)
    assert view == GM_VIEW
    assert problems == ["` icb ` was given 3 times: the last, ` E54000057 `, was used and "
                        "` E54000050 `, ` E54000054 ` ignored"]


def test_parameters_beyond_the_limit_are_counted_and_named() -> None:
    """1,001 parameters: Streamlit drops such a query whole (the ICB lost); here the first
    LINK_PARAMS_MAX are read and the rest named."""
    junk = "&".join(f"k{i}=1" for i in range(1001 - 2))
    view, problems = read_link(f"{GM}&{junk}", "", PAGES)
    assert view == GM_VIEW
    extra = 1001 - LINK_PARAMS_MAX
    assert problems[0] == (
        f"a link holds at most {LINK_PARAMS_MAX} parameters: the {extra:,} after them were "
        f"ignored ({', '.join(f'` k{i} `' for i in range(48, 58))} and {extra - 10:,} more)")
    assert problems[1].startswith(f"ignored {LINK_PARAMS_MAX - 2} unknown setting(s): ` k0 `")
    assert len(problems) == 2


def test_a_value_longer_than_the_limit_is_ignored_before_it_is_decoded() -> None:
    for value in ("a" * (LINK_VALUE_MAX_CHARS + 1), "%41" * 100_000):  # 100 KB
        view, problems = read_link(f"{GM}&area={value}", "", PAGES)
        assert view == GM_VIEW
        assert problems == [f"the value of ` area ` is longer than {LINK_VALUE_MAX_CHARS:,} "
                            "characters and was ignored"]
    assert read_link(f"area={'a' * LINK_VALUE_MAX_CHARS}")[0].area == "a" * LINK_VALUE_MAX_CHARS


def test_an_unknown_page_is_named() -> None:
    view, problems = read_link(GM, "admin", PAGES)
    assert view == GM_VIEW
    assert problems == ["page ` admin ` does not exist; showing the Map page"]


def test_unknown_keys_are_named_in_one_problem_and_their_values_never_read() -> None:
    view, problems = read_link(f"{GM}&colour=red&[x](http://phish.example)=1&colour=blue")
    assert view == GM_VIEW
    assert problems == ["ignored 2 unknown setting(s): ` colour `, "
                        "` [x](http://phish.example) `"]


def test_hostile_link_values_are_inert_in_problems() -> None:
    for hostile in CORPUS:
        _, problems = read_link(urlencode({"subject": hostile, hostile: "1"}), hostile, PAGES)
        assert problems == [f"page {inert(hostile)} does not exist; showing the Map page",
                            f"ignored 1 unknown setting(s): {inert(hostile, 60)}",
                            f"link setting subject={inert(hostile)} ignored: "
                            f"{inert('unknown layer ' + hostile)}"]


def test_highlighted_areas_round_trip_whatever_a_place_is_called() -> None:
    names = ("place:Bournemouth, Christchurch & Poole", "place:100%2C off", "place:a%b,c",
             "icb:E54000057", *(f"place:{hostile}" for hostile in CORPUS))
    view = ViewState(area="E54000057", highlight=names)
    query = urlencode(view.to_query())
    assert read_link(query)[0] == view


def test_a_highlight_of_an_unknown_layer_is_reported_and_dropped() -> None:
    view, problems = from_query({"highlight": "icb:E54000057,rivers:Thames"})
    assert view.highlight == () and "rivers:Thames" in problems[0]
