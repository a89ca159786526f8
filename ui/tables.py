"""Tables for the pages: engine results for the current view, cached, and styled by class."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from pandas.io.formats.style import Styler

from layers import layers_with
from services.coterminosity import layer_summary, share_matrix
from services.coverage import Coverage
from services.coverage_view import distinct_labels
from services.export import RESOLUTIONS, ExportContext
from services.geography import Geography, lsoa_geometry_union
from services.measures import COTERMINOSITY_FIRST, COTERMINOSITY_MORE, MEASURES, labels
from ui import context as ui
from ui.shared_styles import shared, shared_frame

CLASS_BACKGROUND = {"coterminous": "#d8f3dc", "within": "#dbe9ff", "contains": "#e0f4f8",
                    "straddles": "#ffe5cc", "none": "#eeeeee", "a within b": "#dbe9ff",
                    "b within a": "#e0f4f8", "sliver": "#f1f1f1"}



@dataclass(frozen=True)
class Comparison:
    """One layer's areas in the ICB against another layer, as the pages show them: computed
    once per server for each view and shared by every session (read-only)."""
    table: pd.DataFrame  # engine column names (services.measures), sorted by name
    summary: pd.DataFrame  # people and areas by class (services.coterminosity.layer_summary)
    matrix: pd.DataFrame  # population share of each area (rows) in each other area (columns)
    more: pd.DataFrame  # the table's other measures (COTERMINOSITY_MORE), converted once
    styled: Styler = field(repr=False)  # the table and the matrix as shown, marshalled once
    styled_matrix: Styler = field(repr=False)  # (ui/shared_styles.py)


def subject_codes(layer_id: str) -> pd.Index:
    return _codes_in_icb(ui.geography(layer_id), ui.icb_code(), ui.view().sliver)


def _codes_in_icb(geography: Geography, icb: str, sliver: float) -> pd.Index:
    if geography.id == "place":
        return geography.areas.index[geography.areas["icb_code"] == icb]
    return ui.workspace().codes_in_icb(geography, icb, sliver)


def comparison_for(subject: str, other: str) -> Comparison:
    a, b, view = ui.geography(subject), ui.geography(other), ui.view()
    return _comparison(a, a.key, b, b.key, ui.icb_code(), view.threshold, view.sliver)


@st.cache_resource(show_spinner=False, max_entries=128)
def _comparison(_a: Geography, a_key: str, _b: Geography, b_key: str, icb: str,
                threshold: float, sliver: float) -> Comparison:
    ws, codes = ui.workspace(), _codes_in_icb(_a, icb, sliver)
    rows = ws.coterminosity(_a, _b, threshold=threshold, sliver=sliver, codes=codes)
    pairs = ws.pairs(_a, _b, threshold=threshold, sliver=sliver, area=False)
    pairs = pairs[pairs["a_code"].isin(codes)]
    pairs = pairs.assign(a_label=_labels(pairs, "a"), b_label=_labels(pairs, "b"))
    matrix = share_matrix(pairs["a_label"], pairs["b_label"],
                          pairs["population_share_of_a"].to_numpy())
    table = _ordered(rows)
    return Comparison(table, layer_summary(rows), matrix,
                      shared_frame(table[list(COTERMINOSITY_MORE)]),
                      shared(class_styled(table[list(COTERMINOSITY_FIRST)])),
                      shared(matrix_styled(matrix, threshold)))


def coterminosity_for(subject: str, other: str) -> pd.DataFrame:
    """Per area of ``subject`` in the ICB, with the measures' labels as column names."""
    table = comparison_for(subject, other).table
    return table.rename(columns=labels(table.columns))


_SHOWN = tuple(dict.fromkeys(COTERMINOSITY_FIRST + COTERMINOSITY_MORE))


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    """By name, then code: a plain sort of the few rows (pandas factorises each text column
    first) when every name and code is text, else pandas' (missing names last)."""
    shown = table[list(_SHOWN)]
    names, codes = shown["a_name"].tolist(), shown["a_code"].tolist()
    if not all(isinstance(value, str) for value in names + codes):
        return shown.sort_values(["a_name", "a_code"], ignore_index=True)
    order = sorted(range(len(names)), key=lambda i: (names[i], codes[i]))  # stable, as pandas
    return shown.take(order).reset_index(drop=True)


_FORMATS = {"share": "percent", "people": "localized", "count": "plain"}


def column_config(columns, formatted: bool = False) -> dict:
    """Each column's label, with its formula as the help (services.measures); ``formatted``:
    numbers formatted by the grid (for a table not styled by :func:`class_styled`)."""
    def column(c: str):
        kind = MEASURES[c].kind
        if formatted and kind in _FORMATS:
            return st.column_config.NumberColumn(MEASURES[c].label, help=MEASURES[c].formula,
                                                 format=_FORMATS[kind])
        return st.column_config.Column(MEASURES[c].label, help=MEASURES[c].formula)
    return {c: column(c) for c in columns if c in MEASURES}


def measures_help(columns: tuple[str, ...] = _SHOWN) -> None:
    """Every measure's label and formula, as the column helps say them."""
    st.table(_measures_table(columns))
    st.caption("P(x): Census 2021 usual residents summed over LSOA 2021, exact for layers built "
               "from whole LSOAs, best fit for wards. A: the row's area; B: the best match.")


