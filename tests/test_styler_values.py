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
