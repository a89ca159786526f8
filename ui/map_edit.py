"""Edit on the map (issue 11, point 1): pick a target place and a block layer, click an area,
and the block under the click moves to the target (services/place_edits.py); the configuration
is adopted as a session edit (ui/editing.py), so every page sees it, with undo and redo
(ui/edit_history.py).

The click comes back from the map widget as a point (ui/map_widget.py); the LSOA under it
(services/here.py) gives the block of the chosen layer holding it, through the spine. The map
shows the place layer over the block layer, sent in two parts (ui/edit_redraw.py): an edit
redraws the place layer in the map the browser has, which keeps its position.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from layers import LAYERS, MAP_ORDER
from services.here import lsoa_at
from services.io.place_files import BLOCK_TYPES, HEADER
from services.place_edits import BlockIndex, Move, MoveError, apply_move
from ui import context as ui
from ui import edit_redraw, editing, map_widget, text
from ui.keys import Key

NEW_PLACE = "New place…"
DEFAULT_BLOCK_TYPE = "ward"
MAP_HEIGHT = 560


@dataclass(frozen=True)
class Target:
    """Where a click moves a block: ``place`` (an existing or a new place) and the layer."""

    place: str
    block_type: str


def block_index() -> BlockIndex:
    """Each LSOA's code in every block type of the generation shown (once per workspace)."""
    ws = ui.workspace()
    return ws.memo(("block index",), lambda: BlockIndex.from_spine(
        ws.store.spine, {t: ws.generation.layer(t).spine_column for t in BLOCK_TYPES}))


def controls(icb: str) -> Target | None:
    """The target place and the block layer; None (said why) when a new place has no usable
    name."""
    places = ui.places()
    here = sorted(places.areas.index[places.areas["icb_code"] == icb])
    target_column, layer_column = st.columns([2, 3])
    choice = target_column.selectbox("Move clicked areas to", [*here, NEW_PLACE],
                                     key=Key.EDIT_TARGET)
    block_type = layer_column.segmented_control(
        "Block layer clicked", BLOCK_TYPES, default=DEFAULT_BLOCK_TYPE, key=Key.EDIT_BLOCK_TYPE,
        format_func=lambda i: LAYERS[i].title) or DEFAULT_BLOCK_TYPE
    if choice != NEW_PLACE:
        return Target(choice, block_type)
    name = " ".join(target_column.text_input("Name of the new place", value="New place",
                                             key=Key.EDIT_NEW_NAME).split())
    elsewhere = places.areas["icb_code"].get(name)
    if not name:
        st.info("Name the new place to click areas into it.")
        return None
    if elsewhere is not None and elsewhere != icb:
        text.warning("A place named {} is already in {}: choose another name.", name,
                     ui.icb_name(str(elsewhere)))
        return None
    return Target(name, block_type)


@st.fragment
def edit_map(icb: str, target: Target) -> None:
    """The map to click on: a pan or zoom reruns only this; a click moves a block and reruns
    the page, so the tables and flags follow."""
    v, places = ui.view(), ui.places()
    layers = tuple(i for i in ("icb", target.block_type, "place") if i in MAP_ORDER)
    key = f"edit-{icb}-{target.block_type}"
    rendered = edit_redraw.rendered_map(places, icb, layers, v.threshold, v.sliver, v.basemap,
                                        key)
    state = map_widget.send_map(rendered, MAP_HEIGHT,
                                **_start_position(icb, rendered.arguments["key"]))
    _remember_position(icb, state)
    if not (state or {}).get("last_clicked"):  # a new map: no click of it handled yet
        st.session_state.pop(Key.HANDLED_CLICK, None)
    point = map_widget.new_click(state, key)
    if point is not None:
        _move(icb, target, *point)
    if target.block_type not in MAP_ORDER:
        st.caption(f"{LAYERS[target.block_type].title} boundaries are not drawn: click inside "
                   "one and it moves.")


def _move(icb: str, target: Target, lat: float, lon: float) -> None:
    """Move the block under the point to the target, or say why not."""
    ws = ui.workspace()
    lsoa = lsoa_at(ws.store, lat, lon)
    if lsoa is None:
        st.warning("That point is in no LSOA of England: click inside the ICB.")
        return
    lsoa_icb = str(ws.store.spine["icb_code"].iat[lsoa])
    if lsoa_icb != icb:
        text.warning("That point is in {}: choose it in the sidebar to edit its places.",
                     ui.icb_name(lsoa_icb))
        return
    code = block_index().block_of(lsoa, target.block_type)
    name = ws.geography(target.block_type).names().get(code, code)
    config = editing.current_config()
    try:
        blocks = apply_move(config.blocks[HEADER], Move(target.place, target.block_type, code),
                            block_index())
    except MoveError as exc:
        text.warning("The click moved nothing: {}.", str(exc))
        return
    if blocks.equals(config.blocks[HEADER]):
        text.caption("{} ({}) is already in {}.", name, code, target.place)
        return
    label = f"{LAYERS[target.block_type].title} {name} ({code}) to {target.place}"
    editing.adopt(editing.edited(config, blocks), "edit", label)


def _start_position(icb: str, content: str) -> dict:
    """Centre and zoom for a new base map (``content``: its widget key; an edit keeps it, see
    ui/edit_redraw.py): where the reviewer last had the map of this ICB, then the same values
    for as long as the base map stays (see map_widget._start_position on feeding positions
    back)."""
    started = st.session_state.get(Key.EDIT_MAP_START)
    if started is None or started[0] != content:
        last = st.session_state.get(Key.EDIT_MAP_VIEW)
        position = last[1] if last and last[0] == icb else {}
        started = st.session_state[Key.EDIT_MAP_START] = (content, position)
    return started[1]


def _remember_position(icb: str, state: dict | None) -> None:
    if state and state.get("center") and state.get("zoom") is not None:
        center = (float(state["center"]["lat"]), float(state["center"]["lng"]))
        st.session_state[Key.EDIT_MAP_VIEW] = (icb, {"center": center,
                                                     "zoom": int(state["zoom"])})
