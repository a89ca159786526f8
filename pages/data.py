"""Data: what the geography store holds, its vintages and sources."""

import streamlit as st

from services.store_summary import report_lines, store_summary
from ui import context as ui
from ui import frame

store = ui.workspace().store
st.title("Geography store")
st.table(store_summary(store).set_index("layer"))
st.caption("Population: Census 2021 usual residents, summed over LSOA 2021. 'exact' layers are "
           "unions of whole LSOAs; wards are a best fit of whole LSOAs within their council; "
           "PCN footprints are modelled. Each generation pairs the layer vintages below.")
st.text("\n".join(report_lines(store)))
with st.expander("Sources"):
    st.json(store.meta["sources"], expanded=False)
frame.attribution()