@cache
def _measures_table(columns: tuple[str, ...]) -> pd.DataFrame:
    return shared_frame(pd.DataFrame({
        "Measure": [MEASURES[c].label for c in columns],
        "How it is worked out": [MEASURES[c].formula for c in columns]}).set_index("Measure"))


def show_comparison(comparison: Comparison) -> None:
    """A coterminosity table: the name, class and main shares first (so the class is seen
    without scrolling; styled and marshalled once per server), every other measure in an
    expander below."""
    st.dataframe(comparison.styled, hide_index=True, width="stretch",
                 column_config=column_config(COTERMINOSITY_FIRST))
    with st.expander("More measures: codes, Jaccard, partners, land area"):
        st.dataframe(comparison.more, hide_index=True, width="stretch",  # no Styler: ~10 ms
                     column_config=column_config(COTERMINOSITY_MORE, formatted=True))


def matrix_styled(matrix: pd.DataFrame, threshold: float) -> Styler:
    return matrix.style.format("{:.1%}").map(
        lambda v: "background-color: #d8f3dc" if v >= threshold else "")


def class_styled(table: pd.DataFrame) -> Styler:
    """Shares as percentages, people with separators, classes on their colour (engine column
    names, read through services.measures)."""
    kinds = {c: MEASURES[c].kind for c in table.columns if c in MEASURES}
    shares = [c for c, kind in kinds.items() if kind == "share"]
    people = {c: "{:,}" for c, kind in kinds.items() if kind == "people"}
    classes = [c for c in table.columns if c.endswith("class")]
    return (table.style.format({c: "{:.1%}" for c in shares} | people, na_rep="–")
            .map(lambda v: f"background-color: {CLASS_BACKGROUND.get(v, '')}", subset=classes))


def coverage_for(layer: str, code: str, other: str) -> Coverage:
    a, b = ui.geography(layer), ui.geography(other)
    return _coverage(a, a.key, code, b, b.key)


@st.cache_resource(show_spinner=False, max_entries=256)
def _coverage(_a: Geography, a_key: str, code: str, _b: Geography, b_key: str) -> Coverage:
    """Shared by every session (read-only)."""
    return ui.workspace().coverage(code, _a, _b)


def _labels(rows: pd.DataFrame, side: str) -> pd.Series:
    return distinct_labels(rows[f"{side}_name"], rows[f"{side}_code"])


def partner(layer_id: str) -> str:
    """What a layer is measured against on export: councils against places, others against
    HWB areas."""
    return "place" if layer_id in layers_with("council") else "hwb"


def export_context(configuration: str) -> ExportContext:
    """The ICB, configuration (its name) and generation every exported file names."""
    generation, icb = ui.workspace().generation, ui.icb_code()
    return ExportContext(icb, ui.icb_name(icb), configuration, generation.id, generation.label)


def export_layer(layer_id: str, about: ExportContext,
                 resolution: str = "full") -> gpd.GeoDataFrame:
    """The layer's areas in the ICB (the store's polygons at full resolution, places dissolved
    from its LSOAs; or, on request, the simplified map copies) with their population and best
    match against :func:`partner`, and what the export is about, for GeoJSON export."""
    view = ui.view()
    frame = _export_layer(layer_id, ui.places().key, ui.icb_code(), view.threshold,
                          view.sliver, resolution)
    return frame.assign(**about.properties(), geometry_resolution=RESOLUTIONS[resolution])


@st.cache_data(show_spinner="Preparing the export…", max_entries=32)
def _export_layer(layer_id: str, places_key: str, icb: str, threshold: float,
                  sliver: float, resolution: str) -> gpd.GeoDataFrame:
    geography, codes = ui.geography(layer_id), subject_codes(layer_id)
    shapes = _export_shapes(geography, codes, resolution)
    table = ui.workspace().coterminosity(geography, ui.geography(partner(layer_id)),
                                         threshold=threshold, sliver=sliver,
                                         codes=codes).set_index("a_code").reindex(codes)
    frame = gpd.GeoDataFrame(table.reset_index(names="code"), geometry=shapes.to_numpy(),
                             crs=shapes.crs)
    generation = ui.workspace().generation
    frame["vintage"] = (generation.layer(layer_id).vintage.label if layer_id != "place"
                        else f"configuration ({geography.vintage})")
    frame["generation"] = generation.label
    return frame.rename(columns={"a_name": "name"}).drop(columns=["best_b_name"])


def _export_shapes(geography: Geography, codes: pd.Index, resolution: str) -> gpd.GeoSeries:
    """Full resolution: the store's polygons (EPSG:27700); simplified: its map copies (WGS84).
    Places are dissolved from this ICB's LSOAs only, not England's (~1.4 s)."""
    store = ui.workspace().store
    if geography.id != "place":
        if resolution == "full":
            return geography.geometry.reindex(codes)
        return store.map_layers[geography.id].set_index("code").geometry.reindex(codes)
    membership = geography.membership[geography.membership["code"].isin(codes)]
    if resolution == "full":
        return lsoa_geometry_union(store, membership).reindex(codes)
    lsoa = store.map_layers["lsoa"].geometry.to_numpy()
    shapes = {code: shapely.union_all(lsoa[group["lsoa"].to_numpy()])
              for code, group in membership.groupby("code")}
    return gpd.GeoSeries([shapes.get(code) for code in codes], index=codes, crs=4326)
