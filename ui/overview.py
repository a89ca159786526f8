"""The England overview's widgets: the ICB map, its legend and the ICB table; a click on an ICB
(map or row) opens that ICB's Map page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.backdrop import backdrop
from services.overview import england_overview, overview_key
from services.overview_map import MEASURE, legend_rows, overview_features, overview_map
from services.places import DEFAULT_SCHEME
from ui import basemap, context, map_widget
from ui.keys import Key

#: Table columns shown, with plain-English headers and the formula in the help.
_COLUMNS = {
    "region_name": st.column_config.TextColumn("NHS England region"),
    "icb_name": st.column_config.TextColumn("ICB", width="large"),
    "population": st.column_config.NumberColumn("People", format="localized",
                                                help="Census 2021 usual residents."),
    "places": st.column_config.NumberColumn("Places", help="Places of the default scheme "
                                            "(HWB area within ICB)."),
    "coterminous_share": st.column_config.ProgressColumn(
        "In coterminous places", format="percent", min_value=0.0, max_value=1.0,
        help="People in places whose population shares with one HWB area are both ≥ the "
             "threshold, ÷ the ICB's people. Exact."),
    "hwb_split": st.column_config.NumberColumn(
        "HWB areas split", help="HWB areas of this ICB with more than a sliver of their "
                                "people in another ICB."),
    "hwb_split_names": st.column_config.TextColumn("Which HWB areas"),
    "lad_split": st.column_config.NumberColumn(
        "Councils split", help="Lower-tier councils with more than a sliver of their people "
                               "in another ICB."),
    "lad_split_names": st.column_config.TextColumn("Which councils"),
    "high": st.column_config.NumberColumn("High flags"),
    "medium": st.column_config.NumberColumn("Medium flags"),
    "low": st.column_config.NumberColumn("Low flags"),
    "info": st.column_config.NumberColumn("Notes"),
    "headline": st.column_config.TextColumn("In short", width="large"),
}


def overview_table() -> pd.DataFrame:
    """Every ICB of the view's generation (cached in the shared workspace)."""
    v = context.view()
    return england_overview(context.workspace(), DEFAULT_SCHEME, threshold=v.threshold,
                            sliver=v.sliver)


def show_map(table: pd.DataFrame) -> None:
    ws, v = context.workspace(), context.view()
    key = overview_key(ws.places(DEFAULT_SCHEME), v.threshold, v.sliver)
    tiles = basemap.shown()
    fmap = overview_map(overview_features(ws, table, key), basemap=tiles,
                        backdrop=None if tiles else backdrop(ws))
    # map_widget.st_folium, looked up at call time, is the one map widget (tests replace it).
    state = map_widget.st_folium(fmap, key=f"overview-{ws.generation.id}-{tiles}",
                                 height=560, use_container_width=True,
                                 returned_objects=["last_active_drawing"])
    clicked = ((state or {}).get("last_active_drawing") or {}).get("properties") or {}
    basemap.explain()
    if clicked.get("code") in set(table["icb_code"]):
        open_icb(clicked["code"])


def legend() -> None:
    swatches = " &nbsp; ".join(
        f"<span style='background:{colour};border:1px solid #1d3557;padding:0 9px'></span> "
        f"{label}" for label, colour in legend_rows())
    st.markdown(f"<div style='font-size:0.9rem'>{swatches}</div>", unsafe_allow_html=True)
    st.caption(f"{MEASURE}. Click an ICB on the map or a row of the table to open its map.")


def show_table(table: pd.DataFrame) -> None:
    """The ICB table, grouped by NHS England region when the generation has them and the user
    asks; selecting a row opens that ICB."""
    has_regions = table["region_name"].notna().any()
    grouped = has_regions and st.toggle("Group by NHS England region", value=True)
    shown = table if grouped else table.sort_values("icb_name", ignore_index=True)
    columns = [c for c in _COLUMNS if grouped or c != "region_name"]
    v = context.view()
    event = st.dataframe(shown[columns], hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", column_config=_COLUMNS,
                         key=f"overview-table-{grouped}-{v.vintage}-{v.threshold}-{v.sliver}")
    rows = [row for row in (event.selection.rows if event else []) if row < len(shown)]
    if rows:
        open_icb(str(shown["icb_code"].iloc[rows[0]]))


def open_icb(code: str) -> None:
    """That ICB's Map page, fitted to the ICB."""
    context.update(icb=code, area="", lat=None, lon=None, zoom=None)
    st.session_state.pop(Key.MAP_START, None)
    st.switch_page("pages/map.py")
