"""Bar charts drawn as ``st.bar_chart`` draws them, with the chart's Vega-Lite spec built once
per server for each content instead of on every run of every session: building it (an Altair
chart, validated against the Vega-Lite JSON schema) takes 25–80 ms of CPU per chart, and the
Coverage page shows four (yappi under 20 sessions). The spec is shared read-only: Streamlit
copies it before changing it, and its data are already Arrow bytes."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.elements.lib.built_in_chart_utils import ChartType, generate_chart
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec


def horizontal_bars(bars: pd.Series, height: int) -> None:
    """``st.bar_chart(bars, horizontal=True, height=height)``, the spec made once."""
    st.vega_lite_chart(spec=_bars_spec(bars, height), width="stretch", height=height)


@st.cache_resource(show_spinner=False, max_entries=1024)
def _bars_spec(bars: pd.Series, height: int) -> dict:
    chart = generate_chart(chart_type=ChartType.HORIZONTAL_BAR, data=bars, x_from_user=None,
                           y_from_user=None, x_axis_label=None, y_axis_label=None,
                           color_from_user=None, size_from_user=None, width="stretch",
                           height=height, stack=None, sort_from_user=True)
    return _convert_altair_to_vega_lite_spec(chart)
