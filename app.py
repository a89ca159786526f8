"""Placemap: the Streamlit entry point (placeholder home until the dashboard lands)."""

import streamlit as st

from services.io.sources import load_manifest
from services.io.store import Store, StoreMissingError, load_store
from services.store_summary import store_summary


@st.cache_resource(show_spinner="Loading the geography store…")
def get_store() -> Store:
    """One store per server process, shared by every session."""
    return load_store()


st.set_page_config(page_title="Placemap", layout="wide")
st.title("Placemap")
try:
    store = get_store()
except StoreMissingError as exc:
    st.error(str(exc))
    st.stop()
st.subheader("Geography store")
st.table(store_summary(store).set_index("layer"))
st.caption(" ".join(load_manifest().attribution.values()))
