"""The floor for the dashboard's cold start (benchmarks/bench_dashboard.py): the least a
Streamlit app can do to show the same map: read the map's GeoJSON layers from one JSON file
(``PLACEMAP_FLOOR_FEATURES``: layer → FeatureCollection, as the dashboard draws them), add them
to a folium map with the same offline Leaflet and show it with ``st_folium``. No store, no engine.
"""

import json
import os

import folium
import streamlit as st
from streamlit_folium import st_folium

st.set_page_config(page_title="Floor", layout="wide")
with open(os.environ["PLACEMAP_FLOOR_FEATURES"], encoding="utf-8") as source:
    layers = json.load(source)
fmap = folium.Map(tiles=None, control_scale=True)
fmap.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
fmap.default_css = [("leaflet_css", "/app/static/leaflet/leaflet.css")]
for name, collection in layers["layers"].items():
    folium.GeoJson(collection, name=name).add_to(fmap)
minx, miny, maxx, maxy = layers["bounds"]
fmap.fit_bounds([[miny, minx], [maxy, maxx]])
st_folium(fmap, key="floor", use_container_width=True, height=640, returned_objects=[])
