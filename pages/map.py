"""Map: the chosen ICB's boundaries, places coloured by how they line up with HWB areas."""

import streamlit as st

from ui import basemap, flag_view, frame, here_panel, map_areas, map_widget, results, slide_download
from ui import context as ui

view = ui.view()
icb = ui.icb_code()
st.title(ui.icb_name(icb))
map_widget.legend(view.layers)
flag_view.highlight_note()
labels = map_areas.labels_switch()
map_areas.skip_link()


@st.fragment
def show() -> None:
    key = (f"map-{icb}-{view.places}-{basemap.shown()}-{ui.view().area}-{len(view.highlight)}"
           f"-{labels}")
    rendered = results.current_map(key, labels)
    state = map_widget.show_map(rendered, key=key, height=820 if view.present else 640)
    map_widget.remember_map_position(state)
    st.caption(f"{rendered.areas:,} areas drawn, {rendered.geojson_bytes / 1e6:.2f} MB of "
               "GeoJSON.")
    here_panel.show(map_widget.new_click(state, key))


show()
basemap.explain()
map_areas.areas(results.current_features(), results.current_areas_table(), labels)
slide_download.offer()
frame.attribution()
