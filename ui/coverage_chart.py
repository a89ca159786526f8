"""A Coverage bar chart: one bar per area of the other layer with its people and share written
beside it, and every label whole (Altair, which ships with Streamlit)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from services.coverage import Coverage
from services.coverage_view import bar_rows
from services.measures import MEASURES

BAR_STEP_PX = 26
#: Room to the right of the longest bar for its text, as a share of the largest value.
TEXT_ROOM = 0.45


def show_coverage_chart(cover: Coverage, layer_title: str) -> None:
    rows = bar_rows(cover)
    top = int(rows["population"].max()) if len(rows) else 1
    y = alt.Y("label:N", sort=None, title=layer_title,
              axis=alt.Axis(labelLimit=0, labelFontSize=13))
    x = alt.X("population:Q", title=MEASURES["population"].label,
              scale=alt.Scale(domain=[0, top * (1 + TEXT_ROOM)], nice=False),
              axis=alt.Axis(format=",d"))
    tooltip = [alt.Tooltip("label:N", title=layer_title), alt.Tooltip("code:N", title="Code"),
               alt.Tooltip("population:Q", title="People", format=","),
               alt.Tooltip("share:Q", title=MEASURES["population_share"].label, format=".1%")]
    base = alt.Chart(rows).encode(y=y, x=x, tooltip=tooltip)
    chart = (base.mark_bar(color="#457b9d")
             + base.mark_text(align="left", dx=4, fontSize=13).encode(text="text:N"))
    st.altair_chart(chart.properties(height=alt.Step(BAR_STEP_PX)), width="stretch")
