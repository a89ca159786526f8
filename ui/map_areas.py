"""Beside the Map page's map: the labels switch, the "skip the map" link and the areas drawn as
a text table (name, code, layer, class), so the map is never the only way to read them.

The table is drawn when its expander is opened (a rerun): drawn hidden in every first page, its
hundreds of rows were sanitised and laid out by the browser while the map waited."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from services.map_access import area_summary, area_table_html
from services.map_labels import choose_labels, skipped_text
from ui.derived import derived
from ui.keys import Key

ANCHOR = "areas-on-the-map"


def labels_switch() -> bool:
    """Whether the map names its areas (this session; off at first)."""
    return st.toggle("Labels", key=Key.MAP_LABELS,
                     help="Names of the areas of the layers shown, drawn on the map.")


def skip_link() -> None:
    st.markdown(f"[Skip the map](#{ANCHOR})")


def areas(features: dict[str, gpd.GeoDataFrame], table: pd.DataFrame, labels: bool) -> None:
    """The areas on the map as a table (``table``: services.map_access.area_table of
    ``features``), under a heading the skip link jumps to."""
    if labels:
        left_out = skipped_text(choose_labels(features))
        if left_out:
            st.caption(left_out)
    st.subheader("Areas on the map", anchor=ANCHOR)
    listed = st.expander(area_summary(table), key=Key.MAP_AREAS_OPEN, on_change="rerun")
    if listed.open:  # drawn once opened: the browser builds no hidden table before the map
        with listed:
            st.html(derived(table, area_table_html))  # the shared table's HTML, made once
