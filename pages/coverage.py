"""Coverage: where one area's people live, by council, HWB area, place, PCN and ward."""

import streamlit as st

from layers import LAYERS, layers_with
from ui import context as ui
from ui import frame
from ui.charts import horizontal_bars
from ui.tables import coverage_bars, coverage_for, subject_codes

st.title(f"Coverage: {ui.icb_name(ui.icb_code())}")
layer = ui.subject_control("Area type", layers_with("covered"), holding=ui.view().area)
geography = ui.geography(layer)
codes = [ui.icb_code()] if layer == "icb" else list(subject_codes(layer))
if not codes:  # no st.stop(): the frame still has to write the link after the page
    st.info(f"No {LAYERS[layer].title} area lies in this ICB with the chosen configuration.")
else:
    names = geography.names()
    area = ui.view().area
    start = codes.index(area) if area in codes else 0
    code = st.selectbox("Area", codes, index=start, format_func=lambda c: f"{names[c]} ({c})")
    if code != codes[start]:  # a pick, kept so the link reopens it (and the map highlights it)
        ui.update(area=code)
    st.caption("Population-based: Census 2021 summed over LSOA 2021.")
for other in layers_with("covering") if codes else ():
    if other == layer or not ui.workspace().has(other):
        continue
    cover = coverage_for(layer, code, other)
    st.subheader(f"By {LAYERS[other].title}")
    horizontal_bars(coverage_bars(cover), height=min(60 + 28 * len(cover.rows), 600))
    note = (f"{cover.population:,} people: {cover.uncovered:,} outside every "
            f"{LAYERS[other].title} (gap), {cover.double_counted:,} counted twice (overlap). "
            f"Population {cover.population_method}.")
    (st.warning if cover.uncovered or cover.double_counted else st.caption)(note)
frame.attribution()
