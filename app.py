"""Placemap: the router and the one shared frame (page config, sidebar, URL state)."""

import streamlit as st

from services.io.store import StoreMissingError
from services.text import inert
from ui import context as ui
from ui import follow_frame, frame, rooms
from ui.admission import admitted

st.set_page_config(page_title="Placemap", page_icon=":material/map:", layout="wide")
PAGE_TABLE = (
    ("overview", "England overview", "public"),
    ("map", "Map", "map"),
    ("coterminosity", "Coterminosity", "join_inner"),
    ("coverage", "Coverage", "bar_chart"),
    ("flags", "Flags", "flag"),
    ("places", "Places", "edit_location_alt"),
    ("drafts", "Drafts", "history"),
    ("export", "Export", "download"),
    ("changes", "Changes", "compare_arrows"),
    ("data", "Data", "database"),
)
PAGES = {path: st.Page(f"pages/{path}.py", title=title, icon=f":material/{icon}:",
                       url_path=path) for path, title, icon in PAGE_TABLE}
#: "/": a link naming an ICB opens its Map page (as links did before the overview), any other
#: the England overview; each then has its own path, so its link reopens it.
LANDING = st.Page(lambda: None, title="Placemap", url_path="landing", default=True,
                  visibility="hidden")
try:
    ui.workspace()
except StoreMissingError as exc:  # our message, holding a path: shown inert but whole
    st.error(inert(exc, max_chars=len(str(exc))))
    st.stop()
ui.open_link(pages=("", *PAGES))
view = ui.view()
page = st.navigation([LANDING, *PAGES.values()],
                     position="hidden" if view.present else "sidebar")
rooms.follow_room(page.url_path)  # a follower takes the room's view before anything is drawn
if page is LANDING:
    st.switch_page(PAGES["map" if view.icb else "overview"])
if view.present:
    frame.presentation_frame()
elif rooms.following():  # the presenter's view: no controls to draw (ui/follow_frame.py)
    follow_frame.sidebar()
else:
    frame.sidebar()
frame.link_problems()
rooms.banner(page.url_path)
with admitted():  # a few page runs at a time per server, the rest queued (ui/admission.py)
    page.run()  # pages never call st.stop(): the frame must always finish
    frame.finish_run(page.url_path)  # in the slot: not queued again behind the others' runs
