"""Placemap: the router and the one shared frame (page config, sidebar, URL state)."""

import streamlit as st

from services.io.store import StoreMissingError
from ui import context as ui

st.set_page_config(page_title="Placemap", page_icon=":material/map:", layout="wide")
PAGES = [
    st.Page(f"pages/{path}.py", title=title, icon=f":material/{icon}:", url_path=path)
    for path, title, icon in (
        ("overview", "England overview", "public"),
        ("map", "Map", "map"),
        ("coterminosity", "Coterminosity", "join_inner"),
        ("coverage", "Coverage", "bar_chart"),
        ("flags", "Flags", "flag"),
        ("places", "Places", "edit_location_alt"),
        ("export", "Export", "download"),
        ("data", "Data", "database"),
    )
]
#: "/": a link naming an ICB opens its Map page (as links did before the overview), any other
#: the England overview; each then has its own path, so its link reopens it.
LANDING = st.Page(lambda: None, title="Placemap", url_path="landing", default=True,
                  visibility="hidden")
try:
    ui.workspace()
except StoreMissingError as exc:
    st.error(str(exc))
    st.stop()
view = ui.view()
page = st.navigation([LANDING, *PAGES], position="hidden" if view.present else "sidebar")
if page is LANDING:
    st.switch_page(PAGES[1] if view.icb else PAGES[0])
if view.present:
    ui.presentation_frame()
else:
    ui.sidebar()
ui.link_problems()
page.run()  # pages never call st.stop(): the frame must always finish
ui.finish_run(page.title)
