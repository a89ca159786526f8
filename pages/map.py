"""Map: the chosen ICB's boundaries, places coloured by how they line up with HWB areas."""

import streamlit as st

from ui import context as ui
from ui import slide_download

view = ui.view()
icb = ui.icb_code()
st.title(ui.icb_name(icb))
ui.legend(view.layers)


@st.fragment
def show() -> None:
    key = f"map-{icb}-{view.places}-{view.basemap}-{ui.view().area}"
    rendered = ui.current_map(key)
    state = ui.show_map(rendered, key=key, height=820 if view.present else 640)
    ui.remember_map_position(state)
    st.caption(f"{rendered.areas:,} areas drawn, {rendered.geojson_bytes / 1e6:.2f} MB of "
               "GeoJSON.")


show()
slide_download.offer()
ui.attribution()
