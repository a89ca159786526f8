"""Placemap: the router and the one shared frame (page config, sidebar, URL state)."""

import streamlit as st

from services.io.store import StoreMissingError
from services.text import inert
from ui import context as ui
from ui.admission import admitted

st.set_page_config(page_title="Placemap", page_icon=":material/map:", layout="wide")
PAGE_TABLE = (
    ("map", "Map", "map"),
    ("coterminosity", "Coterminosity", "join_inner"),
    ("coverage", "Coverage", "bar_chart"),
    ("flags", "Flags", "flag"),
    ("places", "Places", "edit_location_alt"),
    ("export", "Export", "download"),
    ("changes", "Changes", "compare_arrows"),
    ("data", "Data", "database"),
)
PAGES = [
    st.Page(f"pages/{path}.py", title=title, icon=f":material/{icon}:", url_path=path,
            default=path == "map")
    for path, title, icon in PAGE_TABLE
]
try:
    ui.workspace()
except StoreMissingError as exc:  # our message, holding a path: shown inert but whole
    st.error(inert(exc, max_chars=len(str(exc))))
    st.stop()
ui.open_link(pages=("", *(path for path, _, _ in PAGE_TABLE)))
view = ui.view()
page = st.navigation(PAGES, position="hidden" if view.present else "sidebar")
if view.present:
    ui.presentation_frame()
else:
    ui.sidebar()
ui.link_problems()
with admitted():  # a few page runs at a time per server, the rest queued (ui/admission.py)
    page.run()  # pages never call st.stop(): the frame must always finish
ui.finish_run(page.title)
