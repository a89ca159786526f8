"""The "What is here?" panel under the map: every layer's area, in both generations, at the
point last clicked, each with a button that selects it on the map.

Called from the map fragment with the click :func:`ui.map_widget.new_click` reported (or None):
the point is kept in the session, so the panel stays while the map is panned. Names are shown as
HTML-escaped text, never as Markdown (a place of an upload may be called anything).
"""

from __future__ import annotations

import html

import streamlit as st

from layers import GENERATIONS
from services.here import Here, HereRow, lsoa_at, what_is_here
from services.view_state import MAP_LAYERS
from ui import context
from ui.keys import Key

#: Widths of the panel's columns: layer and vintage, area, people and method, button.
_COLUMNS = (2.3, 3.6, 2.6, 1.1)


def show(click: tuple[float, float] | None) -> None:
    """The panel for the last point clicked (``click`` when there is a new one)."""
    chosen = st.session_state.pop(Key.HERE_CHOSEN, None)
    if chosen is not None:  # a Select button's callback asked for it
        _select(*chosen)
    if click is not None:
        st.session_state[Key.HERE_POINT] = click
    point = st.session_state.get(Key.HERE_POINT)
    st.subheader("What is here?", anchor=False)
    if point is None:
        st.caption("Click anywhere on the map to list every layer's area at that point, in "
                   "both generations.")
        return
    lat, lon = point
    ws = context.workspace()
    lsoa = lsoa_at(ws.store, lat, lon)
    if lsoa is None:
        st.info(f"No LSOA of England is at {lat:.5f}, {lon:.5f}: Placemap's layers cover "
                "England only. Click a point inside England.")
        return
    here = what_is_here(ws.store, lsoa, context.places())
    st.caption(f"At {lat:.5f}, {lon:.5f}: every area holding the LSOA 2021 under the click "
               "(each figure is a sum over whole LSOAs; a ward or PCN is the one this LSOA is "
               "best fitted or modelled to). **Select** shows an area on the map, switching "
               "generation when it is of the other one.")
    _header()
    for row in here.rows:
        _row(row, here)


def _header() -> None:
    cells = st.columns(_COLUMNS, vertical_alignment="bottom")
    for cell, title in zip(cells, ("Layer, as at", "Area", "People (Census 2021)", ""),
                           strict=True):
        cell.markdown(f"**{title}**" if title else "")


def _row(row: HereRow, here: Here) -> None:
    v = context.view()
    layer_cell, area_cell, people_cell, button_cell = st.columns(
        _COLUMNS, vertical_alignment="center")
    other = v.vintage not in row.generations
    generations = " and ".join(GENERATIONS[g].label for g in row.generations)
    muted = " style='color:#6c757d'" if other else ""
    layer_cell.html(f"<div{muted}><b>{_text(row.layer)}</b><br>{_text(row.vintage)} "
                    f"<small>({_text(generations)})</small></div>")
    code = f" <code>{_text(row.code)}</code>" if row.code else ""
    area_cell.html(f"<div{muted}>{_text(row.name)}{code}</div>")
    people = f"{row.population:,}" if row.code else "–"
    people_cell.html(f"<div{muted}>{people}<br><small>{_text(row.method)}</small></div>")
    if not row.code or row.layer_id not in MAP_LAYERS:
        return
    if row.code == v.area and not other:
        button_cell.markdown(":material/check: Selected")
    else:
        generation = v.vintage if v.vintage in row.generations else row.generations[0]
        chosen = (row.layer_id, row.code, generation, here.icb_by_generation.get(generation))
        button_cell.button("Select", key=f"{Key.HERE_SELECT}-{row.layer_id}-{row.vintage}-"
                                         f"{row.code}", help="Show this area on the map",
                           on_click=st.session_state.__setitem__, args=(Key.HERE_CHOSEN, chosen))


def _select(layer_id: str, code: str, generation: str, icb: str | None) -> None:
    """Open the map on an area in its generation (the view's when the row has both). Asked
    for by a Select button's callback, not its return value, so the choice survives a run that
    restarts before the panel is reached."""
    if generation != context.view().vintage:
        context.update(vintage=generation)
    context.show_on_map(layer_id, code, icb=icb)


def _text(value: object) -> str:
    return html.escape(str(value))
