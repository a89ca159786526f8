"""Coterminosity: the chosen layer's areas in the ICB against councils and HWB areas."""

import streamlit as st

from layers import LAYERS, layers_with
from ui import context as ui
from ui import frame
from ui.tables import comparison_for

MEASURES = """
- **Population share of A in B**: P(A∩B) / P(A), the share of A's people living in B.
- **Population share of B in A**: P(A∩B) / P(B). **Jaccard**: P(A∩B) / P(A∪B).
- **Area** columns: the same with m² (EPSG:27700), distorted by coasts and generalised lines.
- Population is Census 2021 summed over LSOA 2021: exact for layers built from whole LSOAs,
  best fit for wards. **Classes**: coterminous (both shares ≥ threshold), within (A inside one
  B), contains (A is whole Bs), straddles, none.
"""

st.title(f"Coterminosity: {ui.icb_name(ui.icb_code())}")
subject = ui.subject_control("Compare", layers_with("examined"))
with st.expander("What the measures mean"):
    st.markdown(MEASURES)
for other in layers_with("council"):
    if other == subject:
        continue
    st.subheader(f"{LAYERS[subject].title} vs {LAYERS[other].title}")
    comparison = comparison_for(subject, other)
    st.caption("People by class: " + "; ".join(
        f"{row['class']} {row['population_share']:.1%} ({row['areas']} areas)"
        for row in comparison.summary.to_dict(orient="records") if row["areas"]))
    st.dataframe(comparison.styled, hide_index=True, width="stretch")
    with st.expander("Matrix: population share of each area (rows) in each column"):
        st.dataframe(comparison.styled_matrix, width="stretch")
frame.attribution()
