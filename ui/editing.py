"""The place editor's state: uploads and table edits become named session configurations."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.io.place_files import (
    HEADER,
    PlaceFileError,
    read_place_csv,
    read_place_geojson,
)
from services.places import PlaceConfig, config_from_polygons
from ui import context as ui
from ui.tables import class_styled, coterminosity_for


def current_config() -> PlaceConfig:
    name = ui.view().places
    return ui.custom_configs().get(name) or ui.workspace().config(name)


def icb_blocks(config: PlaceConfig, icb: str) -> pd.DataFrame:
    """The blocks of the places that belong to this ICB (the rest of England is kept aside)."""
    places = ui.places()
    here = set(places.areas.index[places.areas["icb_code"] == icb])
    blocks = config.blocks[config.blocks["place"].isin(here)]
    return blocks[HEADER].reset_index(drop=True)


def _use(config: PlaceConfig) -> None:
    """Adopt the configuration and rerun, so every widget shows it; if it does not resolve, list
    every bad row and keep the last one."""
    try:
        ui.workspace().places(config)
    except PlaceFileError as exc:
        st.error(f"{config.name}: {len(exc.problems)} row(s) need fixing; nothing was applied.")
        st.dataframe(exc.problems, hide_index=True, width="stretch")
        return
    ui.custom_configs()[config.name] = config
    ui.update(places=config.name, area="")
    st.rerun()


def save_edit(config: PlaceConfig, icb: str, edited: pd.DataFrame) -> None:
    """The edited rows replace this ICB's places; error reports number them as the editor does
    (row 1 = line 2, as in a CSV with its header)."""
    others = config.blocks[~config.blocks["place"].isin(icb_blocks(config, icb)["place"])]
    edited = edited.dropna(how="all").fillna("").reset_index(drop=True)
    edited = edited.assign(place=edited["place"].astype(str).str.strip(),
                           block_type=edited["block_type"].astype(str).str.strip().str.lower(),
                           code=edited["code"].astype(str).str.strip().str.upper(),
                           line=edited.index + 2)
    others = others.assign(line=0)
    name = config.name if config.name.endswith("(edited)") else f"{config.name} (edited)"
    merged = pd.concat([others[["line", *HEADER]], edited[["line", *HEADER]]],
                       ignore_index=True)
    _use(PlaceConfig(name, f"edited from {config.source}", merged))


def load_upload(upload) -> None:
    marker = upload.file_id
    if st.session_state.get("last_upload") == marker:
        return
    with st.status(f"Reading {upload.name}…", expanded=False) as status:
        data = upload.getvalue()
        try:
            if upload.name.lower().endswith(".csv"):
                facts, blocks = read_place_csv(data, upload.name)
                config = PlaceConfig(facts.get("name", upload.name.rsplit(".", 1)[0]),
                                     facts.get("source", f"uploaded {upload.name}"), blocks)
            else:
                polygons = read_place_geojson(data, upload.name)
                config, cut = config_from_polygons(polygons, ui.workspace().store,
                                                   upload.name.rsplit(".", 1)[0])
                if len(cut):
                    st.warning(f"{len(cut)} LSOAs are cut by a polygon edge; each goes wholly "
                               "to the place holding its population-weighted centroid.")
                    st.dataframe(cut, hide_index=True)
        except PlaceFileError as exc:
            status.update(label=f"{upload.name}: nothing loaded", state="error")
            st.error(f"{upload.name}: {len(exc.problems)} problem(s); fix these rows and upload "
                     "again.")
            st.dataframe(exc.problems, hide_index=True, width="stretch")
            return
        status.update(label=f"Checking {config.place_count} places…")
        st.session_state["last_upload"] = marker
        _use(config)


def show_alignment() -> None:
    st.subheader("Alignment (recomputed on every edit)")
    for other in ("hwb", "lad"):
        st.dataframe(class_styled(coterminosity_for("place", other)), hide_index=True,
                     width="stretch")
    flags, _ = ui.current_flags()
    st.caption(f"{len(flags)} flags in this ICB: see the Flags page.")
