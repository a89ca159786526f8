"""Flags: every misalignment in the ICB with its severity, figures and sentence."""

import streamlit as st

from services.flags import RULES
from ui import context as ui
from ui import flag_view, frame, neighbourhood_draft, results

neighbourhood_draft.offer_controls()
flags, slivers = results.current_flags()
st.title(f"Flags: {ui.icb_name(ui.icb_code())}")
st.caption("Population-based rules (Census 2021 over LSOA 2021). Select a row to read its "
           "figures and show its areas on the map.")
view = ui.view()
event = st.dataframe(flag_view.flags_table(flags), hide_index=True, width="stretch",
                     on_select="rerun", selection_mode="single-row",
                     column_config=flag_view.flag_column_config(),
                     key=f"flags-{ui.icb_code()}-{ui.places().key}-{view.threshold}-{view.sliver}")
rows = [row for row in (event.selection.rows if event else []) if row < len(flags)]
if rows:
    flag_view.show_flag(flags.iloc[rows[0]])
st.subheader(f"Slivers ({len(slivers)}): digitising noise, not misalignments")
st.dataframe(slivers[list(flag_view.SLIVER_TABLE_COLUMNS)], hide_index=True, width="stretch",
             column_config=flag_view.sliver_column_config())
with st.expander("Rules"):
    st.table({rule.title: {"severity": rule.severity, "meaning": rule.meaning, "id": rule.id}
              for rule in RULES})
frame.attribution()
