"""A shared link reopens exactly the view it was copied from; bad link values are named."""

from __future__ import annotations

from services.view_state import ViewState, from_query


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
