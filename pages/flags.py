"""Flags: every misalignment in the ICB with its severity, numbers and sentence."""

import streamlit as st

from services.flags import RULES
from services.view_state import MAP_LAYERS
from ui import context as ui
from ui import frame, neighbourhood_draft, results

if (changed := neighbourhood_draft.controls(ui.view())) != ui.view():
    ui.update(**{k: getattr(changed, k) for k in ("neighbourhoods", "band_low", "band_high")})
    st.rerun()
flags, slivers = results.current_flags()
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
    if flag["layer"] in MAP_LAYERS and st.button("Show on map"):
        ui.show_on_map(flag["layer"], flag["code"])
st.subheader(f"Slivers ({len(slivers)}): digitising noise, not misalignments")
st.dataframe(slivers, hide_index=True, width="stretch", column_config={
    "comparison": "Comparison", "a_code": "Code", "a_name": "Area", "b_code": "Other code",
    "b_name": "Other area", "population": st.column_config.NumberColumn("People", format="%d"),
    "population_share_of_a": st.column_config.NumberColumn("Share of area", format="percent"),
    "population_share_of_b": st.column_config.NumberColumn("Share of other", format="percent")})
with st.expander("Rules"):
    st.table({rule.title: {"severity": rule.severity, "meaning": rule.meaning, "id": rule.id}
              for rule in RULES})
frame.attribution()
