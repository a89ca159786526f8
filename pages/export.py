"""Export: layers as RFC 7946 GeoJSON with their measures, tables and the configuration as CSV;
every file named after the ICB, configuration and vintage, and carrying them."""

import streamlit as st

from layers import LAYERS
from services.export import RESOLUTIONS, to_csv, to_geojson
from services.io.place_files import place_csv_text
from ui import context as ui
from ui import frame
from ui.editing import current_config
from ui.tables import coterminosity_for, export_context, export_layer, partner

view, generation = ui.view(), ui.workspace().generation
config = current_config()
about = export_context(config.name)
st.title("Export")
options = sorted([i for i in view.layers if i != "icb"] or ["place"],
                 key=lambda i: (i != view.subject, i != "place"))  # what the user looks at first
layer = st.selectbox("Layer", options, format_func=lambda i: LAYERS[i].title)
resolution = st.radio("Geometry", list(RESOLUTIONS), format_func=RESOLUTIONS.get,
                      horizontal=True)
features = export_layer(layer, about, resolution)
st.caption(f"{len(features)} features, WGS84, {RESOLUTIONS[resolution]}, with population and "
           f"coterminosity measures, as at {generation.label}; each feature carries its ICB, "
           "configuration, vintage and geometry resolution.")
st.download_button("Download GeoJSON", to_geojson(features),
                   file_name=about.file_name(f"{layer}-{resolution}", "geojson"),
                   mime="application/geo+json")
other = partner(layer)
table = coterminosity_for(layer, other).assign(**about.properties())
st.download_button(f"Download coterminosity vs {LAYERS[other].title} (CSV)", to_csv(table),
                   file_name=about.file_name(f"{layer}-vs-{other}", "csv"), mime="text/csv")
facts = {**config.facts(), "vintage": config.vintage or generation.id}  # its codes were checked
st.download_button("Download place configuration (CSV)", place_csv_text(config.blocks, facts),
                   file_name=about.file_name("places", "csv"), mime="text/csv")
frame.attribution()
