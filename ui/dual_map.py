"""The Changes page's Streamlit glue: the scope picker, the results cached per scope for the
server process, the summary and the two maps kept in step."""

from __future__ import annotations

import streamlit as st

from layers import get_generation
from services.changes import DEFAULT_FROM, DEFAULT_TO, Changes, changes
from services.changes_map import ChangeMap, build_dual_map, change_map, geojson_bytes
from ui import map_widget
from ui.shared import shared_workspace

ENGLAND = ""
OLD, NEW = get_generation(DEFAULT_FROM), get_generation(DEFAULT_TO)


@st.cache_resource(show_spinner="Comparing the two generations…", max_entries=32)
def results(icb_code: str = ENGLAND) -> Changes:
    """From :data:`DEFAULT_FROM` to :data:`DEFAULT_TO`, for England or one ICB (read-only)."""
    return changes(shared_workspace(DEFAULT_FROM), shared_workspace(DEFAULT_TO), icb_code or None)


@st.cache_resource(show_spinner="Drawing the areas that changed ICB…", max_entries=32)
def features(icb_code: str = ENGLAND) -> ChangeMap:
    return change_map(shared_workspace(DEFAULT_FROM), shared_workspace(DEFAULT_TO),
                      results(icb_code))


def scope_control() -> str:
    """England, or an ICB of either generation (everything touching its people)."""
    labels = {ENGLAND: "All of England"}
    for generation in (OLD, NEW):
        icbs = shared_workspace(generation.id).store.layer("icb").sort_values("name")
        for code, name in zip(icbs["code"], icbs["name"], strict=True):
            labels.setdefault(code, f"{name} ({code}, {generation.label})")
    return st.selectbox("Show", list(labels), format_func=labels.get,
                        help="An ICB of either generation: its people, where they came from "
                             "and went, and the sub-ICB locations, councils and places holding "
                             "them.")


def summary(result: Changes) -> None:
    facts = result.summary()
    columns = [*st.columns(3), *st.columns(3)]
    columns[0].metric(f"ICBs, {result.old.label} → {result.new.label}",
                      f"{facts[f'icbs_{result.old.id}']} → {facts[f'icbs_{result.new.id}']}")
    columns[1].metric("Merger ICBs (new code)", facts["icbs_merged"])
    columns[2].metric("ICBs created", facts["icbs_created"])
    columns[3].metric("ICBs abolished", facts["icbs_abolished"])
    columns[4].metric("LSOAs that changed ICB", f"{result.lsoas_changed:,}")
    columns[5].metric("People who changed ICB", f"{result.people_changed:,}")


def show(icb_code: str, basemap: bool) -> None:
    """Old ICBs left, new right, changed areas filled on both. Nothing comes back from the maps
    (panning never reruns the page); they follow each other in the browser. Drawn through
    ``map_widget.st_folium``, the one widget call page tests replace."""
    drawn = features(icb_code)
    left, right = st.columns(2)
    left.markdown(f"**{drawn.old_label}** (left)")
    right.markdown(f"**{drawn.new_label}** (right)")
    map_widget.st_folium(build_dual_map(drawn, basemap=basemap),
                         key=f"changes-{icb_code}-{basemap}", height=560,
                         use_container_width=True, returned_objects=[])
    st.caption(f"Orange: {len(drawn.changed):,} areas whose LSOAs changed ICB, one per pair of "
               f"ICBs; outlines: the ICBs of each generation. {geojson_bytes(drawn) / 1e6:.2f} "
               "MB of GeoJSON.")
