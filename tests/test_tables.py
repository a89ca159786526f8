"""Dashboard tables and Coverage bars keep areas apart even when their names are the same (wards
often are), and each bar carries its people and share; every measure has its formula."""

from __future__ import annotations

import pandas as pd

from services.coverage import Coverage
from services.coverage_view import bar_rows, distinct_labels
from services.measures import COTERMINOSITY_FIRST, COTERMINOSITY_MORE, MEASURES


def _cover() -> Coverage:
    rows = pd.DataFrame({"b_code": ["E05000003", "E05000002", "E05000001"],
                         "b_name": ["Crompton", "St Mary's", "St Mary's"],
                         "population": [300, 200, 100], "population_share": [0.5, 1 / 3, 1 / 6]})
    return Coverage(a_code="X", population=600, rows=rows, uncovered=0, double_counted=0,
                    population_method="exact")


def test_areas_sharing_a_name_get_their_own_bar_with_people_and_share() -> None:
    bars = bar_rows(_cover())
    assert bars["label"].tolist() == ["Crompton", "St Mary's (E05000002)",
                                      "St Mary's (E05000001)"]
    assert bars["text"].tolist() == ["300 (50.0%)", "200 (33.3%)", "100 (16.7%)"]


def test_an_area_listed_twice_keeps_one_label() -> None:
    names, codes = pd.Series(["Bolton", "Bolton", "Bury"]), pd.Series(["A", "A", "B"])
    assert distinct_labels(names, codes).tolist() == ["Bolton", "Bolton", "Bury"]


def test_every_column_a_table_shows_has_a_label_and_a_formula() -> None:
    shown = set(COTERMINOSITY_FIRST) | set(COTERMINOSITY_MORE)
    assert shown <= set(MEASURES)
    assert all(MEASURES[c].label and MEASURES[c].formula for c in shown)
    assert COTERMINOSITY_FIRST[:2] == ("a_name", "population_class")  # class next to the name
    assert len({MEASURES[c].label for c in MEASURES}) == len(MEASURES)  # no label used twice
