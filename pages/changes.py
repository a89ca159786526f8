"""Changes: what changed between the April 2024 and April 2026 boundaries, on two maps kept in
step and in tables that name both vintages."""

import streamlit as st

from services.changes import TITLES
from ui import context as ui
from ui import dual_map, frame

st.title(f"What changed: {dual_map.OLD.label} → {dual_map.NEW.label}")
scope = dual_map.scope_control()
result = dual_map.results(scope)
st.caption(f"Boundaries as at {result.old.label} (left map) and {result.new.label} (right map). "
           "People are Census 2021 usual residents, exact (sums of whole LSOAs). Areas are "
           "compared through the LSOAs, never by joining codes across vintages.")
dual_map.summary(result)
dual_map.show(scope, ui.view().basemap)
for name, table in result.tables().items():
    st.subheader(f"{TITLES[name]}, {result.old.label} → {result.new.label} ({len(table)})")
    if len(table):
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        st.caption("None.")
frame.attribution()
