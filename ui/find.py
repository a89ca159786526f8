"""The sidebar's search: results as you type, tolerant of typos, over every ICB, sub-ICB
location, HWB area, council, ward, PCN and place of the view (services/search.py ranks them).

The box is ``streamlit-searchbox`` (a component served by the app itself, so it works
offline): each pause in typing sends the text to the server, which answers with the best
matches; only this fragment reruns, never the page. Each result reads "name · type · ICB" in
full (the list wraps long lines), and picking one opens it on the map.
"""

from __future__ import annotations

import json

import streamlit as st
from streamlit_searchbox import st_searchbox

from layers import LAYERS
from services.search import Hit, SearchIndex
from ui import context
from ui.keys import Key

#: The one search widget (tests replace it, as they do the map widget).
searchbox = st_searchbox
#: Milliseconds of quiet typing before the text is searched.
DEBOUNCE_MS = 150
LABEL = "Find an ICB, council, ward, place or PCN"
#: streamlit-searchbox (0.1.24) gives its text input no accessible name (axe: "label",
#: critical) and takes no aria-label, so this script names it from the app's page: the
#: component's frame is served by this app (same origin), and re-rendering keeps the attribute
#: (it is checked again twice a second, for a frame drawn later). It runs in the page itself
#: (``st.html``), not in a frame of its own: one timer per page, however often it is drawn.
_NAME_THE_INPUT = """<script>
(() => {
  if (window.placemapNamesInputs) return;
  const accessibleName = %s;
  const nameInputs = () => {
    for (const frame of document.querySelectorAll('iframe[title^="streamlit_searchbox"]')) {
      const doc = frame.contentDocument;
      if (!doc) continue;
      for (const input of doc.querySelectorAll("input:not([aria-label])")) {
        input.setAttribute("aria-label", accessibleName);
      }
    }
  };
  nameInputs();
  window.placemapNamesInputs = setInterval(nameInputs, 500);
})();
</script>"""


def index() -> SearchIndex:
    """The view's areas to find, indexed once per generation and configuration (shared)."""
    ws, places = context.workspace(), context.places()
    return ws.memo(("search index", places.key),
                   lambda: SearchIndex.build(ws.search_areas(places)))


def label(hit: Hit) -> str:
    """What a result reads: name, type and ICB (plain text: the component shows no markup)."""
    icb = "" if hit.layer == "icb" else f" · {hit.icb_name}"
    code = "" if hit.code == hit.name else f", {hit.code}"  # a place's code is its name
    return f"{hit.name} · {LAYERS[hit.layer].title}{code}{icb}"


def options(query: str) -> list[tuple[str, Hit]]:
    return [(label(hit), hit) for hit in index().search(query)]


@st.fragment
def find() -> None:
    """The search box; call it inside ``with st.sidebar``."""
    searchbox(options, key=Key.FIND, label=LABEL,
              placeholder="e.g. Bolton, or a code", debounce=DEBOUNCE_MS,
              rerun_scope="fragment", submit_function=open_hit,
              help="Type part of a name or code; spelling slips are forgiven "
                   "(\"bolten\" finds Bolton). Pick a result to show it on the map.")
    st.html(_NAME_THE_INPUT % json.dumps(LABEL), unsafe_allow_javascript=True)


def open_hit(hit: Hit) -> None:
    context.show_on_map(hit.layer, hit.code, icb=hit.icb_code)
