"""Map: the chosen ICB's boundaries, places coloured by how they line up with HWB areas."""

import streamlit as st

from services.map_view import build_map, geojson_size_bytes
from ui import context as ui

view = ui.view()
icb = ui.icb_code()
st.title(ui.icb_name(icb))
ui.legend(view.layers)


@st.fragment
def show() -> None:
    features = ui.current_features()
    fmap = build_map(features, selected=ui.view().area, basemap=view.basemap)
    state = ui.show_map(fmap, key=f"map-{icb}-{view.places}-{view.basemap}-{ui.view().area}",
                        height=820 if view.present else 640)
    ui.remember_map_position(state)
    st.caption(f"{sum(len(f) for f in features.values()):,} areas drawn, "
               f"{geojson_size_bytes(features) / 1e6:.2f} MB of GeoJSON.")


show()
ui.attribution()
