"""The place editor's state: uploads and table edits become named session configurations."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from layers import LAYERS, layers_with
from services.export import to_csv
from services.geography import Geography
from services.io.place_files import (
    BLOCK_TYPES,
    HEADER,
    PlaceFileError,
    read_place_csv,
    read_place_geojson,
)
from services.limits import (
    CONFIG_ROWS_MAX,
    PROBLEMS_SHOWN_MAX,
    SESSION_CONFIGS_MAX,
    UPLOAD_MAX_MB,
)
from services.place_polygons import config_from_polygons
from services.places import PlaceConfig, keep_session_config, session_key
from services.text import fill
from ui import configs, edit_history, results, text
from ui import context as ui
from ui.keys import Key
from ui.tables import comparison_for, show_comparison

UPLOAD_LABEL = (f"Upload a configuration (up to {UPLOAD_MAX_MB} MB and {CONFIG_ROWS_MAX:,} "
                "rows): CSV (place,block_type,code) or GeoJSON polygons with a 'place' property")
UPLOAD_HELP = ("An upload is kept in this session as 'Your upload: <name>', beside the "
               "built-in and published configurations, never in their place. Zip, gzip, "
               "spreadsheet and other binary files are refused: save as CSV UTF-8 or GeoJSON.")


def current_config() -> PlaceConfig:
    name = ui.view().places
    return configs.custom_configs().get(name) or ui.workspace().config(name)


def icb_blocks(config: PlaceConfig, icb: str) -> pd.DataFrame:
    """The blocks of the places that belong to this ICB (the rest of England is kept aside)."""
    places = ui.places()
    here = set(places.areas.index[places.areas["icb_code"] == icb])
    blocks = config.blocks[config.blocks["place"].isin(here)]
    return blocks[HEADER].reset_index(drop=True)


def named_blocks(blocks: pd.DataFrame) -> pd.DataFrame:
    """The blocks with each one's name (as at the generation shown) beside its code; a code
    no layer has is named "(unknown code)" and left for resolving to report."""
    ws, names = ui.workspace(), pd.Series("(unknown code)", index=blocks.index, dtype=object)
    for block_type, rows in blocks.groupby("block_type"):
        if block_type in BLOCK_TYPES:
            known = ws.geography(str(block_type)).names()
            names[rows.index] = rows["code"].map(known).fillna("(unknown code)").to_numpy()
    return blocks.assign(name=names.to_numpy())


def adopt(config: PlaceConfig, kind: str, label: str) -> None:
    """Adopt the configuration, under its own session key (an upload never replaces a built-in
    or published configuration of the same name), as the newest step of the edit history
    (``label``: what undo names), and rerun, so every widget shows it; if it does not resolve,
    list every bad row and keep the last one. An upload covering none of the ICB shown switches
    to the ICB holding most of its people; the selected area stays where it can."""
    try:
        geography = ui.workspace().places(config)
    except PlaceFileError as exc:
        _show_problems(exc, fill(f"{{}}: {len(exc.problems):,} row(s) need fixing; nothing was "
                                 "applied.", config.name))
        st.session_state.pop(Key.LAST_UPLOAD, None)  # keep showing this until the file changes
        return
    before = edit_history.current(current_config())
    key = session_key(kind, config.name)
    dropped = keep_session_config(configs.custom_configs(), key, config)
    notices = [_switched_icb(geography, config.name)] if kind == "upload" else []
    if dropped:
        notices.append(f"A session keeps its {SESSION_CONFIGS_MAX} latest uploads and edits; "
                       f"removed: {'; '.join(dropped)}. Upload it again to use it.")
    st.session_state[Key.PLACES_NOTICE] = " ".join(n for n in notices if n)
    ui.update(places=key, area=ui.area_kept(geography))
    edit_history.record(before, key, config, label)
    st.rerun()


def _switched_icb(geography: Geography, name: str) -> str:
    """Show the ICB the configuration covers when it covers none of the ICB shown (and say
    so): its places' ICB holding most of their people. Markdown, names made inert."""
    icbs = geography.areas.groupby("icb_code")["population"].sum().sort_values(
        ascending=False, kind="stable")
    if icbs.empty or ui.icb_code() in icbs.index:
        return ""
    chosen = str(icbs.index[0])
    ui.update(icb=chosen, lat=None, lon=None, zoom=None)
    others = [ui.icb_name(str(code)) for code in icbs.index[1:]]
    also = f" (it also has places in {len(others)} other ICB(s): {{}})" if others else ""
    return fill(f"{{}} has no place in the ICB that was shown: showing {{}}{also}.",
                name, ui.icb_name(chosen),
                *(["; ".join(others)] if others else []))


