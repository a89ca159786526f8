"""Map: the chosen ICB's boundaries, places coloured by how they line up with HWB areas."""

import streamlit as st

from ui import context as ui
from ui import frame, map_widget, results, slide_download

view = ui.view()
icb = ui.icb_code()
st.title(ui.icb_name(icb))
map_widget.legend(view.layers)


@st.fragment
def show() -> None:
    key = f"map-{icb}-{view.places}-{view.basemap}-{ui.view().area}"
    rendered = results.current_map(key)
    state = map_widget.show_map(rendered, key=key, height=820 if view.present else 640)
    map_widget.remember_map_position(state)
    st.caption(f"{rendered.areas:,} areas drawn, {rendered.geojson_bytes / 1e6:.2f} MB of "
               "GeoJSON.")


show()
slide_download.offer()
frame.attribution()
