"""ui/styler_values.py: a Styler's display values as Streamlit makes them, byte for byte."""

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal
from streamlit import dataframe_util
from streamlit.proto.ArrowData_pb2 import ArrowData

from ui import styler_values


def _styler():
    """Shares as percentages, people with separators, a class on its colour, a gap (NaN)."""
    frame = pd.DataFrame({"name": ["Bolton", "Wigan"], "share": [0.995, np.nan],
                          "people": [1_234_567, 89], "class": ["coterminous", "straddles"]})
    return frame.style.format({"share": "{:.1%}", "people": "{:,}"}, na_rep="–").map(
        lambda v: "background-color: #d8f3dc" if v == "coterminous" else "", subset=["class"])


def test_display_values_are_streamlits() -> None:
    styler = _styler()
    styler._compute()
    styles = styler._translate(False, False)
    ours = styler_values.display_values(styler.data, styles)
    theirs = styler_values._STREAMLITS(styler.data, styles)
    assert_frame_equal(ours, theirs)
    assert ours["share"].tolist() == ["99.5%", "–"] and ours["people"].tolist() == [
        "1,234,567", "89"]
    assert dataframe_util.convert_pandas_df_to_arrow_bytes(ours) == \
        dataframe_util.convert_pandas_df_to_arrow_bytes(theirs)


def test_streamlit_marshals_with_them() -> None:
    from streamlit.elements.lib import pandas_styler_utils

    styler_values.install()
    assert pandas_styler_utils._use_display_values is styler_values.display_values
    proto = ArrowData()
    pandas_styler_utils.marshall_styler(proto, _styler(), "u")
    assert proto.styler.display_values


def _marshalled(marshall, styler) -> bytes:
    proto = ArrowData()
    marshall(proto, styler, "u")
    return proto.SerializeToString()


def _matrix_styler():
    """A share matrix as the pages style it: a cell over the threshold shaded, a gap (NaN), a
    text column with a missing value, a class with no colour (an empty CSS value)."""
    frame = pd.DataFrame({"A": [0.995, np.nan, 0.2], "B": [0.005, 1.0, 0.0],
                          "who": ["x", None, "z"], "class": ["within", "odd", "within"]})
    return frame.style.format({"A": "{:.1%}", "B": "{:.1%}"}).map(
        lambda v: "background-color: #d8f3dc" if isinstance(v, float) and v >= 0.99 else "",
        subset=["A", "B"]).map(lambda v: f"background-color: {'#fff' if v == 'within' else ''}",
                               subset=["class"])


def test_marshalled_as_streamlit_marshals() -> None:
    """The same message, byte for byte, as Streamlit's own marshalling (uuid, cell styles
    grouped in the same order, display values), for the tables the pages style."""
    for make in (_styler, _matrix_styler):
        ours = _marshalled(styler_values.marshall_styler, make().set_uuid("t"))
        theirs = _marshalled(styler_values._STREAMLITS_MARSHALL, make().set_uuid("t"))
        assert ours == theirs
    proto = ArrowData()
    proto.ParseFromString(_marshalled(styler_values.marshall_styler,
                                      _matrix_styler().set_uuid("t")))
    assert proto.styler.styles.split("\n") == [  # cells of equal styles grouped, row by row
        "#T_t_row0_col0, #T_t_row1_col1 { background-color: #d8f3dc }",
        "#T_t_row0_col3, #T_t_row2_col3 { background-color: #fff }",
        "#T_t_row1_col3 { background-color:  }"]


def test_other_stylers_go_to_streamlit(monkeypatch) -> None:
    """A Styler with hidden columns (or table styles, ...) is marshalled by Streamlit itself."""
    called = []
    monkeypatch.setattr(styler_values, "_STREAMLITS_MARSHALL",
                        lambda proto, styler, uuid: called.append(styler))
    hidden = _styler().hide(["people"], axis="columns")
    styler_values.marshall_styler(ArrowData(), hidden, "u")
    assert called == [hidden]
