"""Flags: every misalignment in the ICB with its severity, numbers and sentence."""

import streamlit as st

from services.flags import RULES
from ui import context as ui

flags, slivers = ui.current_flags()
st.title(f"Flags: {ui.icb_name(ui.icb_code())}")
st.caption("Population-based rules (Census 2021 over LSOA 2021). Select a row to show it on the "
           "map.")
shown = flags[["severity", "rule", "name", "sentence"]]
view = ui.view()
event = st.dataframe(shown, hide_index=True, width="stretch", on_select="rerun",
                     selection_mode="single-row",
                     key=f"flags-{ui.icb_code()}-{ui.places().key}-{view.threshold}-{view.sliver}")
rows = [row for row in (event.selection.rows if event else []) if row < len(flags)]
if rows:
    flag = flags.iloc[rows[0]]
    st.json(flag["numbers"])
    if flag["layer"] in ("place", "hwb", "lad", "icb", "pcn", "ward") and st.button("Show on map"):
        layers = tuple(dict.fromkeys([*view.layers, flag["layer"]]))
        ui.update(area=flag["code"], layers=layers, lat=None, lon=None, zoom=None)
        st.switch_page("pages/map.py")
st.subheader(f"Slivers ({len(slivers)}): digitising noise, not misalignments")
st.dataframe(slivers, hide_index=True, width="stretch")
with st.expander("Rules"):
    st.table({rule: {"severity": severity, "meaning": meaning}
              for rule, (severity, meaning) in RULES.items()})
ui.attribution()
