"""Coterminosity: the chosen layer's areas in the ICB against councils and HWB areas."""

import streamlit as st

from layers import LAYERS, layers_with
from ui import context as ui
from ui import frame
from ui.tables import comparison_for, measures_help, show_comparison

st.title(f"Coterminosity: {ui.icb_name(ui.icb_code())}")
subject = ui.subject_control("Compare", layers_with("examined"))
with st.expander("What the measures mean"):
    measures_help()
for other in layers_with("council"):
    if other == subject:
        continue
    st.subheader(f"{LAYERS[subject].title} vs {LAYERS[other].title}")
    comparison = comparison_for(subject, other)
    st.caption("People by class: " + "; ".join(
        f"{row['class']} {row['population_share']:.1%} ({row['areas']} areas)"
        for row in comparison.summary.to_dict(orient="records") if row["areas"]))
    show_comparison(comparison)
    with st.expander("Matrix: population share of each area (rows) in each column"):
        st.dataframe(comparison.styled_matrix, width="stretch")
frame.attribution()