def edited(config: PlaceConfig, blocks: pd.DataFrame) -> PlaceConfig:
    """An edit of a configuration, named after it once: "Greater Manchester (edited)"."""
    if config.name.endswith("(edited)"):
        return PlaceConfig(config.name, config.source, blocks)
    return PlaceConfig(f"{config.name} (edited)", f"edited from {config.source}", blocks)


def show_notice() -> None:
    """What the last adoption removed from the session, said once."""
    notice = st.session_state.pop(Key.PLACES_NOTICE, None)
    if notice:
        st.info(notice)


def save_edit(config: PlaceConfig, icb: str, edited: pd.DataFrame) -> None:
    """The edited rows replace this ICB's places; error reports number them as the editor does
    (row 1 = line 2, as in a CSV with its header). The name column is the table's, not data."""
    others = config.blocks[~config.blocks["place"].isin(icb_blocks(config, icb)["place"])]
    edited = edited[HEADER].dropna(how="all").fillna("").reset_index(drop=True)
    edited = edited.assign(place=edited["place"].astype(str).str.strip(),
                           block_type=edited["block_type"].astype(str).str.strip().str.lower(),
                           code=edited["code"].astype(str).str.strip().str.upper(),
                           line=edited.index + 2)
    others = others.assign(line=0)
    merged = pd.concat([others[["line", *HEADER]], edited[["line", *HEADER]]],
                       ignore_index=True)
    adopt(edited(config, merged), "edit", "the table edit")


def load_upload(upload) -> None:
    """Read an upload once and adopt it. What goes wrong stays on the page, row by row, for as
    long as that file is in the uploader; LSOAs cut by a GeoJSON polygon edge are listed after
    the rerun that adopts it."""
    if st.session_state.get(Key.LAST_UPLOAD) == upload.file_id:
        cut = st.session_state.get(Key.UPLOAD_CUT_LSOAS)
        if cut is not None and len(cut):
            text.warning(f"{{}}: {len(cut)} LSOAs are cut by a polygon edge; each went wholly "
                         "to the place holding its population-weighted centroid.", upload.name)
            st.dataframe(cut, hide_index=True)
        return
    try:
        with text.spinner("Reading and checking {}…", upload.name):
            config, cut = _read_upload(upload)
    except PlaceFileError as exc:
        _show_problems(exc, fill(f"{{}}: {len(exc.problems):,} problem(s), nothing loaded; "
                                 "fix these rows and upload the file again.", upload.name))
        return
    st.session_state[Key.LAST_UPLOAD] = upload.file_id
    st.session_state[Key.UPLOAD_CUT_LSOAS] = cut
    adopt(config, "upload", fill("the upload of {}", upload.name))


def _show_problems(exc: PlaceFileError, message: str) -> None:
    """The message (Markdown already filled by :func:`services.text.fill`), the first
    ``PROBLEMS_SHOWN_MAX`` problem rows, and all of them to download."""
    text.error(message)
    st.dataframe(exc.problems.head(PROBLEMS_SHOWN_MAX), hide_index=True, width="stretch")
    if len(exc.problems) > PROBLEMS_SHOWN_MAX:
        st.caption(f"The first {PROBLEMS_SHOWN_MAX} of {len(exc.problems):,} problems are "
                   "shown; download them all below.")
        st.download_button("Download all problems (CSV)", to_csv(exc.problems),
                           file_name="problems.csv", mime="text/csv")


def _read_upload(upload) -> tuple[PlaceConfig, pd.DataFrame | None]:
    data, stem = upload.getvalue(), upload.name.rsplit(".", 1)[0]
    if upload.name.lower().endswith(".csv"):
        facts, blocks = read_place_csv(data, upload.name)
        return PlaceConfig(facts.get("name", stem), facts.get("source", f"uploaded {upload.name}"),
                           blocks), None
    polygons = read_place_geojson(data, upload.name)
    return config_from_polygons(polygons, ui.workspace().store, stem)


def show_alignment() -> None:
    st.subheader("Alignment (recomputed on every edit)")
    for other in ("hwb", "lad"):
        st.markdown(f"**Places vs {LAYERS[other].title}**")
        show_comparison(comparison_for("place", other))
    flags, _ = results.current_flags()
    st.caption(f"{len(flags)} flags in this ICB: see the Flags page.")


def block_codes_note() -> str:
    """Which codes each block type takes in the generation shown (ours: Markdown-safe)."""
    generation = ui.workspace().generation
    kinds = ", ".join(f"{layer.id} ({layer.title}, {layer.vintage.label})"
                      for layer in map(generation.layer, layers_with("block")))
    return f"Blocks are ONS codes as at {generation.label}: {kinds}."
