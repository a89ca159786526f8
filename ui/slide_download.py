"""The Map page's "Download map" buttons: the view on screen as a slide-ready PNG (1920×1080),
SVG or PDF, drawn by the renderer ``placemap map`` uses (services/slide_map.py) from the same
features the map shows, so the app and the CLI give the same file for the same view.

Nothing is drawn until a button is clicked (the buttons appear once "Download map for slides"
is switched on): each button's data is a callable that Streamlit runs
on the click (in another thread, no rerun). The bytes are kept per view and format for the server
process, so a second click, or another session on the same view, costs nothing. The renderer
(matplotlib, ~1 s to import, more on a loaded machine) is imported once the switch is on, not by
every server's first Map page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from services.bounded_cache import BoundedCache
from ui import context, results
from ui.keys import Key

#: Rendered files kept per server process (a PNG is ~0.2–0.5 MB, an SVG or PDF up to a few MB).
RENDERED_MAX_ENTRIES = 24
_RENDERED: BoundedCache[tuple, bytes] = BoundedCache(RENDERED_MAX_ENTRIES)


def offer() -> None:
    """A switch, then one download button per format for the current view (none while no
    layer is on). Behind the switch because three download buttons and the view's features
    cost ~8 ms of server CPU on every run of a page that takes ~35 ms (benchmarks/
    bench_pages.py), and most visits never download."""
    view = context.view()
    if not view.layers or not st.toggle("Download map for slides", key=Key.SLIDE_DOWNLOAD):
        return
    from services.slide_map import FORMATS, SIZE_PX, slide_map  # only when asked (see above)

    ws, places, icb = context.workspace(), context.places(), context.icb_code()
    features = results.current_features()
    key = (ws.generation.id, ws.store.meta.get("built_at"), places.key, icb, view.layers,
           view.threshold, view.sliver, view.area)
    draw = partial(slide_map, ws, icb, places, features, view.area)
    stem = "-".join(part for part in ("placemap", icb, ws.generation.id, view.area) if part)
    st.caption(f"This map as a {SIZE_PX[0]}×{SIZE_PX[1]} PNG, or SVG and PDF to edit or print: "
               "drawn when you click.")
    for column, (fmt, mime) in zip(st.columns(len(FORMATS)), FORMATS.items(), strict=True):
        with column:
            st.download_button(f"Download map ({fmt.upper()})", data=partial(
                rendered, key, fmt, draw), file_name=f"{stem}.{fmt}", mime=mime,
                on_click="ignore", icon=":material/download:", key=f"slide-map-{fmt}",
                width="stretch")


def rendered(key: tuple, fmt: str, draw: Callable) -> bytes:
    """The file for a view and format, drawn once per server process."""
    from services.slide_map import render

    return _RENDERED.get_or_make((*key, fmt), lambda: render(draw(), fmt))
