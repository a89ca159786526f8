"""Export: layers as RFC 7946 GeoJSON with their measures, tables and the configuration as CSV."""

import streamlit as st

from layers import LAYERS
from services.export import to_csv, to_geojson
from services.io.place_files import place_csv_text
from ui import context as ui
from ui import frame
from ui.editing import current_config
from ui.tables import coterminosity_for, export_layer, partner

view, generation = ui.view(), ui.workspace().generation
st.title("Export")
options = sorted([i for i in view.layers if i != "icb"] or ["place"],
                 key=lambda i: (i != view.subject, i != "place"))  # what the user looks at first
layer = st.selectbox("Layer", options, format_func=lambda i: LAYERS[i].title)
features = export_layer(layer)
st.caption(f"{len(features)} features, WGS84, with population and coterminosity measures, as at "
           f"{generation.label} (each feature carries its vintage).")
st.download_button("Download GeoJSON", to_geojson(features),
                   file_name=f"{layer}_{generation.id}.geojson", mime="application/geo+json")
other = partner(layer)
st.download_button(f"Download coterminosity vs {LAYERS[other].title} (CSV)",
                   to_csv(coterminosity_for(layer, other).assign(generation=generation.label)),
                   file_name=f"{layer}_vs_{other}_{generation.id}.csv", mime="text/csv")
config = current_config()
facts = {**config.facts(), "vintage": config.vintage or generation.id}  # its codes were checked
st.download_button("Download place configuration (CSV)", place_csv_text(config.blocks, facts),
                   file_name=f"places_{generation.id}.csv", mime="text/csv")
frame.attribution()
