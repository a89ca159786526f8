"""A Coverage bar chart: one bar per area of the other layer with its people and share written
beside it, and every label whole. A Vega-Lite spec written out (what an Altair chart of bars and
text compiles to), so no page run pays for Altair building and validating it (~40 ms a chart)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.coverage import Coverage
from services.coverage_view import bar_rows
from services.measures import MEASURES
from ui.derived import derived
from ui.shared_styles import shared_frame

BAR_STEP_PX = 26
#: Room to the right of the longest bar for its text, as a share of the largest value.
TEXT_ROOM = 0.45
BAR_COLOUR = "#457b9d"


def chart_spec(layer_title: str, top: int) -> dict:
    """Bars of ``population`` by ``label`` (in the data's order), each with its ``text``."""
    y = {"field": "label", "type": "nominal", "sort": None, "title": None,  # the subheader's
         "axis": {"labelLimit": 0, "labelFontSize": 13}}
    x = {"field": "population", "type": "quantitative", "title": MEASURES["population"].label,
         "scale": {"domain": [0, top * (1 + TEXT_ROOM)], "nice": False},
         "axis": {"format": ",d"}}
    tooltip = [{"field": "label", "type": "nominal", "title": layer_title},
               {"field": "code", "type": "nominal", "title": "Code"},
               {"field": "population", "type": "quantitative", "title": "People",
                "format": ","},
               {"field": "share", "type": "quantitative",
                "title": MEASURES["population_share"].label, "format": ".1%"}]
    encoding = {"y": y, "x": x, "tooltip": tooltip}
    return {"height": {"step": BAR_STEP_PX}, "layer": [
        {"mark": {"type": "bar", "color": BAR_COLOUR}, "encoding": encoding},
        {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 13},
         "encoding": {**encoding, "text": {"field": "text", "type": "nominal"}}}]}


def show_coverage_chart(cover: Coverage, layer_title: str) -> None:
    """``cover``: shared (ui/tables.py), so its bars are made and converted once per server."""
    rows = derived(cover, _shared_bars)
    top = int(rows["population"].max()) if len(rows) else 1
    st.vega_lite_chart(rows, chart_spec(layer_title, top), width="stretch")


def _shared_bars(cover: Coverage) -> pd.DataFrame:
    return shared_frame(bar_rows(cover))
