"""services/coterminosity.py: the share matrix and the class summary, against the pandas
pivot and group-by they replace (worked by hand on three areas)."""

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from services.coterminosity import AREA_CLASSES, layer_summary, share_matrix


def _pairs() -> pd.DataFrame:
    """Place Bolton wholly in council X; Wigan half in X, half in Y; an empty place's pair has
    no share (NaN: nobody lives there)."""
    return pd.DataFrame({"a_label": ["Wigan", "Bolton", "Wigan", "Empty"],
                         "b_label": ["Y", "X", "X", "Y"],
                         "population_share_of_a": [0.5, 1.0, 0.5, np.nan]})


def test_matrix_as_the_pivot_gives_it() -> None:
    pairs = _pairs()
    matrix = share_matrix(pairs["a_label"], pairs["b_label"],
                          pairs["population_share_of_a"].to_numpy())
    assert matrix.to_dict(orient="index") == {"Bolton": {"X": 1.0, "Y": 0.0},
                                              "Empty": {"X": 0.0, "Y": 0.0},
                                              "Wigan": {"X": 0.5, "Y": 0.5}}
    assert_frame_equal(matrix, pairs.pivot_table(
        index="a_label", columns="b_label", values="population_share_of_a", aggfunc="sum",
        fill_value=0.0), check_exact=True)


def test_summary_counts_areas_and_people_by_class() -> None:
    rows = pd.DataFrame({"population_class": ["within", "coterminous", "within", "none"],
                         "population": [100, 300, 50, 0]})
    summary = layer_summary(rows).set_index("class")
    assert list(summary.index) == list(AREA_CLASSES)
    assert summary["areas"].tolist() == [1, 2, 0, 0, 1]
    assert summary["population"].tolist() == [300, 150, 0, 0, 0]
    assert summary["population_share"].tolist() == [300 / 450, 150 / 450, 0.0, 0.0, 0.0]
    assert summary["population"].dtype == summary["areas"].dtype == np.int64
