"""Placemap: the router and the one shared frame (page config, sidebar, URL state)."""

import streamlit as st

from services.io.store import StoreMissingError
from ui import context as ui

st.set_page_config(page_title="Placemap", page_icon=":material/map:", layout="wide")
PAGES = [
    st.Page(f"pages/{path}.py", title=title, icon=f":material/{icon}:", url_path=path,
            default=path == "map")
    for path, title, icon in (
        ("map", "Map", "map"),
        ("coterminosity", "Coterminosity", "join_inner"),
        ("coverage", "Coverage", "bar_chart"),
        ("flags", "Flags", "flag"),
        ("places", "Places", "edit_location_alt"),
        ("export", "Export", "download"),
        ("changes", "Changes", "compare_arrows"),
        ("data", "Data", "database"),
    )
]
try:
    ui.workspace()
except StoreMissingError as exc:
    st.error(str(exc))
    st.stop()
view = ui.view()
page = st.navigation(PAGES, position="hidden" if view.present else "sidebar")
if view.present:
    ui.presentation_frame()
else:
    ui.sidebar()
ui.link_problems()
page.run()  # pages never call st.stop(): the frame must always finish
ui.finish_run(page.title)
